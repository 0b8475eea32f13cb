using System.Net;
using Microsoft.AspNetCore.Http;
using OpenClaw.Core.Config;
using OpenClaw.Gateway.Auth;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Security;

/// <summary>
/// Every authentication attempt goes through here, on every transport and method: an address over its failure limit
/// is refused first (right or wrong), a wrong credential counts against its address, and each request counts against
/// its principal's rate.
/// </summary>
/// <remarks>Thread-safe. The limits follow live config edits.</remarks>
internal sealed class AuthGate : IDisposable
{
    private readonly TokenService _tokens;
    private readonly AuthFailureLimiter _failures;
    private readonly RequestRateLimiter _requests;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _signIns = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public AuthGate(TokenService tokens, AuthFailureLimiter failures, RequestRateLimiter requests, ConfigMonitor config)
    {
        _tokens = tokens;
        _failures = failures;
        _requests = requests;
        _subscription = config.OnChange(change =>
        {
            _failures.Limit = change.Current.Gateway.Limits.AuthFailuresPerMinute;
            _requests.Limit = change.Current.Gateway.Limits.RequestsPerMinute;
        });
    }

    /// <summary>The error for a wrong, expired or revoked credential.</summary>
    public static RpcError InvalidCredential { get; } =
        new(RpcErrorCodes.Unauthenticated, "Authentication failed: the token is not valid (wrong, expired or revoked).");

    /// <summary>
    /// Checks an HTTP request's <c>Authorization</c> header, on every route that takes one: no header is no principal
    /// and no error; a header in another scheme than Bearer is a failed authentication like a wrong token.
    /// </summary>
    public async ValueTask<(Principal? Principal, string? Token, RpcError? Error)> AuthenticateHeaderAsync(
        HttpRequest request, IPAddress? address, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization.Count == 0)
        {
            return (null, null, null);
        }

        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : string.Empty;
        if (token.Length == 0)
        {
            if (CheckBlocked(address) is { } blocked)
            {
                return (null, null, blocked);
            }

            RecordFailure(address);
            return (null, null, new RpcError(RpcErrorCodes.Unauthenticated, "Authentication failed: use 'Authorization: Bearer <token>'."));
        }

        var (principal, error) = await AuthenticateAsync(token, address, cancellationToken);
        return (principal, principal is null ? null : token, error);
    }

    /// <summary>Checks a bearer token from <paramref name="address"/>: the principal, or the error to answer.</summary>
    public async ValueTask<(Principal? Principal, RpcError? Error)> AuthenticateAsync(string token, IPAddress? address, CancellationToken cancellationToken)
    {
        if (CheckBlocked(address) is { } blocked)
        {
            return (null, blocked);
        }

        if (await _tokens.AuthenticateAsync(token, cancellationToken) is { } principal)
        {
            return (principal, null);
        }

        RecordFailure(address);
        return (null, InvalidCredential);
    }

    /// <summary>
    /// Runs a sign-in (<c>auth.login</c>, <c>auth.refresh</c>) as an authentication attempt of <paramref name="address"/>:
    /// refused while the address is blocked, and counted when it fails.
    /// </summary>
    /// <remarks>
    /// A password check takes tens of milliseconds, so attempts still running count against the address's limit
    /// (parallel guesses cannot overshoot it), and at most one check per core runs at once (parallel sign-ins cannot
    /// exhaust memory: each Argon2id check holds its memory cost).
    /// </remarks>
    public async Task<T> GuardAsync<T>(IPAddress? address, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        if (address is not null && !_failures.TryBeginAttempt(address, out var retryAfter))
        {
            throw new RpcException(RpcErrorCodes.RateLimited, "Too many failed authentications from this address; try again later.",
                RpcError.RateLimited(retryAfter).Data);
        }

        var failed = true;
        var admitted = false;
        try
        {
            await _signIns.WaitAsync(cancellationToken);
            admitted = true;
            var result = await attempt(cancellationToken);
            failed = false;
            return result;
        }
        catch (AuthException ex) when (ex.Kind == AuthErrorKind.Unauthenticated)
        {
            throw; // a wrong credential: counted below
        }
        catch
        {
            failed = false; // not a wrong credential (invalid params, cancellation)
            throw;
        }
        finally
        {
            if (admitted)
            {
                _signIns.Release();
            }

            if (address is not null)
            {
                _failures.EndAttempt(address, failed);
            }
        }
    }

    /// <summary>A rate-limit error while <paramref name="address"/> is over its failure limit, else null.</summary>
    public RpcError? CheckBlocked(IPAddress? address) =>
        address is not null && !_failures.Check(address, out var retryAfter)
            ? RpcError.RateLimited(retryAfter, "Too many failed authentications from this address; try again later.")
            : null;

    /// <summary>Counts a failed attempt of <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (address is not null)
        {
            _failures.RecordFailure(address);
        }
    }

    /// <summary>Counts a request against <paramref name="subject"/>'s rate; a rate-limit error when it is over.</summary>
    public RpcError? TryAcquireRequest(string subject) =>
        _requests.TryAcquire(subject, out var retryAfter) ? null : RpcError.RateLimited(retryAfter);

    public void Dispose()
    {
        _subscription.Dispose();
        _signIns.Dispose();
    }
}
