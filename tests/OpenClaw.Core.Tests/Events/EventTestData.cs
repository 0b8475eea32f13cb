using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Tests.Events;

/// <summary>Stores on real files, keys and one event of every kind with every field set.</summary>
internal static class EventTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public static Task<SqliteEventStore> OpenAsync(string path, TimeProvider? time = null, bool readOnly = false) =>
        SqliteEventStore.OpenAsync(
            new EventStoreOptions { Path = path, ReadOnly = readOnly },
            time ?? Clock(),
            null,
            TestContext.Current.CancellationToken);

    public static SessionKey Key(string agent = "default", string channel = "telegram", string peer = "42", string? id = null) =>
        id is null
            ? SessionKey.Generate(AgentId.From(agent), ChannelId.From(channel), PeerId.From(peer))
            : SessionKey.Create(AgentId.From(agent), ChannelId.From(channel), PeerId.From(peer), id);

    public static JsonElement JsonOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static string ToJson(SessionEvent e) => JsonSerializer.Serialize(e, EventJsonContext.Default.SessionEvent);

    /// <summary>One event of each of the eight kinds, every optional field filled, in a valid order.</summary>
    public static SessionEvent[] EveryKind(SessionKey key, SessionKey? forkedFrom = null) =>
    [
        new SessionStarted { SessionKey = key, ForkedFrom = forkedFrom is { } f ? new ForkOrigin(f, 7) : null },
        new MessageReceived
        {
            SessionKey = key,
            Text = "Hello there, what's the weather in Zürich?",
            Attachments = [new Attachment { Id = "f1", FileName = "a.png", MimeType = "image/png", SizeBytes = 1234, Url = "https://example.com/a.png" }],
            ChannelMessageId = "m-1",
            ReplyToChannelMessageId = "m-0",
            SenderName = "Ada",
            ChannelMetadata = JsonOf("""{"chat":{"id":-100,"type":"group"},"entities":[1,2]}"""),
        },
        new ToolCalled { SessionKey = key, ToolCallId = "call-1", Tool = "weather", Params = JsonOf("""{"city":"Zürich","units":"metric"}""") },
        new ToolResult { SessionKey = key, ToolCallId = "call-1", Success = true, Result = JsonOf("""{"tempC":3.5}"""), Error = null },
        new ToolResult { SessionKey = key, ToolCallId = "call-2", Success = false, Result = null, Error = "timeout after 30 s" },
        new AgentResponse { SessionKey = key, Text = "It is 3.5 °C in Zürich.", Model = "claude-x", Usage = new TokenUsage(100, 20, 30, 40) },
        new MessageSent { SessionKey = key, Text = "It is 3.5 °C in Zürich.", ChannelMessageId = "m-2" },
        new StateChanged { SessionKey = key, Key = "run.finished", Value = JsonOf("""{"runId":"r1","ok":true}""") },
        new StateChanged { SessionKey = key, Key = "context.summary", Value = null },
        new SessionEnded { SessionKey = key, Reason = "user typed /new" },
    ];

    public static async Task<SessionKey> StartAsync(IEventStore store, SessionKey? key = null)
    {
        var k = key ?? Key();
        await store.AppendAsync(new SessionStarted { SessionKey = k }, TestContext.Current.CancellationToken);
        return k;
    }
}
