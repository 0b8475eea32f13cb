namespace OpenClaw.Core.Config;

/// <summary>What a <see cref="ConfigMonitor.ReloadAsync"/> did.</summary>
public enum ConfigReloadStatus
{
    /// <summary>The file held a valid config that differs from the one in force; it is now in force.</summary>
    Applied,

    /// <summary>The file holds what is already in force (same content, or only comments and layout changed).</summary>
    Unchanged,

    /// <summary>The file could not be read or is not a valid config; the last good config stays in force.</summary>
    Invalid,

    /// <summary>The file does not exist (it was deleted); the last good config stays in force until a restart.</summary>
    Missing,
}

/// <summary>The outcome of one reload: the config in force afterwards, and what changed or what was wrong.</summary>
public sealed record ConfigReloadResult
{
    /// <summary>What happened.</summary>
    public required ConfigReloadStatus Status { get; init; }

    /// <summary>The config in force after the reload (the new one when applied, else the last good one).</summary>
    public required OpenClawConfig Config { get; init; }

    /// <summary>The key paths that changed (when applied), in ordinal order.</summary>
    public IReadOnlyList<string> ChangedKeys { get; init; } = [];

    /// <summary>The changed key paths that take effect only after a restart (a subset of <see cref="ChangedKeys"/>).</summary>
    public IReadOnlyList<string> RestartRequiredKeys { get; init; } = [];

    /// <summary>Every error in the file, with key path, line and column (when <see cref="ConfigReloadStatus.Invalid"/> because of its content).</summary>
    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    /// <summary>A file-level problem (unreadable, deleted), or <see langword="null"/>; never contains a secret.</summary>
    public string? Problem { get; init; }

    /// <summary>Whether the reload put a new config in force.</summary>
    public bool Applied => Status == ConfigReloadStatus.Applied;
}

/// <summary>A config change that was applied: the config before and after, and which keys differ.</summary>
/// <param name="Previous">The config that was in force.</param>
/// <param name="Current">The config now in force.</param>
/// <param name="ChangedKeys">The key paths that differ, in ordinal order.</param>
/// <param name="RestartRequiredKeys">The changed key paths that take effect only after a restart.</param>
public sealed record ConfigChange(
    OpenClawConfig Previous, OpenClawConfig Current, IReadOnlyList<string> ChangedKeys, IReadOnlyList<string> RestartRequiredKeys);

/// <summary>How <see cref="ConfigMonitor"/> reacts to edits.</summary>
public sealed class ConfigMonitorOptions
{
    /// <summary>The keys (and everything under them) a running gateway cannot change: it binds its socket, picks its log format and loads its plugins once, at start.</summary>
    public static readonly IReadOnlyList<string> DefaultRestartRequiredKeys =
    [
        "gateway.bind", "gateway.port", "gateway.limits.shutdownTimeoutSeconds", "gateway.limits.maxConcurrentRuns", "logging.format", "plugins",

        // Which channels run, and how Telegram reaches the gateway, are set up once at start.
        "channels.telegram.enabled", "channels.telegram.mode", "channels.telegram.webhookUrl",
    ];

    /// <summary>How long the file must be quiet before it is reloaded, so an editor's several writes count as one edit (default 250 ms).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Key paths whose change is logged as needing a restart (the rest of the edit is still applied).</summary>
    public IReadOnlyList<string> RestartRequiredKeys { get; set; } = DefaultRestartRequiredKeys;
}
