using System.Net;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// The gateway's check on every call, whatever the transport: a protected call without a credential counts as a failed
/// authentication of its address; every call counts against its principal's (or anonymous address's) request rate; a
/// socket's user token is checked again (<see cref="WebSocketRpcConnection.Revalidate"/>).
/// </summary>
internal sealed class GatewayCallHooks(AuthGate auth, GatewayMetrics metrics) : IRpcCallHooks
{
    private static readonly RpcError s_socketCredentialInvalid = new(
        RpcErrorCodes.Unauthenticated,
        "Authentication failed: the token this socket authenticated with is no longer valid (expired, revoked, or its user " +
        "was deactivated or deleted); sign in again and send connect with the new token.");

    public RpcError? BeforeCall(RpcContext context, Role minimumRole)
    {
        // A socket outlives the check of its token: a user's token is checked again on every call, so a role change,
        // deactivation, deletion, sign-out or expiry applies to the socket's next call as it does over HTTP.
        if (context.Connection is WebSocketRpcConnection socket && !socket.Revalidate() && minimumRole > Role.None)
        {
            return s_socketCredentialInvalid;
        }

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
