using System.Text.Json.Serialization;

namespace OpenClaw.Core.OAuth;

/// <summary>The JSON kept in the credential store for one OAuth login.</summary>
internal sealed class StoredOAuthToken
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string? AccessToken { get; set; }

    public string? RefreshToken { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? TokenType { get; set; }

    public string? Scope { get; set; }
}

/// <summary>A token endpoint's answer (RFC 6749 sections 5.1 and 5.2).</summary>
internal sealed class TokenEndpointResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; set; }
}

/// <summary>Source-generated JSON for OAuth tokens (AOT-clean).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(StoredOAuthToken))]
[JsonSerializable(typeof(TokenEndpointResponse))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
