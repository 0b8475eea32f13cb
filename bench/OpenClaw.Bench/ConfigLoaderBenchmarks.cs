using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Config;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.State;

namespace OpenClaw.Bench;

/// <summary>
/// Validates the same ~10 KB openclaw.json as <see cref="Json5ReaderBenchmarks"/> the way start-up and every live
/// reload do (parse, bind every section, cross-key checks), and edits it the way <c>openclaw config set</c> does.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*ConfigLoader*'</c>.</remarks>
[MemoryDiagnoser]
public class ConfigLoaderBenchmarks
{
    private string _config = "";
    private Json5Node _root = null!;
    private ConfigLoader _loader = null!;
    private ConfigPath _newKey = null!;

    /// <summary>Builds the config and checks it is valid before timing starts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _config = Json5ReaderBenchmarks.BuildConfig(10_000);
        _root = Json5Reader.Parse(_config);
        _loader = new ConfigLoader(new StatePaths(Path.Combine(Path.GetTempPath(), "openclaw-bench")), _ => null);
        _newKey = ConfigPath.Parse("agents.default.sandbox.level");
        var result = _loader.Validate(_config);
        if (!result.IsValid)
        {
            throw new InvalidOperationException("benchmark config is invalid: " + string.Join("; ", result.Errors));
        }
    }

    /// <summary>Parse and full bind: what a start-up or a live reload costs.</summary>
    [Benchmark]
    public bool Validate() => _loader.Validate(_config).IsValid;

    /// <summary>The text edit of <c>config set</c> (insert a nested key), without the validation and file I/O.</summary>
    [Benchmark]
    public int SetText() => ConfigTextEdit.Set(_config, _root, _newKey, "\"relaxed\"").Length;
}
