using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events;

/// <summary>Conveniences over any <see cref="IEventStore"/>.</summary>
public static class EventStoreExtensions
{
    private const int PageSize = 1000;

    /// <summary>Reads all events of a session with seq at or below <paramref name="atSeq"/> (all when null), in order.</summary>
    public static async Task<IReadOnlyList<SessionEvent>> ReadAllEventsAsync(
        this IEventStore store, SessionKey sessionKey, long? atSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new List<SessionEvent>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadEventsAsync(sessionKey, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                if (atSeq is { } limit && e.Seq > limit)
                {
                    return all;
                }

                all.Add(e);
            }

            if (page.Count < PageSize)
            {
                return all;
            }

            after = page[^1].Seq;
        }
    }

    /// <summary>The session's projection as of <paramref name="atSeq"/> (now when null), or null when it has no event by then.</summary>
    public static async Task<SessionProjection?> GetProjectionAsync(
        this IEventStore store, SessionKey sessionKey, long? atSeq, CancellationToken cancellationToken)
    {
        var events = await store.ReadAllEventsAsync(sessionKey, atSeq, cancellationToken).ConfigureAwait(false);
        return SessionProjector.Project(events);
    }

    /// <summary>Ends a session (appends a <see cref="SessionEnded"/>); ending an ended session is a conflict.</summary>
    public static Task<SessionEvent> EndSessionAsync(
        this IEventStore store, SessionKey sessionKey, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.AppendAsync(new SessionEnded { SessionKey = sessionKey, Reason = reason }, cancellationToken);
    }
}
