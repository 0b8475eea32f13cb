using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events;

/// <summary>
/// The durable, append-only log of every session, with the summaries and indexes the gateway reads
/// (the seam for a server database later).
/// </summary>
/// <remarks>Thread-safe: any number of concurrent appends and reads.</remarks>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>
    /// Appends one event and returns it stamped with its seq, event id and timestamp, once it is durable.
    /// </summary>
    /// <remarks>
    /// A <see cref="SessionStarted"/> creates the session; any other kind needs an active session. Failures are
    /// <see cref="EventStoreException"/>: <see cref="EventStoreErrorKind.NotFound"/>, <see cref="EventStoreErrorKind.Conflict"/>
    /// (exists already, or ended). A cancelled append was not stored.
    /// </remarks>
    Task<SessionEvent> AppendAsync(SessionEvent sessionEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Stores many events in one transaction (all or nothing), keeping their event ids and timestamps when set;
    /// seqs are assigned in list order. Returns the stamped events once durable.
    /// </summary>
    Task<IReadOnlyList<SessionEvent>> ImportAsync(IReadOnlyList<SessionEvent> sessionEvents, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="limit"/> events of a session with seq greater than <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(SessionKey sessionKey, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The summary of one session, or null when there is no such session.</summary>
    Task<SessionSummary?> GetSessionAsync(SessionKey sessionKey, CancellationToken cancellationToken);

    /// <summary>A page of sessions, latest activity first, filtered as the query says.</summary>
    Task<SessionPage> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Sessions whose messages contain every word of <paramref name="query"/> (taken literally), best match first.</summary>
    Task<IReadOnlyList<SessionSearchHit>> SearchAsync(string query, int limit, CancellationToken cancellationToken);

    /// <summary>Totals by state, channel and agent, with message and token counts.</summary>
    Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Token usage from every model turn (<see cref="AgentResponse"/> event) at or after <paramref name="since"/>
    /// (everything when null), grouped by model, agent or UTC day.
    /// </summary>
    Task<UsageReport> GetUsageAsync(DateTimeOffset? since, UsageGroupBy groupBy, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a session's events up to and including <paramref name="atSeq"/> into a new active session
    /// (new key, a <see cref="SessionStarted"/> naming the origin, events re-sequenced) and returns its key.
    /// </summary>
    Task<SessionKey> ForkAsync(SessionKey sessionKey, long atSeq, CancellationToken cancellationToken);
}
