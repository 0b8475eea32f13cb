using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.OAuth;

/// <summary>
/// Keeps OAuth tokens in the credential store (one JSON credential per login) and hands out a valid access token,
/// refreshing it with the RFC 6749 section 6 refresh grant shortly before it expires.
/// </summary>
/// <remarks>
/// Thread-safe. Refreshes of one credential are coalesced: concurrent callers wait for a single request to the
/// token endpoint and share its result. A failed refresh leaves the stored token as it was.
/// </remarks>
public sealed partial class OAuthTokenManager : IDisposable
{
    private const int MaxResponseBytes = 64 * 1024;

    private readonly CredentialStore _store;
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, OAuthToken> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Creates a manager over <paramref name="store"/> that talks to token endpoints through <paramref name="httpClient"/>.</summary>
    public OAuthTokenManager(
        CredentialStore store, HttpClient httpClient, TimeProvider timeProvider, ILogger<OAuthTokenManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Stores the tokens of a fresh login under <paramref name="credentialName"/>.</summary>
    public async Task SaveTokenAsync(string credentialName, OAuthToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var gate = Gate(credentialName);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SaveLockedAsync(credentialName, token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A valid access token for <paramref name="credentialName"/>: the stored one, or a refreshed one when it
    /// expires within <see cref="OAuthClientOptions.RefreshSkew"/>.
    /// </summary>
    /// <exception cref="OpenClawException">No token is stored, or the refresh failed (the stored token is kept).</exception>
    public async Task<Secret> GetAccessTokenAsync(
        string credentialName, OAuthClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_cache.TryGetValue(credentialName, out var cached) && IsFresh(cached, options))
        {
            return cached.AccessToken;
        }

        var gate = Gate(credentialName);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever held the gate before may have refreshed already: then this caller shares that result.
            var token = await CurrentLockedAsync(credentialName, cancellationToken).ConfigureAwait(false);
            if (IsFresh(token, options))
            {
                return token.AccessToken;
            }

            return (await RefreshLockedAsync(credentialName, token, options, cancellationToken).ConfigureAwait(false)).AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Refreshes now, for when a provider rejected the access token (HTTP 401). Pass the rejected token so that
    /// many callers hit by the same 401 cause one refresh: if the stored token has already changed, it is returned.
    /// </summary>
    /// <exception cref="OpenClawException">No token is stored, or the refresh failed (the stored token is kept).</exception>
    public async Task<Secret> ForceRefreshAsync(
        string credentialName, OAuthClientOptions options, Secret? rejectedAccessToken = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gate = Gate(credentialName);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = await CurrentLockedAsync(credentialName, cancellationToken).ConfigureAwait(false);
            if (rejectedAccessToken is not null && !token.AccessToken.Equals(rejectedAccessToken))
            {
                return token.AccessToken;
            }

            return (await RefreshLockedAsync(credentialName, token, options, cancellationToken).ConfigureAwait(false)).AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    private SemaphoreSlim Gate(string credentialName) => _gates.GetOrAdd(credentialName, static _ => new SemaphoreSlim(1, 1));

    private bool IsFresh(OAuthToken token, OAuthClientOptions options) =>
        token.ExpiresAt is not { } expiresAt || expiresAt - options.RefreshSkew > _timeProvider.GetUtcNow();

    private async Task<OAuthToken> CurrentLockedAsync(string credentialName, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(credentialName, out var cached))
        {
            return cached;
        }

        var secret = await _store.GetAsync(credentialName, cancellationToken).ConfigureAwait(false)
            ?? throw new OpenClawException(
                $"no OAuth login is stored under credential '{credentialName}'. Log in to the provider first.");
        var token = Parse(credentialName, secret);
        _cache[credentialName] = token;
        return token;
    }

    private static OAuthToken Parse(string credentialName, Secret secret)
    {
        StoredOAuthToken? stored;
        try
        {
            stored = JsonSerializer.Deserialize(secret.Reveal(), OAuthJsonContext.Default.StoredOAuthToken);
        }
        catch (JsonException)
        {
            stored = null;
        }

        if (stored is null || string.IsNullOrEmpty(stored.AccessToken))
        {
            throw new OpenClawException(
                $"credential '{credentialName}' does not hold an OAuth login (it is not the token JSON OpenClaw " +
                "stores). Log in to the provider again, or point the provider's oauth.credential at the right name.");
        }

        if (stored.Format > StoredOAuthToken.CurrentFormat)
        {
            throw new OpenClawException(
                $"the OAuth login in credential '{credentialName}' was stored by a newer OpenClaw. Upgrade OpenClaw.");
        }

        return new OAuthToken(
            new Secret(stored.AccessToken),
            string.IsNullOrEmpty(stored.RefreshToken) ? null : new Secret(stored.RefreshToken),
            stored.ExpiresAt,
            stored.TokenType ?? "Bearer",
            stored.Scope);
    }

    private async Task SaveLockedAsync(string credentialName, OAuthToken token, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(
            new StoredOAuthToken
            {
                AccessToken = token.AccessToken.Reveal(),
                RefreshToken = token.RefreshToken?.Reveal(),
                ExpiresAt = token.ExpiresAt,
                TokenType = token.TokenType,
                Scope = token.Scope,
            },
            OAuthJsonContext.Default.StoredOAuthToken);
        await _store.SetAsync(credentialName, new Secret(json), cancellationToken).ConfigureAwait(false);
        _cache[credentialName] = token;
    }

    private async Task<OAuthToken> RefreshLockedAsync(
        string credentialName, OAuthToken current, OAuthClientOptions options, CancellationToken cancellationToken)
    {
        var endpoint = DescribeEndpoint(options.TokenUrl);
        if (!string.IsNullOrEmpty(options.TokenUrl.UserInfo))
        {
            throw new OpenClawException(
                $"the OAuth token URL for credential '{credentialName}' ({endpoint}) contains a user name or password " +
                "(user:password@host); refusing to use it. Remove it from the provider's oauth.tokenUrl (the client is " +
                "identified by oauth.clientId).");
        }

        if (options.TokenUrl.Scheme != Uri.UriSchemeHttps && !(options.TokenUrl.Scheme == Uri.UriSchemeHttp && options.TokenUrl.IsLoopback))
        {
            throw new OpenClawException(
                $"the OAuth token URL for credential '{credentialName}' ({endpoint}) must use https (plain http is " +
                "allowed only on loopback). Fix the provider's oauth.tokenUrl.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new OpenClawException(
                $"the OAuth client id for credential '{credentialName}' is empty. Set the provider's oauth.clientId.");
        }

        if (current.RefreshToken is null)
        {
            throw new OpenClawException(
                $"the OAuth access token in credential '{credentialName}' has expired and the login holds no refresh " +
                "token. Log in to the provider again.");
        }

        var response = await RequestAsync(credentialName, current, options, endpoint, cancellationToken).ConfigureAwait(false);
        var expiresAt = ExpiryOf(response.ExpiresIn);
        var refreshed = new OAuthToken(
            new Secret(response.AccessToken!),
            string.IsNullOrEmpty(response.RefreshToken) ? current.RefreshToken : new Secret(response.RefreshToken),
            expiresAt,
            string.IsNullOrEmpty(response.TokenType) ? current.TokenType : response.TokenType,
            response.Scope ?? current.Scope);

        // From here the server may already have retired the old refresh token: keep the new one for this process
        // whatever happens to the save, and do not let the caller's cancellation abandon the save half-way.
        _cache[credentialName] = refreshed;
        try
        {
            await SaveLockedAsync(credentialName, refreshed, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = ex is OpenClawException ? ex.Message : ex.GetType().Name;
            LogSaveFailed(_logger, credentialName, reason);
            throw new OpenClawException(
                $"refreshed the OAuth token for credential '{credentialName}' but could not save it to the credential " +
                $"store ({reason}). It is used until restart; fix the credential store (disk full, or files not owned by " +
                "you?), or log in again after.", ex);
        }

        LogRefreshed(_logger, credentialName, expiresAt);
        return refreshed;
    }

    /// <summary>The absolute expiry for <c>expires_in</c>; none when absent, not positive, or too far out to represent.</summary>
    private DateTimeOffset? ExpiryOf(long? expiresIn)
    {
        if (expiresIn is not { } seconds || seconds <= 0)
        {
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        return seconds >= (DateTimeOffset.MaxValue - now).TotalSeconds - 1 ? null : now.AddSeconds(seconds);
    }

    private async Task<TokenEndpointResponse> RequestAsync(
        string credentialName, OAuthToken current, OAuthClientOptions options, string endpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUrl)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "refresh_token"),
                new("refresh_token", current.RefreshToken!.Reveal()),
                new("client_id", options.ClientId),
            ]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        int status;
        byte[] body;

        // One deadline for the headers and the body: HttpClient.Timeout stops applying once the headers are in
        // (ResponseHeadersRead), so a server that stalls mid-body would otherwise hold the refresh (and its gate) forever.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_httpClient.Timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(_httpClient.Timeout);
        }

        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                .ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(credentialName, $"could not reach the token endpoint {endpoint} ({ex.HttpRequestError})",
                "Check the network and the provider's oauth.tokenUrl, then try again.", ex);
        }
        catch (IOException ex)
        {
            throw Failed(credentialName, $"the connection to the token endpoint {endpoint} broke off",
                "Check the network, then try again.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(credentialName, $"the token endpoint {endpoint} did not answer in time",
                "Try again later.", ex);
        }

        TokenEndpointResponse? parsed;
        try
        {
            parsed = body.Length == 0 ? null : JsonSerializer.Deserialize(body, OAuthJsonContext.Default.TokenEndpointResponse);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        if (status is >= 300 and <= 399)
        {
            // Never followed (the refresh token would go to wherever the Location points).
            throw Failed(credentialName, $"the token endpoint {endpoint} answered with a redirect (HTTP {status})",
                "Set the provider's oauth.tokenUrl to the final token endpoint address.", null);
        }

        if (status is < 200 or > 299)
        {
            if (parsed?.Error is { } error)
            {
                var detail = SafeDescription(parsed.ErrorDescription, current);
                if (error == "invalid_grant")
                {
                    throw Failed(credentialName,
                        $"the token endpoint {endpoint} rejected the refresh token (invalid_grant{detail}): the login " +
                        "has expired or was revoked", "Log in to the provider again.", null);
                }

                throw Failed(credentialName,
                    $"the token endpoint {endpoint} refused the refresh (HTTP {status}, {Printable(error)}{detail})",
                    "Check the provider's oauth.clientId and oauth.tokenUrl, or log in to the provider again.", null);
            }

            throw Failed(credentialName, $"the token endpoint {endpoint} answered HTTP {status}",
                "Try again later; if it keeps failing, log in to the provider again.", null);
        }

        if (parsed is null || string.IsNullOrEmpty(parsed.AccessToken))
        {
            throw Failed(credentialName,
                $"the token endpoint {endpoint} answered HTTP {status} without a valid token (the body is not " +
                "OAuth token JSON with an access_token)",
                "Check that the provider's oauth.tokenUrl is the token endpoint; then try again.", null);
        }

        return parsed;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    return []; // far too large for a token response: treated as unparsable
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private OpenClawException Failed(string credentialName, string what, string fix, Exception? inner)
    {
        LogRefreshFailed(_logger, credentialName, what);
        var message = $"refreshing the OAuth token in credential '{credentialName}' failed: {what}. " +
            $"The stored token was kept. {fix}";
        return inner is null ? new OpenClawException(message) : new OpenClawException(message, inner);
    }

    // The server's own words help, unless they echo a token back (some servers do): then they are left out.
    private static string SafeDescription(string? description, OAuthToken current)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return string.Empty;
        }

        foreach (var secret in new[] { current.AccessToken, current.RefreshToken })
        {
            if (secret is not null && description.Contains(secret.Reveal(), StringComparison.Ordinal))
            {
                return string.Empty;
            }
        }

        return ": " + Printable(description);
    }

    private static string Printable(string text)
    {
        var clipped = text.Length > 200 ? text[..200] + "…" : text;
        return string.Create(clipped.Length, clipped, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? ' ' : s[i];
            }
        });
    }

    // Scheme, host, port and path only: never the user info (it may hold a client secret) nor the query.
    private static string DescribeEndpoint(Uri tokenUrl) =>
        tokenUrl.IsAbsoluteUri
            ? tokenUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : "(not an absolute URL)";

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the OAuth token in credential {Credential}; it expires at {ExpiresAt}")]
    private static partial void LogRefreshed(ILogger logger, string credential, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshed the OAuth token in credential {Credential} but could not save it ({Reason}); it is kept in memory until restart")]
    private static partial void LogSaveFailed(ILogger logger, string credential, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the OAuth token in credential {Credential} failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string credential, string reason);
}
