using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events;

/// <summary>
/// One immutable entry of a session's append-only log; on the wire <c>{seq, eventId, sessionKey, agentId, timestamp, type, …fields}</c>.
/// </summary>
/// <remarks>
/// <see cref="Seq"/>, <see cref="EventId"/> and <see cref="Timestamp"/> are assigned by the store on append; the copy
/// returned by <see cref="IEventStore.AppendAsync"/> carries them.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(SessionStarted), EventTypes.SessionStarted)]
[JsonDerivedType(typeof(MessageReceived), EventTypes.MessageReceived)]
[JsonDerivedType(typeof(ToolCalled), EventTypes.ToolCalled)]
[JsonDerivedType(typeof(ToolResult), EventTypes.ToolResult)]
[JsonDerivedType(typeof(AgentResponse), EventTypes.AgentResponse)]
[JsonDerivedType(typeof(MessageSent), EventTypes.MessageSent)]
[JsonDerivedType(typeof(StateChanged), EventTypes.StateChanged)]
[JsonDerivedType(typeof(SessionEnded), EventTypes.SessionEnded)]
public abstract record SessionEvent
{
    /// <summary>The global, gap-free-per-store, strictly increasing position of the event (0 before it is stored).</summary>
    [JsonPropertyOrder(-10)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Seq { get; init; }

    /// <summary>The event's unique id, a UUIDv7 made from <see cref="Timestamp"/>.</summary>
    [JsonPropertyOrder(-9)]
    public Guid EventId { get; init; }

    /// <summary>The session the event belongs to.</summary>
    [JsonPropertyOrder(-8)]
    public required SessionKey SessionKey { get; init; }

    /// <summary>The agent that owns the session (always the agent part of <see cref="SessionKey"/>).</summary>
    [JsonPropertyOrder(-7)]
    public AgentId AgentId => SessionKey.Agent;

    /// <summary>When the event happened, UTC.</summary>
    [JsonPropertyOrder(-6)]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The event kind, one of <see cref="EventTypes"/> (the JSON <c>type</c> discriminator).</summary>
    [JsonIgnore]
    public string Type => this switch
    {
        SessionStarted => EventTypes.SessionStarted,
        MessageReceived => EventTypes.MessageReceived,
        ToolCalled => EventTypes.ToolCalled,
        ToolResult => EventTypes.ToolResult,
        AgentResponse => EventTypes.AgentResponse,
        MessageSent => EventTypes.MessageSent,
        StateChanged => EventTypes.StateChanged,
        SessionEnded => EventTypes.SessionEnded,
        _ => throw new InvalidOperationException("unknown event kind " + GetType().Name),
    };

    // Only the eight kinds below exist; the constructor is not visible outside this assembly.
    private protected SessionEvent()
    {
    }
}

/// <summary>A session began; always the first event of a session.</summary>
public sealed record SessionStarted : SessionEvent
{
    /// <summary>The channel the session talks on (the channel part of the key).</summary>
    public ChannelId Channel => SessionKey.Channel;

    /// <summary>The peer on that channel (the peer part of the key).</summary>
    public PeerId PeerId => SessionKey.Peer;

    /// <summary>The session and position this one was forked from, when it is a fork.</summary>
    public ForkOrigin? ForkedFrom { get; init; }
}

/// <summary>A message arrived from the peer.</summary>
public sealed record MessageReceived : SessionEvent
{
    /// <summary>The message text (may be empty when only attachments came).</summary>
    public required string Text { get; init; }

    /// <summary>Files, images or audio sent with the message.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>The channel's own id of the message, when it has one.</summary>
    public string? ChannelMessageId { get; init; }

    /// <summary>The channel's id of the message this one replies to, when it is a reply.</summary>
    public string? ReplyToChannelMessageId { get; init; }

    /// <summary>The sender's display name as the channel reported it.</summary>
    public string? SenderName { get; init; }

    /// <summary>Anything else the channel reported about the message, as it reported it.</summary>
    public JsonElement? ChannelMetadata { get; init; }
}

/// <summary>The agent asked for a tool to run.</summary>
public sealed record ToolCalled : SessionEvent
{
    /// <summary>The id that pairs this call with its <see cref="ToolResult"/>.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The tool's name.</summary>
    public required string Tool { get; init; }

    /// <summary>The arguments, as the model produced them.</summary>
    public required JsonElement Params { get; init; }
}

/// <summary>A tool finished.</summary>
public sealed record ToolResult : SessionEvent
{
    /// <summary>The id of the <see cref="ToolCalled"/> event this answers.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>Whether the tool succeeded.</summary>
    public required bool Success { get; init; }

    /// <summary>What the tool returned.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed, when it failed.</summary>
    public string? Error { get; init; }
}

/// <summary>The model answered (one model turn).</summary>
public sealed record AgentResponse : SessionEvent
{
    /// <summary>The answer text.</summary>
    public required string Text { get; init; }

    /// <summary>The model that produced it.</summary>
    public required string Model { get; init; }

    /// <summary>Tokens this turn cost.</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Zero;
}

/// <summary>Text was delivered to the peer over the channel.</summary>
public sealed record MessageSent : SessionEvent
{
    /// <summary>The delivered text.</summary>
    public required string Text { get; init; }

    /// <summary>The channel's id of the delivered message, when it has one.</summary>
    public string? ChannelMessageId { get; init; }
}

/// <summary>A named piece of session state was set (or cleared, when <see cref="Value"/> is null).</summary>
/// <remarks>Keys under <see cref="StateKeys"/>' reserved prefixes (<c>run.</c>, <c>approval.</c>, <c>context.</c>, <c>channel.</c>) are written by OpenClaw itself.</remarks>
public sealed record StateChanged : SessionEvent
{
    /// <summary>The state key, e.g. <c>run.started</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The new value; null clears the key.</summary>
    public JsonElement? Value { get; init; }
}

/// <summary>The session ended; nothing can be appended after this.</summary>
public sealed record SessionEnded : SessionEvent
{
    /// <summary>Why it ended, when a reason was given.</summary>
    public string? Reason { get; init; }
}

/// <summary>A file, image or audio clip attached to a message.</summary>
public sealed record Attachment
{
    /// <summary>The channel's id of the file, when it has one.</summary>
    public string? Id { get; init; }

    /// <summary>The file name, when known.</summary>
    public string? FileName { get; init; }

    /// <summary>The media type, e.g. <c>image/png</c>.</summary>
    public string? MimeType { get; init; }

    /// <summary>The size in bytes, when known.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>Where the content can be fetched, when it is not stored inline.</summary>
    public string? Url { get; init; }
}

/// <summary>Token counts of one model turn or a total.</summary>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens)
{
    /// <summary>No tokens.</summary>
    public static TokenUsage Zero { get; } = new(0, 0, 0, 0);

    /// <summary>Adds two usages field by field.</summary>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(
            left.InputTokens + right.InputTokens,
            left.OutputTokens + right.OutputTokens,
            left.CacheReadTokens + right.CacheReadTokens,
            left.CacheWriteTokens + right.CacheWriteTokens);
    }

    /// <summary>Adds two usages field by field.</summary>
    public static TokenUsage Add(TokenUsage left, TokenUsage right) => left + right;
}

/// <summary>Where a forked session came from: the original session and the last seq copied.</summary>
public sealed record ForkOrigin(SessionKey SessionKey, long AtSeq);
