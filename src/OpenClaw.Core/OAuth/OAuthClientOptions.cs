namespace OpenClaw.Core.OAuth;

/// <summary>Where and as whom to refresh an OAuth token (a provider's <c>oauth: { tokenUrl, clientId }</c> config).</summary>
public sealed class OAuthClientOptions
{
    /// <summary>The authorization server's token endpoint (RFC 6749 section 3.2); https, or http on loopback only.</summary>
    public required Uri TokenUrl { get; init; }

    /// <summary>The public client id sent with every refresh.</summary>
    public required string ClientId { get; init; }

    /// <summary>A token that expires within this margin is refreshed before use; 60 seconds unless set.</summary>
    public TimeSpan RefreshSkew { get; init; } = TimeSpan.FromSeconds(60);
}
