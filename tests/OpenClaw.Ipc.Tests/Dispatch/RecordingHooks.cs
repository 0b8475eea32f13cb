using System.Collections.Concurrent;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>Hooks that refuse calls as a test says and record every outcome.</summary>
internal sealed class RecordingHooks : IRpcCallHooks
{
    private readonly ConcurrentQueue<(string Method, Role MinimumRole, bool HadPrincipal)> _before = new();
    private readonly ConcurrentQueue<(string Method, int? Code, TimeSpan Elapsed)> _after = new();

    /// <summary>Decides whether a call is refused; null lets every call through.</summary>
    public Func<RpcContext, Role, RpcError?>? Refuse { get; init; }

    public IReadOnlyList<(string Method, Role MinimumRole, bool HadPrincipal)> Before => [.. _before];

    public IReadOnlyList<(string Method, int? Code, TimeSpan Elapsed)> After => [.. _after];

    public RpcError? BeforeCall(RpcContext context, Role minimumRole)
    {
        _before.Enqueue((context.Method, minimumRole, context.Principal is not null));
        return Refuse?.Invoke(context, minimumRole);
    }

    public void AfterCall(RpcContext context, int? errorCode, TimeSpan elapsed) => _after.Enqueue((context.Method, errorCode, elapsed));
}
