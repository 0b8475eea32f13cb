using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace OpenClaw.Agents.Sandbox;

/// <summary>How a process started by <see cref="ProcessRunner"/> ended, before a backend interprets it.</summary>
internal sealed record ProcessOutcome(
    int ExitCode,
    bool TimedOut,
    bool OutputLimit,
    string StandardOutput,
    string StandardError,
    bool OutputTruncated,
    TimeSpan Elapsed)
{
    /// <summary>
    /// The result a caller sees: killed at the wall clock or the output limit first, else what the backend makes of the
    /// exit (<paramref name="terminationOfExit"/>); the end is logged.
    /// </summary>
    public SandboxResult ToResult(Microsoft.Extensions.Logging.ILogger logger, Func<ProcessOutcome, SandboxTermination> terminationOfExit)
    {
        var termination = TimedOut ? SandboxTermination.TimedOut
            : OutputLimit ? SandboxTermination.OutputLimit
            : terminationOfExit(this);
        SandboxLog.RunEnded(logger, termination, ExitCode, (long)Elapsed.TotalMilliseconds);
        return new SandboxResult
        {
            ExitCode = ExitCode,
            Termination = termination,
            StandardOutput = StandardOutput,
            StandardError = StandardError,
            OutputTruncated = OutputTruncated,
            Elapsed = Elapsed,
        };
    }
}

/// <summary>
/// Runs one already-prepared process with the limits every backend shares: stdin from the request (then closed, never
/// the gateway's terminal), stdout and stderr read concurrently into one byte budget, the wall clock, and the caller's
/// cancellation. Killing is the backend's (<c>kill</c>), so it can take down a whole namespace or cgroup.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>How long to wait for the output pipes to close after the process is gone.</summary>
    private static readonly TimeSpan s_drainGrace = TimeSpan.FromSeconds(2);

    /// <summary>Formats the marker line appended where output was cut.</summary>
    public static string TruncationMarker(int limit) => $"[output truncated: limit of {limit} bytes reached]";

    /// <summary>Starts <paramref name="startInfo"/> and waits for it within the limits; throws on the caller's cancellation after killing.</summary>
    /// <exception cref="Win32Exception">The program could not be started.</exception>
    public static async Task<ProcessOutcome> RunAsync(
        ProcessStartInfo startInfo,
        ReadOnlyMemory<byte> standardInput,
        SandboxLimits limits,
        TimeProvider time,
        Action<Process>? started,
        Action<Process> kill,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;

        using var process = new Process { StartInfo = startInfo };
        var startedAt = time.GetTimestamp();
        process.Start();
        started?.Invoke(process);

        var killOnce = 0;
        void KillOnce()
        {
            if (Interlocked.Exchange(ref killOnce, 1) == 0)
            {
                kill(process);
            }
        }

        var capture = new OutputCapture(Math.Max(0, limits.MaxOutputBytes), KillOnce);
        var stdoutTask = capture.ReadAsync(process.StandardOutput.BaseStream, isError: false);
        var stderrTask = capture.ReadAsync(process.StandardError.BaseStream, isError: true);
        var stdinTask = WriteInputAsync(process.StandardInput.BaseStream, standardInput);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, limits.TimeoutSeconds)), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            KillOnce();
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var elapsed = time.GetElapsedTime(startedAt);

        // The process is gone; its pipes close once everything it started is gone too. A straggler that still holds
        // them (only possible without a pid namespace) is killed and its pipes abandoned after a grace period.
        var readers = Task.WhenAll(stdoutTask, stderrTask, stdinTask);
        try
        {
            await readers.WaitAsync(s_drainGrace, time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            kill(process);
            process.StandardOutput.BaseStream.Dispose();
            process.StandardError.BaseStream.Dispose();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The sandboxed process was cancelled and killed.", cancellationToken);
        }

        var (stdout, stderr) = capture.Texts();
        return new ProcessOutcome(
            process.ExitCode,
            timedOut,
            capture.LimitReached && !timedOut,
            stdout,
            stderr,
            capture.LimitReached,
            elapsed);
    }

    private static async Task WriteInputAsync(Stream stdin, ReadOnlyMemory<byte> input)
    {
        try
        {
            if (!input.IsEmpty)
            {
                await stdin.WriteAsync(input).ConfigureAwait(false);
                await stdin.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The process exited or closed its stdin before reading everything; that is its business.
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Collects stdout and stderr into one byte budget; past it, calls the kill action once and drops the rest.</summary>
    private sealed class OutputCapture(int limit, Action limitReached)
    {
        private readonly Lock _lock = new();
        private readonly ArrayBufferWriter<byte> _stdout = new();
        private readonly ArrayBufferWriter<byte> _stderr = new();
        private long _total;
        private bool _errorOverflowed;

        public bool LimitReached { get; private set; }

        public async Task ReadAsync(Stream stream, bool isError)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    if (Append(buffer.AsSpan(0, read), isError))
                    {
                        limitReached();
                    }
                }
            }
            catch (IOException)
            {
                // The pipe was abandoned after the grace period.
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>Keeps what fits; true the first time the budget is exceeded.</summary>
        private bool Append(ReadOnlySpan<byte> data, bool isError)
        {
            lock (_lock)
            {
                if (LimitReached)
                {
                    return false;
                }

                var room = limit - _total;
                var keep = (int)Math.Min(room, data.Length);
                (isError ? _stderr : _stdout).Write(data[..keep]);
                _total += keep;
                if (keep == data.Length)
                {
                    return false;
                }

                LimitReached = true;
                _errorOverflowed = isError;
                return true;
            }
        }

        public (string StandardOutput, string StandardError) Texts()
        {
            lock (_lock)
            {
                var stdout = Encoding.UTF8.GetString(_stdout.WrittenSpan);
                var stderr = Encoding.UTF8.GetString(_stderr.WrittenSpan);
                if (LimitReached)
                {
                    if (_errorOverflowed)
                    {
                        stderr = WithMarker(stderr);
                    }
                    else
                    {
                        stdout = WithMarker(stdout);
                    }
                }

                return (stdout, stderr);
            }
        }

        private string WithMarker(string text) =>
            (text.Length == 0 || text.EndsWith('\n') ? text : text + "\n") + TruncationMarker(limit) + "\n";
    }
}
