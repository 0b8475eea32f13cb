using OpenClaw.Core.Config;

namespace OpenClaw.Gateway.Hosting;

/// <summary>
/// The config in force right now: the live-reloaded file, with the listening address the gateway started on (command
/// line flags override the file, and the address cannot change without a restart).
/// </summary>
/// <remarks>Reads are lock-free and see either the old or the new config, never a mix.</remarks>
internal sealed class LiveConfig
{
    private readonly ConfigMonitor _monitor;
    private readonly string _bind;
    private readonly int _port;
    private volatile Snapshot _snapshot;

    public LiveConfig(ConfigMonitor monitor, OpenClawConfig started)
    {
        _monitor = monitor;
        _bind = started.Gateway.Bind;
        _port = started.Gateway.Port;
        _snapshot = new Snapshot(monitor.Current, Effective(monitor.Current));
    }

    public OpenClawConfig Current
    {
        get
        {
            var snapshot = _snapshot;
            var source = _monitor.Current;
            if (!ReferenceEquals(snapshot.Source, source))
            {
                snapshot = new Snapshot(source, Effective(source));
                _snapshot = snapshot;
            }

            return snapshot.Effective;
        }
    }

    /// <summary>Applies the file now (after <c>config.set</c> wrote it) instead of after the watcher's debounce.</summary>
    public Task<ConfigReloadResult> ReloadAsync(CancellationToken cancellationToken) => _monitor.ReloadAsync(cancellationToken);

    private OpenClawConfig Effective(OpenClawConfig source) =>
        source.Gateway.Bind == _bind && source.Gateway.Port == _port
            ? source
            : source with { Gateway = source.Gateway with { Bind = _bind, Port = _port } };

    private sealed record Snapshot(OpenClawConfig Source, OpenClawConfig Effective);
}
