using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Bench.Sandbox;

/// <summary>
/// Sandbox spawn overhead: one run of <c>true</c> through <see cref="SandboxProvider"/>, start to result, the way the
/// <c>exec</c> tool runs a command. Every iteration is one run, so P50 and P99 are of single spawns.
/// </summary>
/// <remarks>
/// <c>Unisolated</c> (level none: a plain process with the runner's limits) is the baseline; <c>Strict</c> adds
/// bubblewrap's namespaces and mounts, the per-run cgroup (created, joined and removed) and prlimit; <c>StrictShell</c>
/// is what <c>exec</c> really runs (<c>/bin/sh -c true</c>).
/// Run: <c>bench/run-sandbox.sh</c> (<c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*SandboxSpawn*'</c>).
/// </remarks>
[Config(typeof(SpawnConfig))]
public class SandboxSpawnBenchmarks
{
    private static readonly SandboxLimits s_limits = new(TimeoutSeconds: 30, CpuSeconds: 30, MemoryMb: 1024, MaxProcesses: 256, MaxOutputBytes: 1 << 20);

    private readonly SandboxProvider _provider = new();
    private TempDirectory _workspace = null!;
    private SandboxRequest _true = null!;
    private SandboxRequest _shell = null!;

    /// <summary>Creates the workspace and checks the backend once (the check is cached, as in the gateway).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _workspace = new TempDirectory();
        _true = new SandboxRequest { Command = ["/bin/true"], WorkspacePath = _workspace.Path, Limits = s_limits };
        _shell = _true with { Command = ["/bin/sh", "-c", "true"] };
        var availability = _provider.ForLevel(SandboxLevel.Strict).CheckAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (!availability.Available)
        {
            throw new InvalidOperationException(availability.Problem);
        }
    }

    /// <summary>Removes the workspace.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workspace.Dispose();

    /// <summary><c>true</c> without isolation.</summary>
    [Benchmark(Baseline = true)]
    public Task<SandboxResult> Unisolated() => _provider.ForLevel(SandboxLevel.None).RunAsync(_true with { Level = SandboxLevel.None }, CancellationToken.None);

    /// <summary><c>true</c> at strict (no network).</summary>
    [Benchmark]
    public Task<SandboxResult> Strict() => _provider.ForLevel(SandboxLevel.Strict).RunAsync(_true, CancellationToken.None);

    /// <summary><c>true</c> at relaxed (network on).</summary>
    [Benchmark]
    public Task<SandboxResult> Relaxed() => _provider.ForLevel(SandboxLevel.Relaxed).RunAsync(_true with { Level = SandboxLevel.Relaxed }, CancellationToken.None);

    /// <summary><c>/bin/sh -c true</c> at strict, as <c>exec</c> runs it.</summary>
    [Benchmark]
    public Task<SandboxResult> StrictShell() => _provider.ForLevel(SandboxLevel.Strict).RunAsync(_shell, CancellationToken.None);

    /// <summary>
    /// Reference: bubblewrap alone with the same namespaces and the smallest mounts, no cgroup, no rlimits, no output
    /// handling; what bubblewrap itself costs on this machine at this moment. Strict minus this is our own overhead.
    /// </summary>
    [Benchmark]
    public async Task<int> BareBubblewrap()
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("/usr/bin/bwrap") { UseShellExecute = false };
        startInfo.ArgumentList.Add("--bind");
        startInfo.ArgumentList.Add(_workspace.Path);
        startInfo.ArgumentList.Add("/workspace");
        foreach (var arg in s_bareArgs)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Clear();
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static readonly string[] s_bareArgs =
    [
        "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--new-session", "--die-with-parent",
        "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--proc", "/proc", "--dev", "/dev", "--", "/bin/true",
    ];

    /// <summary>One spawn per iteration, 200 iterations, with P50, P95 and P99 columns.</summary>
    private sealed class SpawnConfig : ManualConfig
    {
        public SpawnConfig()
        {
            // In process: BenchmarkDotNet does not rebuild the whole bench project for one job (the machine is shared).
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(20).WithIterationCount(200).WithLaunchCount(1));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, new P99Column());
        }
    }

    /// <summary>The 99th percentile, which BenchmarkDotNet has no built-in column for.</summary>
    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "99th percentile of the iterations";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            return statistics is null ? "NA" : $"{statistics.Percentiles.Percentile(99) / 1_000_000.0:N3} ms";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
