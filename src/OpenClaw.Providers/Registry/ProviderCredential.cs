using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.OAuth;

namespace OpenClaw.Providers.Registry;

/// <summary>
/// A configured provider's key or OAuth login, looked up on every request from the environment or the credential
/// store (nothing caches it beside the store), so a refreshed OAuth token or a live config edit naming another
/// credential applies to the next request.
/// </summary>
/// <remarks>
/// An <c>openai-compatible</c> provider whose file names no key and has no credential stored under its name needs
/// none (a local server); a key the file names explicitly must exist.
/// </remarks>
public sealed class ProviderCredential : IProviderCredential
{
    private readonly ProviderOptions _options;
    private readonly SecretResolver _resolver;
    private readonly OAuthTokenManager? _oauth;
    private readonly OAuthClientOptions? _oauthClient;

    /// <summary>Creates the credential of <paramref name="options"/>.</summary>
    public ProviderCredential(ProviderOptions options, SecretResolver resolver, OAuthTokenManager? oauth)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        _options = options;
        _resolver = resolver;
        _oauth = oauth;
        if (options.OAuth is { } login && Uri.TryCreate(login.TokenUrl, UriKind.Absolute, out var tokenUrl))
        {
            _oauthClient = new OAuthClientOptions { TokenUrl = tokenUrl, ClientId = login.ClientId };
        }
    }

    /// <inheritdoc />
    public bool IsOAuth => _options.OAuth is not null;

    /// <inheritdoc />
    public async ValueTask<Secret?> GetAsync(CancellationToken cancellationToken)
    {
        if (_options.OAuth is { } login)
        {
            if (_oauth is null || _oauthClient is null)
            {
                throw Missing($"its OAuth login cannot be used (no token endpoint); check providers.{_options.Name}.oauth");
            }

            try
            {
                return await _oauth.GetAccessTokenAsync(login.Credential, _oauthClient, cancellationToken).ConfigureAwait(false);
            }
            catch (OpenClawException ex) when (ex is not ProviderException)
            {
                // The token manager's messages name the credential and the fix, never a token.
                throw new ProviderException(_options.Name, ProviderFailure.MissingCredential,
                    $"provider '{_options.Name}' could not get an OAuth access token: {ex.Message}", innerException: ex);
            }
        }

        var check = await CheckAsync(cancellationToken).ConfigureAwait(false);
        return check.Secret ?? (check.Required ? throw Missing(check.Problem!) : null);
    }

    /// <inheritdoc />
    public async ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken)
    {
        if (_options.OAuth is not { } login || _oauth is null || _oauthClient is null)
        {
            return null;
        }

        try
        {
            return await _oauth.ForceRefreshAsync(login.Credential, _oauthClient, rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (OpenClawException ex) when (ex is not ProviderException)
        {
            throw new ProviderException(_options.Name, ProviderFailure.Unauthorized,
                $"provider '{_options.Name}' refused the OAuth access token and refreshing it failed: {ex.Message}", status: 401, innerException: ex);
        }
    }

    /// <summary>Whether the key (or login) is there, without using it: for <c>system.status</c> and <c>doctor</c>.</summary>
    public async ValueTask<CredentialCheck> CheckAsync(CancellationToken cancellationToken)
    {
        if (_options.OAuth is { } login)
        {
            var stored = await _resolver.ResolveAsync(SecretReference.Credential(login.Credential), cancellationToken).ConfigureAwait(false);
            return stored.IsResolved
                ? new CredentialCheck(stored.Secret, true, null)
                : new CredentialCheck(null, true, $"no OAuth login is stored in credential '{login.Credential}'");
        }

        var resolution = await _resolver.ResolveAsync(_options.ApiKey, cancellationToken).ConfigureAwait(false);
        if (resolution.IsResolved)
        {
            return new CredentialCheck(resolution.Secret, true, null);
        }

        var required = !(_options.Type == ProviderType.OpenAICompatible && _options.ApiKey.IsImplicit);
        return new CredentialCheck(null, required, required ? resolution.Message : null);
    }

    private ProviderException Missing(string problem) =>
        new(_options.Name, ProviderFailure.MissingCredential, $"provider '{_options.Name}' has no API key: {problem}");
}

/// <summary>The outcome of <see cref="ProviderCredential.CheckAsync"/>.</summary>
/// <param name="Secret">The key or stored login, when present (never shown).</param>
/// <param name="Required">Whether the provider needs one.</param>
/// <param name="Problem">What is missing and the command that fixes it, or <see langword="null"/>.</param>
public sealed record CredentialCheck(Secret? Secret, bool Required, string? Problem)
{
    /// <summary>Whether a key or login is present.</summary>
    public bool Present => Secret is not null;
}
