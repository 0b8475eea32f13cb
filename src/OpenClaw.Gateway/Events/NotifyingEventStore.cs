using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Gateway.Events;

/// <summary>
/// The event store the gateway hands out: every successful append, import and fork is published on the
/// <c>sessions</c> topic after it is durable, whichever feature wrote it.
/// </summary>
/// <remarks>Publishing never waits on a subscriber (see <see cref="EventHub"/>); reads pass straight through.</remarks>
internal sealed class NotifyingEventStore(IEventStore inner, EventHub hub) : IEventStore
{
    public async Task<SessionEvent> AppendAsync(SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        var stored = await inner.AppendAsync(sessionEvent, cancellationToken).ConfigureAwait(false);
        hub.PublishSessionEvent(stored);
        return stored;
    }

    public async Task<IReadOnlyList<SessionEvent>> ImportAsync(IReadOnlyList<SessionEvent> sessionEvents, CancellationToken cancellationToken)
    {
        var stored = await inner.ImportAsync(sessionEvents, cancellationToken).ConfigureAwait(false);
        foreach (var e in stored)
        {
            hub.PublishSessionEvent(e);
        }

        return stored;
    }

    public async Task<SessionKey> ForkAsync(SessionKey sessionKey, long atSeq, CancellationToken cancellationToken)
    {
        var fork = await inner.ForkAsync(sessionKey, atSeq, cancellationToken).ConfigureAwait(false);
        if (hub.HasSubscribers(EventHub.SessionsTopic))
        {
            // The fork's events were written by the store itself; read them back only when someone listens.
            foreach (var e in await inner.ReadAllEventsAsync(fork, atSeq: null, cancellationToken).ConfigureAwait(false))
            {
                hub.PublishSessionEvent(e);
            }
        }

        return fork;
    }

    public Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(SessionKey sessionKey, long afterSeq, int limit, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(sessionKey, afterSeq, limit, cancellationToken);

    public Task<SessionSummary?> GetSessionAsync(SessionKey sessionKey, CancellationToken cancellationToken) =>
        inner.GetSessionAsync(sessionKey, cancellationToken);

    public Task<SessionPage> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken) =>
        inner.ListSessionsAsync(query, cancellationToken);

    public Task<IReadOnlyList<SessionSearchHit>> SearchAsync(string query, int limit, CancellationToken cancellationToken) =>
        inner.SearchAsync(query, limit, cancellationToken);

    public Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken) => inner.GetStatsAsync(cancellationToken);

    public Task<UsageReport> GetUsageAsync(DateTimeOffset? since, UsageGroupBy groupBy, CancellationToken cancellationToken) =>
        inner.GetUsageAsync(since, groupBy, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
