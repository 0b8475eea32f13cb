using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Runtime;

/// <summary>
/// The events of recently active sessions, kept in memory and topped up with only what was appended since the last
/// read, so a turn does not read and parse its session's whole log again for every model call.
/// </summary>
/// <remarks>
/// Thread-safe. Holds at most <see cref="Capacity"/> sessions, dropping the least recently read. The store's seqs only
/// grow and a commit becomes visible whole, so reading after the last seq seen never misses an event.
/// </remarks>
internal sealed class SessionEventCache(IEventStore store, int capacity = SessionEventCache.DefaultCapacity)
{
    /// <summary>How many sessions are kept when no capacity is given.</summary>
    public const int DefaultCapacity = 32;

    private const int PageSize = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<SessionKey, Entry> _entries = [];
    private long _clock;

    /// <summary>The most sessions kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Every event of the session so far, in seq order.</summary>
    public async Task<IReadOnlyList<SessionEvent>> ReadAsync(SessionKey sessionKey, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(sessionKey, out entry!))
            {
                entry = new Entry();
                _entries[sessionKey] = entry;
                Evict();
            }

            entry.LastUsed = ++_clock;
        }

        await entry.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var page = await store.ReadEventsAsync(sessionKey, entry.LastSeq, PageSize, cancellationToken).ConfigureAwait(false);
                entry.Events.AddRange(page);
                if (page.Count > 0)
                {
                    entry.LastSeq = page[^1].Seq;
                }

                if (page.Count < PageSize)
                {
                    return [.. entry.Events];
                }
            }
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    // Called under the lock: drops the least recently read sessions past the capacity.
    private void Evict()
    {
        while (_entries.Count > Capacity)
        {
            var oldest = _entries.MinBy(e => e.Value.LastUsed).Key;
            _entries.Remove(oldest);
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public List<SessionEvent> Events { get; } = [];

        public long LastSeq { get; set; }

        public long LastUsed { get; set; }
    }
}
