using OpenClaw.Core;

namespace OpenClaw.Gateway.Auth;

/// <summary>What went wrong in an authentication or user operation; the RPC layer maps each kind to one error code.</summary>
internal enum AuthErrorKind
{
    /// <summary>No valid credential (-32001).</summary>
    Unauthenticated,

    /// <summary>The caller's role is too low (-32002).</summary>
    Forbidden,

    /// <summary>The user does not exist (-32003).</summary>
    NotFound,

    /// <summary>The username is taken (-32005).</summary>
    Conflict,

    /// <summary>A parameter breaks a rule (-32602).</summary>
    Invalid,

    /// <summary>Too many attempts; retry later (-32004).</summary>
    RateLimited,
}

/// <summary>An expected authentication or user-management failure; its message is safe to show and never holds a secret.</summary>
internal sealed class AuthException : OpenClawException
{
    /// <summary>Creates the error.</summary>
    public AuthException(AuthErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>What kind of failure this is.</summary>
    public AuthErrorKind Kind { get; }

    /// <summary>For <see cref="AuthErrorKind.Invalid"/>: the params field at fault (<c>data.field</c>), when one is.</summary>
    public string? Field { get; init; }

    /// <summary>For <see cref="AuthErrorKind.RateLimited"/>: how long until a retry can succeed (<c>data.retryAfterSeconds</c>).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>Too many failed authentications (or requests); retry after <paramref name="retryAfter"/>.</summary>
    public static AuthException RateLimited(TimeSpan retryAfter) =>
        new(AuthErrorKind.RateLimited, $"Too many attempts; retry in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s.")
        {
            RetryAfter = retryAfter,
        };

    /// <summary>The one message for a failed sign-in, whether the user is unknown, inactive or the password wrong.</summary>
    public static AuthException InvalidCredentials() =>
        new(AuthErrorKind.Unauthenticated, "Invalid username or password.");

    /// <summary>The one message for a refresh token that is unknown, spent, revoked or expired.</summary>
    public static AuthException InvalidRefreshToken() =>
        new(AuthErrorKind.Unauthenticated, "The refresh token is invalid or expired; sign in again with auth.login.");
}
