using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenClaw.Core.Config;

/// <summary>
/// Holds the config in force and applies edits of <c>openclaw.json</c> while the gateway runs: a valid edit replaces
/// it (subscribers see old and new), an invalid, unreadable or deleted file is logged with every error and the last
/// good config stays. <see cref="Start"/> watches the file; <see cref="ReloadAsync"/> applies it at once.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Current"/> is one volatile read; reloads run one at a time, and a reload of content already
/// seen (the watcher after a <c>config.set</c> that reloaded itself) does nothing.
/// </remarks>
public sealed partial class ConfigMonitor : IAsyncDisposable, IDisposable
{
    private readonly ConfigLoader _loader;
    private readonly ConfigMonitorOptions _options;
    private readonly ILogger _logger;
    private readonly OpenClawConfig _initial;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _debounce;
    private readonly Lock _sync = new();
    private volatile OpenClawConfig _current;
    private volatile IReadOnlyList<string> _pendingRestart = [];
    private Action<ConfigChange>[] _listeners = [];
    private FileSystemWatcher? _watcher;
    private Task _watcherReload = Task.CompletedTask;
    private bool _disposed;

    // What the last reload saw (under _gate): the file's hash (null = missing or never read) and that reload's result.
    private byte[]? _lastHash;
    private bool _lastMissing;
    private ConfigReloadResult? _lastInvalid;

    /// <summary>Creates a monitor whose config in force is <paramref name="initial"/> (what the gateway started with).</summary>
    /// <param name="loader">Reads and validates the file (its <see cref="ConfigLoader.ConfigFile"/> is the file watched).</param>
    /// <param name="initial">The config loaded at start.</param>
    /// <param name="timeProvider">The clock for the debounce; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where reloads, errors and restart warnings go.</param>
    /// <param name="options">Debounce and restart-only keys; defaults when <see langword="null"/>.</param>
    public ConfigMonitor(
        ConfigLoader loader, OpenClawConfig initial, TimeProvider? timeProvider = null, ILogger<ConfigMonitor>? logger = null, ConfigMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(initial);
        _loader = loader;
        _initial = initial;
        _current = initial;
        _options = options ?? new ConfigMonitorOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _debounce = (timeProvider ?? TimeProvider.System).CreateTimer(
            static state => ((ConfigMonitor)state!).OnDebounceElapsed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The config in force; cheap enough for every request (one volatile read).</summary>
    public OpenClawConfig Current => _current;

    /// <summary>The file watched and reloaded.</summary>
    public string ConfigFile => _loader.ConfigFile;

    /// <summary>Restart-only keys whose value in force differs from the one the gateway started with (empty when none), for status output.</summary>
    public IReadOnlyList<string> PendingRestartKeys => _pendingRestart;

    /// <summary>Calls <paramref name="listener"/> after each applied change, on the reloading thread; dispose the result to stop.</summary>
    /// <remarks>
    /// A listener that throws is logged and does not stop the others or undo the change. Listeners run while the
    /// reload holds its lock: a listener must not wait for <see cref="ReloadAsync"/>.
    /// </remarks>
    public IDisposable OnChange(Action<ConfigChange> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_sync)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    /// <summary>Starts watching the config file's directory; an edit is reloaded once the file has been quiet for <see cref="ConfigMonitorOptions.Debounce"/>.</summary>
    /// <remarks>
    /// The directory must exist; the file need not (creating it later is an edit). Calling it again does nothing. When
    /// the system refuses a watch (e.g. the inotify limit) that is logged and edits apply only through <see cref="ReloadAsync"/>.
    /// </remarks>
    /// <exception cref="ConfigException">The config file's directory does not exist.</exception>
    public void Start()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null)
            {
                return;
            }

            var full = Path.GetFullPath(ConfigFile);
            var directory = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(directory))
            {
                throw new ConfigException(ConfigFile, $"cannot watch {ConfigFile} for edits: {directory} does not exist; create it or set OPENCLAW_CONFIG_PATH to a file in an existing directory.");
            }

            // The directory, not the file: editors and ConfigEditor replace the file by renaming a new one over it.
            var watcher = new FileSystemWatcher(directory, Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, _) => OnFileEvent();
            watcher.Created += (_, _) => OnFileEvent();
            watcher.Deleted += (_, _) => OnFileEvent();
            watcher.Renamed += (_, _) => OnFileEvent();
            watcher.Error += (_, e) =>
            {
                // Events were lost (buffer overflow): reload anyway; an unchanged file is a no-op.
                Log.WatcherError(_logger, ConfigFile, e.GetException());
                OnFileEvent();
            };

            try
            {
                watcher.EnableRaisingEvents = true;
            }
            catch (IOException ex)
            {
                // E.g. the inotify instance limit: the gateway still runs, and ReloadAsync (config.set) still applies edits.
                watcher.Dispose();
                Log.CannotWatch(_logger, ConfigFile, ex);
                return;
            }

            _watcher = watcher;
        }

        Log.Watching(_logger, ConfigFile);
    }

    /// <summary>
    /// Reads and validates the file now and puts it in force when it is valid and differs; the caller (e.g. after
    /// <see cref="ConfigEditor"/> wrote) sees the outcome at once. Never throws for a bad file: see the result.
    /// </summary>
    public async Task<ConfigReloadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops watching and waits for a reload in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        Task inFlight;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
            inFlight = _watcherReload;
        }

        await _debounce.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await inFlight.ConfigureAwait(false); // never faults: the watcher's reload logs its own failures
        _stopping.Dispose();
    }

    /// <summary>Stops watching; prefer <see cref="DisposeAsync"/>, which also waits for a reload in progress.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // A file system event (or a test standing in for one): restart the quiet period.
    internal void OnFileEvent()
    {
        lock (_sync)
        {
            if (!_disposed)
            {
                _debounce.Change(_options.Debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnDebounceElapsed()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            var previous = _watcherReload;
            _watcherReload = ReloadFromWatcherAsync(previous);
        }
    }

    private async Task ReloadFromWatcherAsync(Task previous)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await ReloadAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (_disposed)
        {
        }
#pragma warning disable CA1031 // The watcher runs on a timer thread: whatever fails is logged, and the next edit retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ReloadFailed(_logger, ConfigFile, ex);
        }
    }

    private async Task<ConfigReloadResult> ReloadCoreAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        byte[]? bytes;
        string? text;
        try
        {
            bytes = await ConfigLoader.ReadBytesAsync(ConfigFile, cancellationToken).ConfigureAwait(false);
            text = bytes is null ? null : ConfigLoader.Decode(ConfigFile, bytes);
        }
        catch (ConfigException ex)
        {
            // Unreadable (permissions, a directory, too large, not UTF-8): nothing to compare, so every time is news.
            _lastHash = null;
            _lastMissing = false;
            _lastInvalid = null;
            Log.Unreadable(_logger, ConfigFile, ex.Message);
            return new ConfigReloadResult { Status = ConfigReloadStatus.Invalid, Config = current, Problem = ex.Message };
        }

        if (bytes is null)
        {
            var problem = $"{ConfigFile} was deleted; the last good config stays in force until the gateway restarts (then the defaults apply).";
            if (!_lastMissing)
            {
                _lastMissing = true;
                _lastHash = null;
                _lastInvalid = null;
                Log.Deleted(_logger, ConfigFile);
            }

            return new ConfigReloadResult { Status = ConfigReloadStatus.Missing, Config = current, Problem = problem };
        }

        var hash = SHA256.HashData(bytes);
        if (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash))
        {
            // Seen already: the watcher after a caller's own reload, or a second event for one write.
            return _lastInvalid ?? new ConfigReloadResult { Status = ConfigReloadStatus.Unchanged, Config = current };
        }

        _lastHash = hash;
        _lastMissing = false;
        _lastInvalid = null;
        var validation = _loader.Validate(text!);
        if (!validation.IsValid)
        {
            var errors = validation.Errors;
            if (_logger.IsEnabled(LogLevel.Error))
            {
                Log.Invalid(_logger, ConfigFile, errors.Count, new ConfigException(ConfigFile, errors).Message);
            }

            _lastInvalid = new ConfigReloadResult { Status = ConfigReloadStatus.Invalid, Config = current, Errors = errors };
            return _lastInvalid;
        }

        var next = validation.Config!;
        var changed = ConfigDiff.Compare(current, next);
        if (changed.Count == 0)
        {
            Log.NoEffectiveChange(_logger, ConfigFile);
            return new ConfigReloadResult { Status = ConfigReloadStatus.Unchanged, Config = current };
        }

        var restart = RestartOnly(changed);
        _current = next;
        _pendingRestart = RestartOnly(ConfigDiff.Compare(_initial, next));
        var changedText = string.Join(", ", changed);
        Log.Applied(_logger, ConfigFile, changedText);
        if (restart.Count > 0)
        {
            var restartText = string.Join(", ", restart);
            Log.RestartRequired(_logger, restartText, restart.Count == 1 ? "it" : "them");
        }

        Notify(new ConfigChange(current, next, changed, restart));
        return new ConfigReloadResult { Status = ConfigReloadStatus.Applied, Config = next, ChangedKeys = changed, RestartRequiredKeys = restart };
    }

    private IReadOnlyList<string> RestartOnly(IReadOnlyList<string> changed) =>
        [.. changed.Where(path => _options.RestartRequiredKeys.Any(key => ConfigDiff.IsUnder(path, key)))];

    private void Notify(ConfigChange change)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                listener(change);
            }
#pragma warning disable CA1031 // One failing listener must not keep the change from the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ListenerFailed(_logger, ConfigFile, ex);
            }
        }
    }

    private void Unsubscribe(Action<ConfigChange> listener)
    {
        lock (_sync)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(ConfigMonitor owner, Action<ConfigChange> listener) : IDisposable
    {
        private ConfigMonitor? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Unsubscribe(listener);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Watching {File} for config edits")]
        public static partial void Watching(ILogger logger, string file);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Config reloaded from {File}; changed: {ChangedKeys}")]
        public static partial void Applied(ILogger logger, string file, string changedKeys);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Keys} changed; restart the gateway to apply {Pronoun} (the rest of the edit is in force)")]
        public static partial void RestartRequired(ILogger logger, string keys, string pronoun);

        [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Config edit ignored, the last good config stays in force; {ErrorCount} error(s) in {File}: {Errors}")]
        public static partial void Invalid(ILogger logger, string file, int errorCount, string errors);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Config edit ignored, the last good config stays in force: {Problem} ({File})")]
        public static partial void Unreadable(ILogger logger, string file, string problem);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{File} was deleted; the last good config stays in force until the gateway restarts (then the defaults apply)")]
        public static partial void Deleted(ILogger logger, string file);

        [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "{File} changed but the config in force is the same (comments or layout only)")]
        public static partial void NoEffectiveChange(ILogger logger, string file);

        [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "A config change listener failed; the change stays in force ({File})")]
        public static partial void ListenerFailed(ILogger logger, string file, Exception exception);

        [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Watching {File} lost events; reloading it to catch up")]
        public static partial void WatcherError(ILogger logger, string file, Exception exception);

        [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Cannot watch {File} for edits; they apply only through config.set or a restart")]
        public static partial void CannotWatch(ILogger logger, string file, Exception exception);

        [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Reloading {File} failed; the last good config stays in force")]
        public static partial void ReloadFailed(ILogger logger, string file, Exception exception);
    }
}
