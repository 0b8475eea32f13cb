using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Bench;

/// <summary>
/// What live reload costs over the ~10 KB openclaw.json of <see cref="Json5ReaderBenchmarks"/>: the hot-path read of
/// the config in force, the watcher's no-op reload of bytes already applied, and the key-by-key diff of two configs.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*ConfigReload*'</c>.</remarks>
[MemoryDiagnoser]
public class ConfigReloadBenchmarks : IDisposable
{
    private string _directory = "";
    private ConfigMonitor _monitor = null!;
    private OpenClawConfig _before = null!;
    private OpenClawConfig _after = null!;

    /// <summary>Writes the config to a temp state directory and applies it once, so later reloads see the same bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "openclaw-bench-reload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var paths = new StatePaths(_directory);
        var loader = new ConfigLoader(paths, _ => null);
        var text = Json5ReaderBenchmarks.BuildConfig(10_000);
        File.WriteAllText(paths.ConfigFile, text);
        _before = loader.Validate(text).Config ?? throw new InvalidOperationException("benchmark config is invalid");
        _after = loader.Validate(text.Replace("maxTokens: 4096", "maxTokens: 8192", StringComparison.Ordinal)).Config!;
        if (ConfigDiff.Compare(_before, _after).Count == 0)
        {
            throw new InvalidOperationException("the edited benchmark config does not differ");
        }

        _monitor = new ConfigMonitor(loader, OpenClawConfig.CreateDefault(paths));
        if (_monitor.ReloadAsync().GetAwaiter().GetResult().Status != ConfigReloadStatus.Applied)
        {
            throw new InvalidOperationException("the first reload did not apply the file");
        }
    }

    /// <summary>Reading the config in force, as every request does.</summary>
    [Benchmark]
    public int Current() => _monitor.Current.Gateway.Port;

    /// <summary>The watcher's reload after a <c>config.set</c> that already applied the file: read, hash, compare.</summary>
    [Benchmark]
    public async Task<ConfigReloadStatus> ReloadUnchanged() => (await _monitor.ReloadAsync()).Status;

    /// <summary>The key-by-key diff of two configs (done once per applied edit).</summary>
    [Benchmark]
    public int Diff() => ConfigDiff.Compare(_before, _after).Count;

    /// <summary>Deletes the temp state directory.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _monitor?.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
