using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Auth;

/// <summary>A user as callers see it: never the password hash.</summary>
/// <param name="Id">Short random id (12 lowercase base32 characters).</param>
/// <param name="Username">Unique regardless of case; letters, digits and <c>. _ - @ +</c>.</param>
/// <param name="Role">Viewer, Operator or Admin.</param>
/// <param name="Active">False when deactivated: cannot sign in, and its tokens stop working.</param>
/// <param name="CreatedAt">RFC 3339, UTC.</param>
/// <param name="UpdatedAt">RFC 3339, UTC.</param>
internal sealed record AuthUser(string Id, string Username, Role Role, bool Active, string CreatedAt, string UpdatedAt);

/// <summary>What <c>auth.login</c> and <c>auth.refresh</c> return.</summary>
/// <param name="AccessToken">Short-lived bearer token.</param>
/// <param name="RefreshToken">Single-use token that buys the next pair.</param>
/// <param name="ExpiresAt">When the access token expires, RFC 3339 UTC.</param>
/// <param name="User">Who signed in.</param>
internal sealed record TokenPair(string AccessToken, string RefreshToken, string ExpiresAt, AuthUser User);

/// <summary>RFC 3339 timestamps as written by the auth store (UTC, whole seconds, <c>Z</c>).</summary>
internal static class Rfc3339
{
    /// <summary>Formats <paramref name="value"/> as <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
