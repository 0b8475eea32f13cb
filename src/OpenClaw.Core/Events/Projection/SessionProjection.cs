using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events.Projection;

/// <summary>Who a conversation message came from.</summary>
public enum MessageRole
{
    /// <summary>The peer (<see cref="MessageReceived"/>).</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary>The model (<see cref="AgentResponse"/>).</summary>
    [JsonStringEnumMemberName("assistant")]
    Assistant,

    /// <summary>Text delivered to the peer over the channel (<see cref="MessageSent"/>).</summary>
    [JsonStringEnumMemberName("outbound")]
    Outbound,
}

/// <summary>One message of the conversation.</summary>
public sealed record ConversationMessage
{
    /// <summary>The seq of the event it comes from.</summary>
    public required long Seq { get; init; }

    /// <summary>The id of that event.</summary>
    public required Guid EventId { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Who it came from.</summary>
    public required MessageRole Role { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>Attachments of a received message.</summary>
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    /// <summary>The model of an assistant message.</summary>
    public string? Model { get; init; }

    /// <summary>The tokens of an assistant message.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>The channel's id of the message, when known.</summary>
    public string? ChannelMessageId { get; init; }

    /// <summary>The sender's display name of a received message, when known.</summary>
    public string? SenderName { get; init; }

    internal EventStamp Stamp => new(Timestamp, EventId);
}

/// <summary>A tool call paired with its result (either half may be missing: still running, or a partial replica).</summary>
public sealed record ToolCallProjection
{
    /// <summary>The id pairing call and result.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The tool's name, once the call is known.</summary>
    public string? Tool { get; init; }

    /// <summary>The call's arguments.</summary>
    public JsonElement? Params { get; init; }

    /// <summary>The seq of the <see cref="ToolCalled"/> event.</summary>
    public long? CallSeq { get; init; }

    /// <summary>When the tool was called.</summary>
    public DateTimeOffset? CalledAt { get; init; }

    /// <summary>Whether the tool has finished.</summary>
    public bool Completed => ResultStamp is not null;

    /// <summary>Whether it succeeded, once finished.</summary>
    public bool? Success { get; init; }

    /// <summary>What it returned.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>The seq of the <see cref="ToolResult"/> event.</summary>
    public long? ResultSeq { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    internal EventStamp? CallStamp { get; init; }

    internal EventStamp? ResultStamp { get; init; }
}

/// <summary>The latest value of one state key (a null value means the key was cleared).</summary>
public sealed record StateEntry
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The value, or null when cleared.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>When it was last written.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The seq of the event that wrote it.</summary>
    public required long Seq { get; init; }

    /// <summary>The id of the event that wrote it.</summary>
    public required Guid EventId { get; init; }

    internal EventStamp Stamp => new(UpdatedAt, EventId);
}

/// <summary>
/// What a user sees of a session, computed from its events: messages in order, tool calls with their results,
/// state keys, token totals and whether it ended.
/// </summary>
/// <remarks>
/// A function of the <em>set</em> of events: every list is ordered by (timestamp, eventId) and every field is
/// last-write-wins by the same order, so projections of any subsets merge to the projection of their union.
/// </remarks>
public sealed record SessionProjection
{
    /// <summary>The session.</summary>
    public required SessionKey SessionKey { get; init; }

    /// <summary>The owning agent.</summary>
    public AgentId AgentId => SessionKey.Agent;

    /// <summary>The channel.</summary>
    public ChannelId Channel => SessionKey.Channel;

    /// <summary>The peer.</summary>
    public PeerId PeerId => SessionKey.Peer;

    /// <summary>Active, or ended once any <see cref="SessionEnded"/> is among the events.</summary>
    public required SessionState State { get; init; }

    /// <summary>When the session started, when its start event is among the events.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Where it was forked from.</summary>
    public ForkOrigin? ForkedFrom { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended.</summary>
    public string? EndedReason { get; init; }

    /// <summary>The highest seq among the events (the "as of" position).</summary>
    public required long LastSeq { get; init; }

    /// <summary>The latest event time.</summary>
    public required DateTimeOffset LastActivity { get; init; }

    /// <summary>The conversation, ordered by (timestamp, eventId).</summary>
    public required IReadOnlyList<ConversationMessage> Messages { get; init; }

    /// <summary>Tool calls with their results, ordered by when they were called.</summary>
    public required IReadOnlyList<ToolCallProjection> ToolCalls { get; init; }

    /// <summary>State keys, ordered by key.</summary>
    public required IReadOnlyList<StateEntry> StateEntries { get; init; }

    /// <summary>Tokens summed over the assistant messages.</summary>
    public required TokenUsage Usage { get; init; }

    internal EventStamp? StartStamp { get; init; }

    internal EventStamp? EndStamp { get; init; }

    /// <summary>The entry of one state key, or null when it was never written.</summary>
    public StateEntry? GetState(string key) => StateEntries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.Ordinal));
}

/// <summary>The order of writes: timestamp, then event id (ties are broken by the id, so the order is total).</summary>
internal readonly record struct EventStamp(DateTimeOffset Timestamp, Guid EventId) : IComparable<EventStamp>
{
    public static EventStamp Of(SessionEvent e) => new(e.Timestamp, e.EventId);

    public static bool operator <(EventStamp left, EventStamp right) => left.CompareTo(right) < 0;

    public static bool operator >(EventStamp left, EventStamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventStamp left, EventStamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventStamp left, EventStamp right) => left.CompareTo(right) >= 0;

    public int CompareTo(EventStamp other)
    {
        var byTime = Timestamp.UtcTicks.CompareTo(other.Timestamp.UtcTicks);
        return byTime != 0 ? byTime : EventId.CompareTo(other.EventId);
    }

    /// <summary>Whether <paramref name="candidate"/> replaces <paramref name="current"/> under last-write-wins.</summary>
    public static bool Wins(EventStamp candidate, EventStamp? current) => current is not { } c || candidate > c;
}

