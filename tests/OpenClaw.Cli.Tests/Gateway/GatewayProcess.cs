using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Gateway;

/// <summary>The real <c>openclaw</c> command as a child process, with everything it writes captured.</summary>
internal sealed partial class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    private GatewayProcess(Process process) => _process = process;

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>Starts <c>openclaw</c> with <paramref name="args"/> over a state directory.</summary>
    public static GatewayProcess Start(string stateDir, params string[] args) => Start(stateDir, null, args);

    /// <summary>Starts <c>openclaw</c> with extra environment variables.</summary>
    public static GatewayProcess Start(string stateDir, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(RepositoryPaths.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "openclaw.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OPENCLAW_STATE_DIR"] = stateDir;
        info.Environment.Remove("OPENCLAW_GATEWAY_TOKEN");
        info.Environment.Remove("OPENCLAW_CONFIG_PATH");
        info.Environment.Remove("OPENCLAW_MASTER_PASSWORD");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data, standardOutput: true);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data, standardOutput: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Runs <c>openclaw</c> to completion and returns its exit code and output (stdout and stderr interleaved).</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string stateDir, params string[] args)
    {
        var (exit, output, _) = await RunCapturingAsync(stateDir, args);
        return (exit, output);
    }

    /// <summary>Runs <c>openclaw</c> to completion: its exit code, everything it wrote, and its stdout alone.</summary>
    public static async Task<(int Exit, string Output, string StandardOutput)> RunCapturingAsync(string stateDir, params string[] args)
    {
        using var run = Start(stateDir, args);
        run._process.StandardInput.Close();
        await run._process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        run._process.WaitForExit(); // drains the output readers
        lock (run._output)
        {
            return (run._process.ExitCode, run._output.ToString(), run._standardOutput.ToString());
        }
    }

    /// <summary>Runs <c>openclaw</c> to completion with extra environment variables and <paramref name="standardInput"/> on its stdin.</summary>
    public static async Task<(int Exit, string Output, string StandardOutput)> RunWithInputAsync(
        string stateDir, IReadOnlyDictionary<string, string>? environment, string standardInput, params string[] args)
    {
        using var run = Start(stateDir, environment, args);
        await run._process.StandardInput.WriteAsync(standardInput);
        run._process.StandardInput.Close();
        await run._process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        run._process.WaitForExit(); // drains the output readers
        lock (run._output)
        {
            return (run._process.ExitCode, run._output.ToString(), run._standardOutput.ToString());
        }
    }

    /// <summary>The address from the "listening on" line, once it is printed.</summary>
    public Task<string> ListeningAsync() => _listening.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

    /// <summary>Waits until a written line contains <paramref name="text"/> (lines already written count).</summary>
    public Task WaitForOutputAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((text, seen));
        }

        return seen.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends SIGTERM, as a service manager does, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        _process.WaitForExit();
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
    }

    private void Append(string? line, bool standardOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (standardOutput)
            {
                _standardOutput.AppendLine(line);
            }

            foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups[1].Value);
        }
    }


    [GeneratedRegex(@"openclaw gateway listening on (http://\S+)")]
    private static partial Regex ListeningPattern();
}
