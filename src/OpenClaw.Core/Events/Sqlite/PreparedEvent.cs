using System.Text;
using System.Text.Json;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>An event validated, stamped and serialised on the caller's thread, so the writer only runs SQL.</summary>
internal sealed class PreparedEvent
{
    private const int TitleLength = 120;

    private static readonly byte[] s_sessionStarted = "session_started"u8.ToArray();
    private static readonly byte[] s_messageReceived = "message_received"u8.ToArray();
    private static readonly byte[] s_toolCalled = "tool_called"u8.ToArray();
    private static readonly byte[] s_toolResult = "tool_result"u8.ToArray();
    private static readonly byte[] s_agentResponse = "agent_response"u8.ToArray();
    private static readonly byte[] s_messageSent = "message_sent"u8.ToArray();
    private static readonly byte[] s_stateChanged = "state_changed"u8.ToArray();
    private static readonly byte[] s_sessionEnded = "session_ended"u8.ToArray();

    // Kept small (one per imported event): everything else the writer needs is read from the event itself.
    private PreparedEvent(SessionEvent stamped, ReadOnlyMemory<byte> json)
    {
        Event = stamped;
        Json = json;
        Ticks = stamped.Timestamp.UtcTicks;
    }

    public SessionEvent Event { get; }

    /// <summary>The event type as UTF-8, shared by every event of the kind.</summary>
    public byte[] TypeUtf8 => Event switch
    {
        SessionStarted => s_sessionStarted,
        MessageReceived => s_messageReceived,
        ToolCalled => s_toolCalled,
        ToolResult => s_toolResult,
        AgentResponse => s_agentResponse,
        MessageSent => s_messageSent,
        StateChanged => s_stateChanged,
        _ => s_sessionEnded,
    };

    /// <summary>The serialised event: its own array for an append, a slice of a pooled buffer for an import.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The session key; its text form is made only when the writer needs it (once per session).</summary>
    public SessionKey SessionKey => Event.SessionKey;

    public long Ticks { get; }

    /// <summary>1 for the message kinds counted (and indexed) as messages, else 0.</summary>
    public int MessageDelta => Event is MessageReceived or AgentResponse or MessageSent ? 1 : 0;

    /// <summary>The message text indexed for search, or null.</summary>
    public string? SearchText => Event switch
    {
        MessageReceived m => m.Text,
        AgentResponse r => r.Text,
        MessageSent s => s.Text,
        _ => null,
    };

    /// <summary>The text a session's title is made from (see <see cref="Preview"/>), made only for the first message.</summary>
    public string? TitleSource => Event is MessageReceived m ? m.Text : null;

    public TokenUsage? Usage => (Event as AgentResponse)?.Usage;

    public bool Ends => Event is SessionEnded;

    public string? EndReason => (Event as SessionEnded)?.Reason;

    /// <summary>Validates and stamps an event; keeps a given id and time when <paramref name="keepIdentity"/> (imports).</summary>
    public static PreparedEvent Create(SessionEvent sessionEvent, TimeProvider timeProvider, bool keepIdentity)
    {
        var stamped = Stamp(sessionEvent, timeProvider, keepIdentity);
        return new PreparedEvent(stamped, JsonSerializer.SerializeToUtf8Bytes(stamped, EventJsonContext.Default.SessionEvent));
    }

    /// <summary>Like <see cref="Create(SessionEvent, TimeProvider, bool)"/>, serialising into <paramref name="buffer"/> instead of a fresh array.</summary>
    public static PreparedEvent Create(SessionEvent sessionEvent, TimeProvider timeProvider, bool keepIdentity, EventBuffer buffer)
    {
        var stamped = Stamp(sessionEvent, timeProvider, keepIdentity);
        return new PreparedEvent(stamped, buffer.Serialize(stamped));
    }

    /// <summary>
    /// This append stamped at <paramref name="ticks"/> instead, with an id made from that time and its JSON written
    /// again; the writer's rare path for an event the clock stamped no later than the newest stored one.
    /// </summary>
    public PreparedEvent Restamp(long ticks)
    {
        var timestamp = new DateTimeOffset(ticks, TimeSpan.Zero);
        var stamped = Event with { EventId = UuidV7.Create(timestamp), Timestamp = timestamp };
        return new PreparedEvent(stamped, JsonSerializer.SerializeToUtf8Bytes(stamped, EventJsonContext.Default.SessionEvent));
    }

    private static SessionEvent Stamp(SessionEvent sessionEvent, TimeProvider timeProvider, bool keepIdentity)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        Validate(sessionEvent);
        var timestamp = keepIdentity && sessionEvent.Timestamp != default
            ? sessionEvent.Timestamp.ToUniversalTime()
            : timeProvider.GetUtcNow();
        var eventId = keepIdentity && sessionEvent.EventId != Guid.Empty
            ? sessionEvent.EventId
            : UuidV7.Create(timestamp);

        // An imported event usually carries its id and UTC time already; records are immutable, so it is kept as is
        // instead of copied.
        return sessionEvent.Seq == 0 && sessionEvent.EventId == eventId
            && sessionEvent.Timestamp.Offset == TimeSpan.Zero && sessionEvent.Timestamp.UtcTicks == timestamp.UtcTicks
            ? sessionEvent
            : sessionEvent with { Seq = 0, EventId = eventId, Timestamp = timestamp };
    }

    private static void Validate(SessionEvent e)
    {
        if (e.SessionKey.Id is null)
        {
            throw Invalid($"a {e.Type} event needs a session key.");
        }

        switch (e)
        {
            case MessageReceived m:
                Require(m.Text, "text", e);
                if (m.Attachments is null)
                {
                    throw Invalid("message_received attachments must be a list (it may be empty).");
                }

                break;
            case ToolCalled t:
                RequireNonEmpty(t.ToolCallId, "toolCallId", e);
                RequireNonEmpty(t.Tool, "tool", e);
                if (t.Params.ValueKind == JsonValueKind.Undefined)
                {
                    throw Invalid("tool_called needs params (use {} when the tool takes none).");
                }

                break;
            case ToolResult r:
                RequireNonEmpty(r.ToolCallId, "toolCallId", e);
                break;
            case AgentResponse a:
                Require(a.Text, "text", e);
                RequireNonEmpty(a.Model, "model", e);
                if (a.Usage is null || a.Usage.InputTokens < 0 || a.Usage.OutputTokens < 0
                    || a.Usage.CacheReadTokens < 0 || a.Usage.CacheWriteTokens < 0)
                {
                    throw Invalid("agent_response usage must be present and its token counts must not be negative.");
                }

                break;
            case MessageSent s:
                Require(s.Text, "text", e);
                break;
            case StateChanged c:
                RequireNonEmpty(c.Key, "key", e);
                if (c.Key.Length > StateKeys.MaxKeyLength || c.Key.Any(char.IsControl))
                {
                    throw Invalid($"state_changed key must be at most {StateKeys.MaxKeyLength} characters without control characters.");
                }

                break;
            case SessionStarted s when s.ForkedFrom is { } f && (f.SessionKey.Id is null || f.AtSeq < 1):
                throw Invalid("session_started forkedFrom needs a session key and a seq of at least 1.");
            default:
                break;
        }
    }

    private static void Require(string? value, string field, SessionEvent e)
    {
        if (value is null)
        {
            throw Invalid($"{e.Type} needs {field}.");
        }
    }

    private static void RequireNonEmpty(string? value, string field, SessionEvent e)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid($"{e.Type} needs a non-empty {field}.");
        }
    }

    private static EventStoreException Invalid(string message) => new(EventStoreErrorKind.Invalid, "Invalid event: " + message);

    /// <summary>A session title: the first characters of the first message, whitespace collapsed; null when blank.</summary>
    public static string? Preview(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, TitleLength));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            if (builder.Length >= TitleLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(c);
        }

        return builder.Length == 0 ? null : builder.ToString();
    }
}
