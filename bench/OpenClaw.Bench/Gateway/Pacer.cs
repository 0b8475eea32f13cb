using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// The open-loop schedule: request i is due at start + i / rate, whatever happened to earlier ones. One dedicated
/// thread sleeps (nanosleep, so well under a millisecond) until each due time and hands the request and its due
/// timestamp to <c>dispatch</c>; latency is then measured from the due time, so a stalled server cannot hide its
/// stall by slowing the client down (no coordinated omission).
/// </summary>
internal static class Pacer
{
    /// <summary>Starts the pacing thread; it stops at <paramref name="endTimestamp"/>. The task completes when it has.</summary>
    public static Task RunAsync(double ratePerSecond, long startTimestamp, long endTimestamp, Action<long, long> dispatch)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var ticksPerRequest = Stopwatch.Frequency / ratePerSecond;
                long sequence = 0;
                while (true)
                {
                    var due = startTimestamp + (long)(sequence * ticksPerRequest);
                    if (due >= endTimestamp)
                    {
                        break;
                    }

                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        SleepTicks(wait);
                        continue;
                    }

                    dispatch(sequence++, due);
                }

                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop pacer",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    private static void SleepTicks(long ticks)
    {
        var microseconds = ticks * 1_000_000 / Stopwatch.Frequency;
        if (microseconds <= 0)
        {
            Thread.Yield();
        }
        else if (OperatingSystem.IsLinux())
        {
            _ = USleep((uint)Math.Min(microseconds, 100_000));
        }
        else
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, microseconds / 1000)));
        }
    }

    // DllImport, not LibraryImport: the source-generated form needs unsafe code enabled for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int USleep(uint microseconds);
#pragma warning restore SYSLIB1054
}
