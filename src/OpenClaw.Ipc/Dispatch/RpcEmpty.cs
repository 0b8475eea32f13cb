namespace OpenClaw.Ipc.Dispatch;

/// <summary>The empty object <c>{}</c>, for methods that take no params or return nothing.</summary>
public sealed record RpcEmpty
{
    /// <summary>The one instance.</summary>
    public static RpcEmpty Instance { get; } = new();
}
