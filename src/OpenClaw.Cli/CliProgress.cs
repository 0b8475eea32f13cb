using System.Diagnostics;

namespace OpenClaw.Cli;

/// <summary>
/// A progress line for long work, on standard error: at a terminal one line rewritten in place (at most ten times a
/// second, cleared at the end); redirected, nothing, so logs and pipes get only the command's own summary.
/// </summary>
internal sealed class CliProgress : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
    private readonly TextWriter? _terminal;
    private long _lastWrite = long.MinValue;
    private bool _shown;

    private CliProgress(TextWriter? terminal) => _terminal = terminal;

    /// <summary>A progress that shows nothing.</summary>
    public static CliProgress None => new(null);

    /// <summary>Whether this progress is shown (standard error is a terminal).</summary>
    public bool Live => _terminal is not null;

    /// <summary>Progress on <paramref name="error"/>, live only when it is the process's standard error at a terminal.</summary>
    public static CliProgress For(TextWriter error) =>
        new(ReferenceEquals(error, Console.Error) && CliStyle.IsTerminal(error) &&
            !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal) ? error : null);

    /// <summary>Shows <paramref name="text"/> in place of the last progress line; skipped when the last was under 100 ms ago unless <paramref name="force"/>.</summary>
    public void Update(string text, bool force = false)
    {
        if (_terminal is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (!force && _shown && Stopwatch.GetElapsedTime(_lastWrite, now) < s_interval)
        {
            return;
        }

        _lastWrite = now;
        _shown = true;
        _terminal.Write("\r" + text + "\e[K");
        _terminal.Flush();
    }

    /// <summary>Clears the progress line.</summary>
    public void Dispose()
    {
        if (_terminal is not null && _shown)
        {
            _terminal.Write("\r\e[K");
            _terminal.Flush();
        }
    }
}
