using OpenClaw.Core;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>Limits and hooks of one dispatcher.</summary>
public sealed class RpcDispatcherOptions
{
    /// <summary>The most requests one batch may hold (<c>gateway.limits.maxBatch</c>).</summary>
    public Func<int> MaxBatch { get; init; } = () => 100;

    /// <summary>The deepest nesting a message may have (<c>gateway.limits.maxJsonDepth</c>).</summary>
    public Func<int> MaxJsonDepth { get; init; } = () => 64;

    /// <summary>Refuses or observes calls (rate limits, metrics), or null.</summary>
    public IRpcCallHooks? Hooks { get; init; }

    /// <summary>
    /// Turns a host exception into an error (for example a store's not-found into <c>-32003</c>); null leaves it to the
    /// default mapping: <see cref="RpcException"/> as it says, <see cref="OpenClawException"/> as <c>-32603</c> with its
    /// message, anything else as a generic <c>-32603</c> logged with details.
    /// </summary>
    public Func<Exception, RpcError?>? MapException { get; init; }

    /// <summary>The host's services, handed to handlers through <see cref="RpcContext.Services"/>.</summary>
    public IServiceProvider? Services { get; init; }
}
