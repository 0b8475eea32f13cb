using System.Diagnostics;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// Cold start of a command-line program: from Process.Start to its exit, R times after W warm-up runs, in a fresh
/// temporary state directory (and HOME). Used for <c>openclaw --version</c> and <c>openclaw config get gateway.port</c>,
/// and for the original OpenClaw's <c>--version</c> on the same machine (docs/benchmarks.md, "CLI start").
/// </summary>
public sealed class CliStartDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "cli-start";

    /// <inheritdoc />
    public string Description => "launch-to-exit of a command: --binary artifacts/aot/openclaw --args=--version --runs 50 --warmup 5 [--goal-ms 8]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var binary = a.String("binary", "artifacts/aot/openclaw");
        var arguments = a.String("args", "--version").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var runs = a.Int("runs", 50, 1, 10_000);
        var warmup = a.Int("warmup", 5, 0, 1000);
        var goal = a.String("goal-ms") is null ? (double?)null : a.Double("goal-ms", 0, 0, 1e6);
        var label = a.String("label", binary + " " + string.Join(' ', arguments));
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();

        var home = Path.Combine(Path.GetTempPath(), "openclaw-bench-cli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        try
        {
            var times = new List<double>(runs);
            for (var i = 0; i < warmup + runs; i++)
            {
                var info = new ProcessStartInfo(binary, arguments)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                info.Environment["HOME"] = home;
                info.Environment["OPENCLAW_STATE_DIR"] = Path.Combine(home, ".openclaw");
                var start = Stopwatch.GetTimestamp();
                using var process = Process.Start(info) ?? throw new BenchException($"could not start {binary}");
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                await Task.WhenAll(output, error);
                if (process.ExitCode != 0)
                {
                    throw new BenchException($"{label} exited {process.ExitCode}: {error.Result.Trim()}");
                }

                if (i >= warmup)
                {
                    times.Add(elapsed);
                }
            }

            times.Sort();
            double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p / 100 * times.Count) - 1)];
            Console.WriteLine($"{Name}: {label}: {runs} runs after {warmup} warm-up: median {DriverMain.F(P(50), "N1")} ms, p90 {DriverMain.F(P(90), "N1")} ms, min {DriverMain.F(times[0], "N1")} ms");
            record.Add("median_ms", P(50));
            return DriverMain.Goal(Name, "median", P(50), "ms", goal, higherIsBetter: false);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    });
}
