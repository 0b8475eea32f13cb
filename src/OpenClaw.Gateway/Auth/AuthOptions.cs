namespace OpenClaw.Gateway.Auth;

/// <summary>Token lifetimes and password hashing cost (docs/security.md, "Authentication").</summary>
internal sealed record AuthOptions
{
    /// <summary>How long an access token is accepted: 15 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an unspent refresh token can be exchanged: 30 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The Argon2id cost of new password hashes (existing hashes keep the cost they were made with).</summary>
    public PasswordHashParameters PasswordHash { get; init; } = PasswordHashParameters.Default;
}
