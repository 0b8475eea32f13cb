using System.Collections.Concurrent;

namespace OpenClaw.Gateway.Auth;

/// <summary>
/// Requests per minute per principal (<c>gateway.limits.requestsPerMinute</c>): a token bucket per subject holding up
/// to a minute's allowance and refilling continuously at <see cref="Limit"/>/60 per second.
/// </summary>
/// <remarks>
/// Hand-written rather than System.Threading.RateLimiting's limiters, which replenish on real timers and so cannot be
/// driven by an injected <see cref="TimeProvider"/> (tests use FakeTimeProvider) and cost a timer per partition. This
/// one computes the refill from <see cref="TimeProvider.GetTimestamp"/> on each call: one dictionary lookup and one
/// short uncontended lock per request, no allocation after a subject's first request. Thread-safe; the limit may be
/// changed at run time (config hot reload) and applies to the next call.
/// </remarks>
internal sealed class RequestRateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _maxSubjects;
    private volatile int _limit;

    /// <summary>Creates a limiter allowing <paramref name="requestsPerMinute"/> per subject.</summary>
    public RequestRateLimiter(int requestsPerMinute, TimeProvider? time = null, int maxSubjects = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubjects, 1);
        Limit = requestsPerMinute;
        _time = time ?? TimeProvider.System;
        _maxSubjects = maxSubjects;
    }

    /// <summary>Requests allowed per subject per minute; may change at run time.</summary>
    public int Limit
    {
        get => _limit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _limit = value;
        }
    }

    /// <summary>Takes one request from <paramref name="subject"/>'s allowance; false with the wait until the next one when it is used up.</summary>
    public bool TryAcquire(string subject, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var now = _time.GetTimestamp();
        var limit = _limit;
        if (!_buckets.TryGetValue(subject, out var bucket))
        {
            if (_buckets.Count >= _maxSubjects)
            {
                Trim(now, limit);
            }

            bucket = _buckets.GetOrAdd(subject, static (_, state) => new Bucket(state.limit, state.now), (limit, now));
        }

        return bucket.TryTake(now, limit, _time, out retryAfter);
    }

    // A full bucket behaves exactly like a missing one, so dropping those loses nothing.
    private void Trim(long now, int limit)
    {
        foreach (var (subject, bucket) in _buckets)
        {
            if (bucket.IsFull(now, limit, _time))
            {
                _buckets.TryRemove(subject, out _);
            }
        }
    }

    private sealed class Bucket(int limit, long now)
    {
        private readonly Lock _gate = new();
        private double _tokens = limit;
        private long _updated = now;

        public bool TryTake(long now, int limit, TimeProvider time, out TimeSpan retryAfter)
        {
            var perSecond = limit / 60.0;
            lock (_gate)
            {
                Refill(now, limit, perSecond, time);
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
                return false;
            }
        }

        public bool IsFull(long now, int limit, TimeProvider time)
        {
            lock (_gate)
            {
                Refill(now, limit, limit / 60.0, time);
                return _tokens >= limit;
            }
        }

        private void Refill(long now, int limit, double perSecond, TimeProvider time)
        {
            if (now > _updated)
            {
                _tokens = Math.Min(limit, _tokens + (time.GetElapsedTime(_updated, now).TotalSeconds * perSecond));
                _updated = now;
            }
            else
            {
                _tokens = Math.Min(limit, _tokens);
            }
        }
    }
}
