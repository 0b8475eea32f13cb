using System.Text.Json.Serialization;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events;

/// <summary>Whether a session still takes events.</summary>
public enum SessionState
{
    /// <summary>Events can be appended.</summary>
    [JsonStringEnumMemberName("active")]
    Active,

    /// <summary>A <see cref="SessionEnded"/> event closed it.</summary>
    [JsonStringEnumMemberName("ended")]
    Ended,
}

/// <summary>The stored summary of one session, kept in step with its events in the same transaction.</summary>
public sealed record SessionSummary
{
    /// <summary>The session.</summary>
    public required SessionKey SessionKey { get; init; }

    /// <summary>The owning agent.</summary>
    public AgentId AgentId => SessionKey.Agent;

    /// <summary>The channel.</summary>
    public ChannelId Channel => SessionKey.Channel;

    /// <summary>The peer.</summary>
    public PeerId PeerId => SessionKey.Peer;

    /// <summary>Active or ended.</summary>
    public required SessionState State { get; init; }

    /// <summary>When the session started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The latest event time.</summary>
    public required DateTimeOffset LastActivity { get; init; }

    /// <summary>How many events the session holds.</summary>
    public required long EventCount { get; init; }

    /// <summary>How many messages (received, model answers and sent) it holds.</summary>
    public required long MessageCount { get; init; }

    /// <summary>The seq of its latest event.</summary>
    public required long LastSeq { get; init; }

    /// <summary>Tokens spent, summed over its <see cref="AgentResponse"/> events.</summary>
    public required TokenUsage Usage { get; init; }

    /// <summary>A preview of the first received message, when there is one.</summary>
    public string? Title { get; init; }

    /// <summary>Where the session was forked from, when it is a fork.</summary>
    public ForkOrigin? ForkedFrom { get; init; }

    /// <summary>The reason given when it ended.</summary>
    public string? EndedReason { get; init; }
}

/// <summary>A page request for <see cref="IEventStore.ListSessionsAsync"/>: newest activity first.</summary>
public sealed record SessionQuery
{
    /// <summary>The largest page size accepted.</summary>
    public const int MaxLimit = 500;

    /// <summary>How many sessions per page (1–<see cref="MaxLimit"/>).</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The <see cref="SessionPage.NextCursor"/> of the previous page, or null for the first.</summary>
    public string? Cursor { get; init; }

    /// <summary>Only sessions of this agent.</summary>
    public AgentId? AgentId { get; init; }

    /// <summary>Only sessions on this channel.</summary>
    public ChannelId? Channel { get; init; }

    /// <summary>Only sessions with this peer (a channel conversation's current session is looked up this way).</summary>
    public PeerId? PeerId { get; init; }

    /// <summary>Only sessions in this state.</summary>
    public SessionState? State { get; init; }
}

/// <summary>One page of sessions and the cursor of the next page (null on the last).</summary>
public sealed record SessionPage(IReadOnlyList<SessionSummary> Sessions, string? NextCursor);

/// <summary>A session that matched a search, with the best-matching message's excerpt.</summary>
public sealed record SessionSearchHit(SessionSummary Session, long Seq, string Snippet);

/// <summary>Session totals across the store.</summary>
public sealed record SessionStats
{
    /// <summary>All sessions.</summary>
    public required long Total { get; init; }

    /// <summary>Sessions still active.</summary>
    public required long Active { get; init; }

    /// <summary>Sessions that ended.</summary>
    public required long Ended { get; init; }

    /// <summary>Session counts per channel, largest first.</summary>
    public required IReadOnlyList<NamedCount> ByChannel { get; init; }

    /// <summary>Session counts per agent, largest first.</summary>
    public required IReadOnlyList<NamedCount> ByAgent { get; init; }

    /// <summary>All events.</summary>
    public required long EventCount { get; init; }

    /// <summary>All messages.</summary>
    public required long MessageCount { get; init; }

    /// <summary>All tokens.</summary>
    public required TokenUsage Usage { get; init; }
}

/// <summary>A count of sessions for one channel or agent.</summary>
public sealed record NamedCount(string Name, long Sessions, long Messages);
