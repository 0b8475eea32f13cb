using OpenClaw.Core;

namespace OpenClaw.Cli.Daemon;

/// <summary>What the service runs: the <c>openclaw</c> binary with <c>gateway run</c>, and the environment it needs (never a secret).</summary>
/// <param name="BinaryPath">The absolute path of the published <c>openclaw</c> binary.</param>
/// <param name="Environment">Variables set for the service (<c>OPENCLAW_STATE_DIR</c>, <c>OPENCLAW_CONFIG_PATH</c>), in order.</param>
internal sealed record ServiceDefinition(string BinaryPath, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The arguments after the binary.</summary>
    public static readonly IReadOnlyList<string> Arguments = ["gateway", "run"];

    // Only these are ever written into a service file: paths, never a token or a master password.
    private static readonly string[] s_carried = ["OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH"];

    /// <summary>
    /// The definition for this process: <paramref name="processPath"/> must be the <c>openclaw</c> binary itself (not
    /// <c>dotnet openclaw.dll</c>); the state directory and config file carried over when they are set.
    /// </summary>
    /// <exception cref="OpenClawException">The process is not the published binary, or a path cannot go into a service file.</exception>
    public static ServiceDefinition For(string? processPath, Func<string, string?> environment)
    {
        if (string.IsNullOrEmpty(processPath) || !string.Equals(Path.GetFileNameWithoutExtension(processPath), "openclaw", StringComparison.Ordinal))
        {
            throw new OpenClawException(
                $"the service must run the published `openclaw` binary, but this process is {processPath ?? "unknown"} " +
                "(run through `dotnet openclaw.dll`?); publish it (`dotnet publish src/OpenClaw.Cli -c Release -r linux-x64 -p:PublishAot=true`) " +
                "and run `daemon install` with that binary.");
        }

        var variables = new List<KeyValuePair<string, string>>();
        foreach (var name in s_carried)
        {
            if (environment(name) is { Length: > 0 } value)
            {
                variables.Add(new(name, CheckPath(Path.GetFullPath(value), name)));
            }
        }

        return new ServiceDefinition(CheckPath(Path.GetFullPath(processPath), "the binary's path"), variables);
    }

    private static string CheckPath(string path, string what) =>
        path.Any(char.IsControl)
            ? throw new OpenClawException($"{what} contains a control character (a newline?) and cannot be written into a service file.")
            : path;
}
