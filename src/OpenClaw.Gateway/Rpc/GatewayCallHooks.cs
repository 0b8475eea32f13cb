using System.Net;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// The gateway's check on every call, whatever the transport: a protected call without a credential counts as a failed
/// authentication of its address; every call counts against its principal's (or anonymous address's) request rate.
/// </summary>
internal sealed class GatewayCallHooks(AuthGate auth, GatewayMetrics metrics) : IRpcCallHooks
{
    public RpcError? BeforeCall(RpcContext context, Role minimumRole)
    {
        var principal = context.Principal;
        if (principal is null && minimumRole > Role.None)
        {
            // An attempt to use a protected method without a credential is a failed authentication; once the address
            // is over its limit, it gets the rate-limit error instead of -32001.
            var address = context.Connection.RemoteAddress;
            if (auth.CheckBlocked(address) is { } blocked)
            {
                return blocked;
            }

            auth.RecordFailure(address);
            return null;
        }

        return auth.TryAcquireRequest(principal?.Subject ?? AnonymousKey(context.Connection.RemoteAddress));
    }

    public void AfterCall(RpcContext context, int? errorCode, TimeSpan elapsed) => metrics.RecordCall(context.Method, errorCode, elapsed);

    private static string AnonymousKey(IPAddress? address) => address is null ? "anonymous" : "address:" + address;
}
