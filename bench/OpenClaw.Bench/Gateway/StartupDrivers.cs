using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenClaw.Bench.Gateway;

/// <summary>One launch: time to ready, and the tree's resident memory once idle.</summary>
internal readonly record struct StartupRun(double ReadyMs, double? ListeningMs, IReadOnlyList<ProcessTree.Member> Tree)
{
    public double RssMiB => Tree.Sum(m => m.RssKiB) / 1024.0;

    public double MainRssMiB => Tree.Count > 0 ? Tree[0].RssKiB / 1024.0 : 0;
}

/// <summary>Prints and records a series of launches.</summary>
internal static class StartupReport
{
    public static int Print(string name, string what, IReadOnlyList<StartupRun> runs, ResultRecord record, double? goalMs, double? goalRssMiB)
    {
        var ready = runs.Select(r => r.ReadyMs).Order().ToArray();
        var rss = runs.Select(r => r.RssMiB).Order().ToArray();
        var main = runs.Select(r => r.MainRssMiB).Order().ToArray();
        var processes = runs.Max(r => r.Tree.Count);
        Console.WriteLine($"{name}: {what}");
        Console.WriteLine($"{name}: launch to ready: median {Ms(Median(ready))} ms, min {Ms(ready[0])} ms, max {Ms(ready[^1])} ms over {runs.Count} run(s) [{string.Join(", ", runs.Select(r => Ms(r.ReadyMs)))}]");
        if (runs.All(r => r.ListeningMs is not null))
        {
            var listening = runs.Select(r => r.ListeningMs!.Value).Order().ToArray();
            Console.WriteLine($"{name}: launch to the 'listening' line: median {Ms(Median(listening))} ms");
        }

        Console.WriteLine($"{name}: idle RSS: median {DriverMain.F(Median(rss), "N1")} MiB for {processes} process(es) (main process {DriverMain.F(Median(main), "N1")} MiB); last run: {ProcessTree.Describe(runs[^1].Tree)}");
        record.Add("start_median_ms", Median(ready));
        record.Add("start_min_ms", ready[0]);
        record.Add("start_max_ms", ready[^1]);
        record.Add("rss_mib", Median(rss));
        record.Add("rss_main_mib", Median(main));
        record.Add("processes", processes);
        return DriverMain.Goal(name, "start", Median(ready), "ms", goalMs, higherIsBetter: false)
            | DriverMain.Goal(name, "idle RSS", Median(rss), "MiB", goalRssMiB, higherIsBetter: false);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string Ms(double value) => DriverMain.F(value, value < 100 ? "N1" : "N0");

    public static double ElapsedMs(long since) => Stopwatch.GetElapsedTime(since).TotalMilliseconds;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Launches our gateway binary (<c>gateway run --port 0</c> in a fresh state directory) R times: time from
/// Process.Start to the first successful <c>GET /health</c>, and idle RSS a few seconds later.
/// </summary>
public sealed partial class GatewayStartDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "gateway-start";

    /// <inheritdoc />
    public string Description => "launch-to-ready and idle RSS of our binary: --binary artifacts/aot/openclaw --runs 10 [--config openclaw.json]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var binary = Path.GetFullPath(a.String("binary", "artifacts/aot/openclaw"));
        var runs = a.Int("runs", 10, 1, 1000);
        var warmupRuns = a.Int("warmup-runs", 1, 0, 100);
        var settle = TimeSpan.FromSeconds(a.Double("settle", 2, 0, 600));
        var timeout = TimeSpan.FromSeconds(a.Double("timeout", 30, 1, 600));
        var config = a.String("config");
        var goalMs = a.String("goal-ms") is null ? (double?)null : a.Double("goal-ms", 0, 0, 1e6);
        var goalRss = a.String("goal-rss-mib") is null ? (double?)null : a.Double("goal-rss-mib", 0, 0, 1e6);
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();
        if (!File.Exists(binary))
        {
            throw new BenchException($"no binary at {binary}; build it with `dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot`");
        }

        if (config is not null && !File.Exists(config))
        {
            throw new BenchException($"--config {config}: no such file");
        }

        var results = new List<StartupRun>();
        for (var i = 0; i < warmupRuns + runs; i++)
        {
            var run = await LaunchAsync(binary, config, settle, timeout);
            if (i >= warmupRuns)
            {
                results.Add(run);
            }
        }

        return StartupReport.Print(Name, $"{binary} gateway run --port 0, fresh state directory each run, {warmupRuns} unmeasured warm-up run(s), RSS {settle.TotalSeconds:N0} s after ready", results, record, goalMs, goalRss);
    });

    private static async Task<StartupRun> LaunchAsync(string binary, string? config, TimeSpan settle, TimeSpan timeout)
    {
        var state = Path.Combine(Path.GetTempPath(), "openclaw-bench-start-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(state);
        if (config is not null)
        {
            File.Copy(config, Path.Combine(state, "openclaw.json"));
        }

        var info = new ProcessStartInfo(binary, ["gateway", "run", "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["OPENCLAW_STATE_DIR"] = state;
        var port = new TaskCompletionSource<(int Port, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                port.TrySetException(new BenchException($"the gateway closed its output before printing its address:\n{output}"));
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } m)
            {
                port.TrySetResult((int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Stopwatch.GetTimestamp()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };

        var start = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            if (await Task.WhenAny(port.Task, Task.Delay(timeout)) != port.Task)
            {
                throw new BenchException($"no 'openclaw gateway listening on …' line within {timeout.TotalSeconds:N0} s; output so far:\n{output}");
            }

            var (listenPort, listeningAt) = await port.Task;
            while (!await HealthOkAsync(listenPort))
            {
                if (process.HasExited)
                {
                    throw new BenchException($"the gateway exited (code {process.ExitCode}) before /health answered:\n{output}");
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new BenchException($"GET http://127.0.0.1:{listenPort}/health did not answer 200 within {timeout.TotalSeconds:N0} s");
                }

                Thread.Sleep(1);
            }

            var readyMs = StartupReport.ElapsedMs(start);
            await Task.Delay(settle);
            if (process.HasExited)
            {
                throw new BenchException($"the gateway exited (code {process.ExitCode}) while idle:\n{output}");
            }

            return new StartupRun(readyMs, Stopwatch.GetElapsedTime(start, listeningAt).TotalMilliseconds, ProcessTree.Measure(process.Id));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchException($"cannot start {binary}: {ex.Message}");
        }
        finally
        {
            Stop(process);
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
    }

    // A raw HTTP/1.1 request: no client library warm-up cost inside the measured time.
    private static async Task<bool> HealthOkAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"), timeout.Token);
            var buffer = new byte[4096];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return Encoding.ASCII.GetString(buffer, 0, length).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"openclaw gateway listening on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>
/// Launches the original OpenClaw through peers/openclaw/start.sh (port only, no readiness wait) R times: time from
/// launch to the first socket that completes the connect handshake and a <c>health</c> call, and idle RSS of the
/// gateway process and its children; stops each with stop.sh.
/// </summary>
public sealed class PeerStartDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "peer-start";

    /// <inheritdoc />
    public string Description => "launch-to-ready and idle RSS of the original OpenClaw: --runs 3 [--peer-dir /work/shared/peers/openclaw]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var peerDir = a.String("peer-dir", "/work/shared/peers/openclaw");
        var runs = a.Int("runs", 3, 1, 100);
        var warmupRuns = a.Int("warmup-runs", 0, 0, 100);
        var settle = TimeSpan.FromSeconds(a.Double("settle", 2, 0, 600));
        var timeout = TimeSpan.FromSeconds(a.Double("timeout", 120, 1, 600));
        var token = a.String("token", "peer-bench-token");
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();
        var startScript = Path.Combine(peerDir, "start.sh");
        if (!File.Exists(startScript))
        {
            throw new BenchException($"no {startScript}; pass --peer-dir with the peer's start.sh/stop.sh");
        }

        var results = new List<StartupRun>();
        for (var i = 0; i < warmupRuns + runs; i++)
        {
            var run = await LaunchAsync(peerDir, token, settle, timeout);
            Console.WriteLine($"{Name}: run {i + 1}: ready after {run.ReadyMs:N0} ms, RSS {run.RssMiB:N1} MiB ({run.Tree.Count} processes){(i < warmupRuns ? " (warm-up, not counted)" : "")}");
            if (i >= warmupRuns)
            {
                results.Add(run);
            }
        }

        return StartupReport.Print(Name, $"node openclaw.mjs gateway run via {startScript} (WAIT_READY=0), RSS {settle.TotalSeconds:N0} s after ready", results, record, goalMs: null, goalRssMiB: null);
    });

    private static async Task<StartupRun> LaunchAsync(string peerDir, string token, TimeSpan settle, TimeSpan timeout)
    {
        var port = StartupReport.FreePort();
        var info = new ProcessStartInfo("bash", [Path.Combine(peerDir, "start.sh"), port.ToString(CultureInfo.InvariantCulture), token])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["WAIT_READY"] = "0";
        info.Environment["START_TIMEOUT"] = ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var log = new StringBuilder();
        using var script = new Process { StartInfo = info };
        script.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };

        var start = Stopwatch.GetTimestamp();
        script.Start();
        script.BeginErrorReadLine();
        var stdout = script.StandardOutput.ReadToEndAsync();
        try
        {
            await PeerHandshake.WaitReadyAsync(
                new Uri($"ws://127.0.0.1:{port}/"), token, timeout, stillRunning: () => !script.HasExited || script.ExitCode == 0);
            var readyMs = StartupReport.ElapsedMs(start);
            if (!script.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                throw new BenchException("start.sh did not return after the gateway was ready");
            }

            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length == 0 || !int.TryParse(lines[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new BenchException($"start.sh printed no PID; its log:\n{log}");
            }

            await Task.Delay(settle);
            var tree = ProcessTree.Measure(pid);
            if (tree.Count == 0)
            {
                throw new BenchException($"the peer gateway (pid {pid}) exited while idle; start.sh log:\n{log}");
            }

            return new StartupRun(readyMs, null, tree);
        }
        catch (BenchException ex) when (script.HasExited && script.ExitCode != 0)
        {
            throw new BenchException($"{ex.Message}\nstart.sh failed (exit {script.ExitCode}):\n{log}");
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }

            using var stop = Process.Start(new ProcessStartInfo("bash", [Path.Combine(peerDir, "stop.sh"), port.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            await stop.StandardError.ReadToEndAsync();
            stop.WaitForExit(TimeSpan.FromSeconds(40));
        }
    }
}
