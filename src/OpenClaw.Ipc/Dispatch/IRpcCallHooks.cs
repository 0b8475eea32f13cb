namespace OpenClaw.Ipc.Dispatch;

/// <summary>
/// The host's say in every call, at one place: refusing a call before it runs (rate limits, blocked addresses) and
/// observing its outcome (metrics).
/// </summary>
/// <remarks>Called concurrently from every connection; implementations must be thread-safe and cheap.</remarks>
public interface IRpcCallHooks
{
    /// <summary>
    /// Runs before the role check of every call to a known method; an error returned here is the call's answer.
    /// A call without a principal to a method that needs one is about to fail with <c>-32001</c>.
    /// </summary>
    RpcError? BeforeCall(RpcContext context, Role minimumRole);

    /// <summary>Runs after every call (known or not) with its error code, or null on success, and its duration.</summary>
    void AfterCall(RpcContext context, int? errorCode, TimeSpan elapsed);
}
