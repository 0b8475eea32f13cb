namespace OpenClaw.Core.State;

/// <summary>
/// The layout of the state directory (ARCHITECTURE.md, "Data on disk"): <c>$OPENCLAW_STATE_DIR</c>, else <c>~/.openclaw</c>.
/// </summary>
public sealed class StatePaths
{
    /// <summary>Creates the layout rooted at <paramref name="root"/>, with an optional explicit config path.</summary>
    public StatePaths(string root, string? configPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        ConfigFile = configPath is null ? Path.Combine(Root, "openclaw.json") : Path.GetFullPath(configPath);
    }

    /// <summary>The state directory itself.</summary>
    public string Root { get; }

    /// <summary>The JSON5 config file.</summary>
    public string ConfigFile { get; }

    /// <summary>The credential key file.</summary>
    public string MasterKeyFile => Path.Combine(Root, "master.key");

    /// <summary>One encrypted file per secret.</summary>
    public string CredentialsDirectory => Path.Combine(Root, "credentials");

    /// <summary>The SQLite event store.</summary>
    public string EventStoreFile => Path.Combine(Root, "state", "events.db");

    /// <summary>The default agent workspace.</summary>
    public string WorkspaceDirectory => Path.Combine(Root, "workspace");

    /// <summary>Rolling logs.</summary>
    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>Installed plugins.</summary>
    public string PluginsDirectory => Path.Combine(Root, "plugins");

    /// <summary>
    /// Resolves the layout from the environment: <c>OPENCLAW_STATE_DIR</c> and <c>OPENCLAW_CONFIG_PATH</c>.
    /// </summary>
    public static StatePaths FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var root = getEnvironmentVariable("OPENCLAW_STATE_DIR");
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openclaw");
        }

        var config = getEnvironmentVariable("OPENCLAW_CONFIG_PATH");
        return new StatePaths(root, string.IsNullOrWhiteSpace(config) ? null : config);
    }
}
