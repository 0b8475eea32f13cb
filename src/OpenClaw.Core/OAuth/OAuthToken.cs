using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.OAuth;

/// <summary>An OAuth 2.0 token set as stored in the credential store; its secrets print as <c>***</c>.</summary>
/// <param name="AccessToken">The bearer token sent to the provider.</param>
/// <param name="RefreshToken">The token that obtains a new access token, if the server issued one.</param>
/// <param name="ExpiresAt">When the access token expires, or null when the server did not say.</param>
/// <param name="TokenType">The token type, normally <c>Bearer</c>.</param>
/// <param name="Scope">The granted scope, if the server reported it.</param>
public sealed record OAuthToken(
    Secret AccessToken,
    Secret? RefreshToken,
    DateTimeOffset? ExpiresAt,
    string TokenType = "Bearer",
    string? Scope = null);
