using System.CommandLine;
using System.Text.Json;
using OpenClaw.Cli.Rpc;
using OpenClaw.Cli.Sessions;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Sessions;

/// <summary>Sessions written straight into a state directory's event store, and a way to run <c>openclaw sessions</c> in-process.</summary>
internal static class SessionSeed
{
    /// <summary>A port nothing listens on: connecting is refused at once.</summary>
    public const string DeadUrl = "http://127.0.0.1:1";

    /// <summary>The chat session's events, in order: seqs 1–6.</summary>
    public static readonly string[] ChatTypes =
        ["session_started", "message_received", "tool_called", "tool_result", "agent_response", "message_sent"];

    /// <summary>
    /// Writes a Telegram chat (a message whose sender put a terminal escape in it, a tool call and the answer; seqs 1–6),
    /// then an ended web-chat session (seqs 7–9), and, when asked, a session of <paramref name="longMessages"/> messages.
    /// </summary>
    public static async Task<Seeded> WriteAsync(StatePaths paths, int longMessages = 0)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await SqliteEventStore.OpenAsync(EventStoreOptions.For(paths), TimeProvider.System, logger: null, ct);
        var chat = SessionKey.Generate(AgentId.From("default"), ChannelId.From("telegram"), PeerId.From("4242"));
        await store.AppendAsync(new SessionStarted { SessionKey = chat }, ct);
        await store.AppendAsync(new MessageReceived { SessionKey = chat, Text = "Hello \u001b[31mthere\nsecond line", SenderName = "Ada\u001b]0;pwned\u0007" }, ct);
        using (var parameters = JsonDocument.Parse("""{"path":"notes.txt"}"""))
        using (var result = JsonDocument.Parse("""{"content":"buy milk"}"""))
        {
            await store.AppendAsync(new ToolCalled { SessionKey = chat, ToolCallId = "call-1", Tool = "read_file", Params = parameters.RootElement.Clone() }, ct);
            await store.AppendAsync(new ToolResult { SessionKey = chat, ToolCallId = "call-1", Success = true, Result = result.RootElement.Clone() }, ct);
        }

        await store.AppendAsync(new AgentResponse { SessionKey = chat, Text = "You wrote: buy milk\u202E", Model = "fake-model", Usage = new TokenUsage(10, 5, 0, 0) }, ct);
        await store.AppendAsync(new MessageSent { SessionKey = chat, Text = "You wrote: buy milk" }, ct);

        var ended = SessionKey.Generate(AgentId.From("default"), ChannelId.From("webchat"), PeerId.From("web"));
        await store.AppendAsync(new SessionStarted { SessionKey = ended }, ct);
        await store.AppendAsync(new MessageReceived { SessionKey = ended, Text = "the second session" }, ct);
        await store.EndSessionAsync(ended, "done", ct);

        SessionKey? longKey = null;
        if (longMessages > 0)
        {
            var key = SessionKey.Generate(AgentId.From("default"), ChannelId.From("webchat"), PeerId.From("long"));
            var events = new List<SessionEvent> { new SessionStarted { SessionKey = key } };
            for (var i = 0; i < longMessages; i++)
            {
                events.Add(new MessageReceived { SessionKey = key, Text = "message " + i });
            }

            await store.ImportAsync(events, ct);
            longKey = key;
        }

        return new Seeded(chat.ToString(), ended.ToString(), longKey?.ToString());
    }

    /// <summary>Runs <c>openclaw</c> with <paramref name="args"/> in-process; exit code, stdout and stderr.</summary>
    public static async Task<Run> InvokeAsync(string[] args, Func<string, string?> environment, SessionTerminal? terminal = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { SessionCommands.Create(environment, new RpcClientOptions(), terminal) };
        var exit = await root.Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>The keys of the seeded sessions.</summary>
    public sealed record Seeded(string Chat, string Ended, string? Long);

    /// <summary>What a command did.</summary>
    public sealed record Run(int Exit, string Output, string Error)
    {
        public string[] Lines => Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }
}
