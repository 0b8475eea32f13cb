using System.Diagnostics;
using System.Numerics;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// A log-linear latency histogram in nanoseconds, like HdrHistogram with three significant digits: values below 2,048 ns
/// are exact, larger ones fall into 1,024 buckets per power of two (at most 0.1 % wide). Safe to record from many
/// threads at once; memory stays fixed however long the run.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 1024;
    private const int SubBucketBits = 10;
    private const int MaxShift = 36; // 2^46 ns, about 19 hours: anything longer is clamped.

    private readonly long[] _counts = new long[((MaxShift + 2) * SubBuckets)];
    private long _total;
    private long _max;

    /// <summary>How many values were recorded.</summary>
    public long Count => Volatile.Read(ref _total);

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTimestamp) => Record(ToNanoseconds(Stopwatch.GetTimestamp() - startTimestamp));

    /// <summary>Records one value in nanoseconds.</summary>
    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }

        Interlocked.Increment(ref _counts[Index(nanoseconds)]);
        Interlocked.Increment(ref _total);
        var max = Volatile.Read(ref _max);
        while (nanoseconds > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, nanoseconds, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100) in milliseconds: the upper edge of its bucket.</summary>
    public double PercentileMs(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * total);
        rank = Math.Clamp(rank, 1, total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), Volatile.Read(ref _max)) / 1e6;
            }
        }

        return MaxMs;
    }

    /// <summary>The largest value recorded, in milliseconds (exact).</summary>
    public double MaxMs => Volatile.Read(ref _max) / 1e6;

    /// <summary>Converts a <see cref="Stopwatch"/> tick count to nanoseconds.</summary>
    public static long ToNanoseconds(long ticks) =>
        Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency));

    private static int Index(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var shift = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits, MaxShift);
        var sub = Math.Min(value >> shift, (2 * SubBuckets) - 1);
        return ((shift + 1) * SubBuckets) + (int)(sub - SubBuckets);
    }

    private static long UpperEdge(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        var sub = (long)(index % SubBuckets) + SubBuckets;
        return ((sub + 1) << shift) - 1;
    }
}
