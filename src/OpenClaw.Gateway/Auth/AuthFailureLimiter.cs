using System.Collections.Concurrent;
using System.Net;

namespace OpenClaw.Gateway.Auth;

/// <summary>
/// Counts failed authentications per client address in a sliding 60-second window (PROTOCOL.md, "Authentication and
/// roles"): once an address has <see cref="Limit"/> failures in the window, every attempt from it is refused until the
/// oldest of them leaves the window. IPv4-mapped IPv6 addresses count as their IPv4 address; loopback is not exempt.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Check"/> for an address with no recent failure takes no lock and allocates nothing. Memory
/// is bounded: at most <see cref="MaxAddresses"/> addresses are tracked, and when full the idle ones and then those
/// whose last failure is oldest are dropped.
/// </remarks>
internal sealed class AuthFailureLimiter
{
    /// <summary>The window failures are counted in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly Lock _evictLock = new();
    private volatile int _limit;

    /// <summary>Creates a limiter allowing <paramref name="failuresPerMinute"/> failures per address per window.</summary>
    public AuthFailureLimiter(int failuresPerMinute, TimeProvider? time = null, int maxAddresses = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddresses, 1);
        Limit = failuresPerMinute;
        MaxAddresses = maxAddresses;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Failures allowed per address in the window (<c>gateway.limits.authFailuresPerMinute</c>); may change at run time.</summary>
    public int Limit
    {
        get => _limit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _limit = value;
        }
    }

    /// <summary>The most addresses tracked at once.</summary>
    public int MaxAddresses { get; }

    /// <summary>The number of addresses tracked now (for tests and metrics).</summary>
    public int TrackedAddresses => _entries.Count;

    /// <summary>False (with how long to wait) when <paramref name="address"/> is blocked; call before checking a credential.</summary>
    public bool Check(IPAddress address, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!_entries.TryGetValue(Normalize(address), out var entry))
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        return entry.Check(_time.GetTimestamp(), _limit, _time, out retryAfter);
    }

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetTimestamp();
        EntryFor(address, now).Add(now, _limit, _time);
    }

    /// <summary>
    /// Starts a slow attempt (a password check) from <paramref name="address"/>: false (with how long to wait) when the
    /// address is blocked, counting attempts still running as failures, so parallel guesses cannot overshoot the
    /// limit. Every true must be followed by <see cref="EndAttempt"/>.
    /// </summary>
    public bool TryBeginAttempt(IPAddress address, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetTimestamp();
        return EntryFor(address, now).TryBegin(now, _limit, _time, out retryAfter);
    }

    /// <summary>Ends an attempt begun with <see cref="TryBeginAttempt"/>, counting it when it failed.</summary>
    public void EndAttempt(IPAddress address, bool failed)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetTimestamp();
        EntryFor(address, now).End(now, _limit, _time, failed);
    }

    // The address's entry, made room for when the table is full.
    private Entry EntryFor(IPAddress address, long now)
    {
        var key = Normalize(address);
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry;
        }

        if (_entries.Count >= MaxAddresses)
        {
            Evict(now);
        }

        return _entries.GetOrAdd(key, static _ => new Entry());
    }

    // IPv4-mapped IPv6 counts as its IPv4 address; other IPv6 addresses count by their /64, since one host usually
    // holds a whole /64 and could otherwise guess from a fresh address each time.
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private void Evict(long now)
    {
        lock (_evictLock)
        {
            if (_entries.Count < MaxAddresses)
            {
                return;
            }

            foreach (var (key, entry) in _entries)
            {
                if (entry.IsIdle(now, _time))
                {
                    _entries.TryRemove(key, out _);
                }
            }

            // Still full of active addresses: drop the tenth whose last failure is oldest, so one eviction pays for many inserts.
            var excess = _entries.Count - MaxAddresses + Math.Max(1, MaxAddresses / 10);
            if (excess > 0)
            {
                foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastFailure).Take(excess).ToList())
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>The failure times (timestamps) of one address within the window, at most the limit of them, oldest first.</summary>
    private sealed class Entry
    {
        private readonly Queue<long> _failures = new();
        private int _running;

        public long LastFailure { get; private set; }

        public bool Check(long now, int limit, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_failures)
            {
                Prune(now, time);
                if (_failures.Count < limit)
                {
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                // Blocked until enough of the failures leave the window that fewer than the limit remain.
                var freeing = _failures.ElementAt(_failures.Count - limit);
                retryAfter = Window - time.GetElapsedTime(freeing, now);
                return false;
            }
        }

        public void Add(long now, int limit, TimeProvider time)
        {
            lock (_failures)
            {
                Prune(now, time);
                _failures.Enqueue(now);
                while (_failures.Count > limit)
                {
                    _ = _failures.Dequeue();
                }

                LastFailure = now;
            }
        }

        public bool TryBegin(long now, int limit, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_failures)
            {
                Prune(now, time);
                if (_failures.Count + _running < limit)
                {
                    _running++;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                // Over the limit with attempts still running: they decide within a second or so.
                retryAfter = _failures.Count >= limit
                    ? Window - time.GetElapsedTime(_failures.ElementAt(_failures.Count - limit), now)
                    : TimeSpan.FromSeconds(1);
                return false;
            }
        }

        public void End(long now, int limit, TimeProvider time, bool failed)
        {
            lock (_failures)
            {
                _running = Math.Max(0, _running - 1);
                if (failed)
                {
                    Add(now, limit, time);
                }
            }
        }

        public bool IsIdle(long now, TimeProvider time)
        {
            lock (_failures)
            {
                Prune(now, time);
                return _failures.Count == 0 && _running == 0;
            }
        }

        private void Prune(long now, TimeProvider time)
        {
            while (_failures.Count > 0 && time.GetElapsedTime(_failures.Peek(), now) >= Window)
            {
                _ = _failures.Dequeue();
            }
        }
    }
}
