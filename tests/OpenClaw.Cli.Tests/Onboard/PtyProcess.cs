using System.Diagnostics;
using System.Text;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Onboard;

/// <summary>
/// The real <c>openclaw</c> under a pseudo-terminal: util-linux <c>script</c> (in bsdutils, essential on Debian) gives
/// it a tty, so it behaves as at a person's terminal; what the terminal shows, echoes included, is captured.
/// </summary>
internal sealed class PtyProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;
    private readonly SemaphoreSlim _changed = new(0);

    private PtyProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Everything the terminal has shown so far.</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    /// <summary>Whether <c>script</c> exists here.</summary>
    public static bool Available => File.Exists("/usr/bin/script") || File.Exists("/bin/script");

    /// <summary>Starts <c>openclaw</c> with <paramref name="args"/> at a pseudo-terminal over a state directory.</summary>
    public static PtyProcess Start(string stateDir, params string[] args) => Start(stateDir, null, args);

    /// <summary>Starts <c>openclaw</c> with <paramref name="args"/> at a pseudo-terminal, with extra environment variables.</summary>
    public static PtyProcess Start(string stateDir, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var command = string.Join(' ', new[] { RepositoryPaths.DotnetHost(), Path.Combine(AppContext.BaseDirectory, "openclaw.dll") }.Concat(args).Select(Quote));
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-qfec", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OPENCLAW_STATE_DIR"] = stateDir;
        info.Environment["TERM"] = "xterm";
        info.Environment.Remove("OPENCLAW_GATEWAY_TOKEN");
        info.Environment.Remove("OPENCLAW_CONFIG_PATH");
        info.Environment.Remove("OPENCLAW_MASTER_PASSWORD");
        info.Environment.Remove("NO_COLOR");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new PtyProcess(Process.Start(info)!);
    }

    /// <summary>Waits until the terminal shows <paramref name="text"/> (after what it showed before <paramref name="from"/>).</summary>
    public async Task<int> WaitForAsync(string text, int from = 0)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (true)
        {
            var screen = Screen;
            var at = screen.IndexOf(text, from, StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + text.Length;
            }

            if (_reader.IsCompleted)
            {
                throw new InvalidOperationException($"openclaw ended before showing '{text}'. The terminal showed:\n{screen}");
            }

            try
            {
                await _changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no '{text}' within {TestTimeouts.Default}. The terminal showed:\n{screen}");
            }
        }
    }

    /// <summary>Types <paramref name="line"/> and Enter.</summary>
    public async Task TypeLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\r");
        await _process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits for the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await _reader.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_screen)
            {
                _screen.Append(buffer, 0, read);
            }

            _changed.Release();
        }

        _changed.Release();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

}
