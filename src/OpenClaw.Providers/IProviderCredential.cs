using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers;

/// <summary>How a provider client authenticates one request. Looked up per request, so a key set while the gateway runs applies at once.</summary>
public interface IProviderCredential
{
    /// <summary>Whether this is an OAuth login (a bearer access token) rather than an API key.</summary>
    bool IsOAuth { get; }

    /// <summary>The key or access token for the next request, or <see langword="null"/> when the provider needs none
    /// (an <c>openai-compatible</c> server without a key).</summary>
    /// <exception cref="ProviderException"><see cref="ProviderFailure.MissingCredential"/>: the configured key is not
    /// stored; the message says which command stores it.</exception>
    ValueTask<Secret?> GetAsync(CancellationToken cancellationToken);

    /// <summary>After a 401: a refreshed token to retry with once, or <see langword="null"/> when it cannot be refreshed (API keys).</summary>
    ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken);
}
