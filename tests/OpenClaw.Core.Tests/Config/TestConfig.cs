using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Tests.Config;

/// <summary>Validates config text against a fixed state directory and an explicit environment (never the process's).</summary>
internal static class TestConfig
{
    public static readonly StatePaths Paths = new(Path.Combine(Path.GetTempPath(), "openclaw-config-tests-state"));

    public static ConfigLoader Loader(IReadOnlyDictionary<string, string>? environment = null, StatePaths? paths = null) =>
        new(paths ?? Paths, name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);

    public static OpenClawConfig Valid(string text, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = Loader(environment).Validate(text);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return result.Config!;
    }

    public static IReadOnlyList<ConfigError> Errors(string text, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = Loader(environment).Validate(text);
        Assert.False(result.IsValid, "expected errors, but the config is valid");
        return result.Errors;
    }

    public static ConfigError Single(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Single(Errors(text, environment));
}
