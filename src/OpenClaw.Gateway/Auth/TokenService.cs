using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Credentials;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Auth;

/// <summary>The access-token layout: <c>oc1.&lt;base64url payload&gt;.&lt;base64url HMAC-SHA256&gt;</c>.</summary>
/// <remarks>The payload is 36 bytes: the user id (12 ASCII bytes), the family id (16 bytes), the expiry (Unix seconds, int64 big-endian).</remarks>
internal static class TokenFormat
{
    public const string Prefix = "oc1.";
    public const int UserIdBytes = 12;
    public const int FamilyIdBytes = 16;
    public const int FamilyIdChars = 22;
    public const int PayloadBytes = UserIdBytes + FamilyIdBytes + 8;
    public const int PayloadChars = 48;
    public const int MacBytes = 32;
    public const int MacChars = 43;
    public const int Length = 4 + PayloadChars + 1 + MacChars;
}

/// <summary>
/// Sign-in, refresh, sign-out and the per-request bearer check. Access tokens are self-contained and signed with
/// HMAC-SHA256 under the credential <c>gateway-signing-key</c> (32 random bytes, created on first use, so a restart
/// signs no one out); refresh tokens are opaque, single-use and rotate within a family.
/// </summary>
internal sealed partial class TokenService : IDisposable
{
    /// <summary>The credential name of the access-token signing key.</summary>
    public const string SigningKeyName = "gateway-signing-key";

    private const int RefreshTokenBytes = 32;
    private const int MaxVerifiedTokens = 50_000;

    private readonly UserStore _users;
    private readonly PasswordHasher _hasher;
    private readonly GatewayToken _gatewayToken;
    private readonly CredentialStore _credentials;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _keyLock = new(1, 1);

    // Access tokens whose MAC was already verified, with what they carry: the MAC is a pure function of the token and
    // the key (which never changes in a process), so it is checked once; expiry, family and user are checked on every
    // call. Only MAC-valid tokens get in, and the whole cache is dropped when it reaches its bound.
    private readonly ConcurrentDictionary<string, VerifiedAccess> _verified = new(StringComparer.Ordinal);
    private volatile byte[]? _signingKey;
    private string? _dummyHash;

    /// <summary>Creates the service; the signing key and gateway token are loaded on first use.</summary>
    public TokenService(
        UserStore users, PasswordHasher hasher, GatewayToken gatewayToken, CredentialStore credentials,
        AuthOptions? options = null, TimeProvider? time = null, ILogger<TokenService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(gatewayToken);
        ArgumentNullException.ThrowIfNull(credentials);
        _users = users;
        _hasher = hasher;
        _gatewayToken = gatewayToken;
        _credentials = credentials;
        _options = options ?? new AuthOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Signs a user in with a new refresh family.</summary>
    /// <exception cref="AuthException">
    /// Unauthenticated, with one message whether the user is unknown, inactive or the password wrong.
    /// </exception>
    public async Task<TokenPair> LoginAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var found = username.Length is > 0 and <= 128 ? await _users.FindForLoginAsync(username, cancellationToken).ConfigureAwait(false) : null;

        // An unknown user still costs one hash, so the answer's timing does not tell which usernames exist.
        var hash = found?.PasswordHash ?? DummyHash();
        var matches = PasswordHasher.Verify(password, hash);
        if (found is not { } f || !matches || !f.User.Active)
        {
            Log.LoginFailed(_logger, found?.User.Id ?? "(unknown)");
            throw AuthException.InvalidCredentials();
        }

        var (refreshToken, refreshHash) = NewRefreshToken();
        var familyId = await _users.StartFamilyAsync(f.User.Id, refreshHash, _time.GetUtcNow() + _options.RefreshTokenLifetime, cancellationToken)
            .ConfigureAwait(false);
        Log.LoggedIn(_logger, f.User.Id);
        return await IssueAsync(f.User, familyId, refreshToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Exchanges a refresh token for a new pair in the same family; the old one is spent.</summary>
    /// <exception cref="AuthException">
    /// Unauthenticated: the token is unknown, expired or revoked, the user inactive, or it was already spent (then its
    /// whole family, with its access tokens, is revoked).
    /// </exception>
    public async Task<TokenPair> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        if (!TryHashRefreshToken(refreshToken, out var oldHash))
        {
            throw AuthException.InvalidRefreshToken();
        }

        var (newToken, newHash) = NewRefreshToken();
        var result = await _users.RotateAsync(oldHash, newHash, _time.GetUtcNow() + _options.RefreshTokenLifetime, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != RefreshOutcome.Rotated)
        {
            throw AuthException.InvalidRefreshToken();
        }

        return await IssueAsync(result.User!, result.FamilyId!, newToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the refresh token's family: its refresh and access tokens stop working. Unknown tokens are ignored.</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        if (TryHashRefreshToken(refreshToken, out var hash))
        {
            _ = await _users.RevokeFamilyOfAsync(hash, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The principal a bearer token stands for, or null when it is not valid: the gateway token gives
    /// <see cref="Principal.GatewayToken"/>; a user access token must carry a valid MAC, be unexpired, belong to a
    /// family that is not revoked and to an active user, whose current role it gets.
    /// </summary>
    /// <remarks>
    /// The per-request path: after the first call it completes synchronously; a token seen before costs a dictionary
    /// lookup (its MAC was verified the first time) and allocates nothing.
    /// </remarks>
    public ValueTask<Principal?> AuthenticateAsync(string? bearer, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            return ValueTask.FromResult<Principal?>(null);
        }

        var key = _signingKey;
        return key is not null && _gatewayToken.IsLoaded
            ? ValueTask.FromResult(Authenticate(bearer, key))
            : AuthenticateSlowAsync(bearer, cancellationToken);
    }

    /// <summary>
    /// The principal a bearer token already accepted in this process stands for now (current role; null once it is
    /// expired, revoked, or its user deactivated or deleted): the per-call re-check of a WebSocket's credential.
    /// </summary>
    /// <remarks>Synchronous and allocation-free: a token accepted before has its MAC memoised and its key loaded.</remarks>
    public Principal? Recheck(string bearer) =>
        _signingKey is { } key && _gatewayToken.IsLoaded ? Authenticate(bearer, key) : null;

    /// <summary>Loads the signing key (creating it on first run) and the gateway token; the host may call it at startup.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        _ = await _gatewayToken.EnsureAsync(cancellationToken).ConfigureAwait(false);
        _ = await GetKeyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _keyLock.Dispose();

    private async ValueTask<Principal?> AuthenticateSlowAsync(string bearer, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return Authenticate(bearer, _signingKey!);
    }

    private Principal? Authenticate(string bearer, byte[] key)
    {
        var accessLike = bearer.StartsWith(TokenFormat.Prefix, StringComparison.Ordinal);
        if ((!accessLike || _gatewayToken.LooksLikeAccessToken) && _gatewayToken.Matches(bearer))
        {
            return Principal.GatewayToken;
        }

        if (!accessLike || bearer.Length != TokenFormat.Length
            || bearer[TokenFormat.Prefix.Length + TokenFormat.PayloadChars] != '.')
        {
            return null;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (_verified.TryGetValue(bearer, out var verified))
        {
            if (now >= verified.ExpiresUnix)
            {
                _ = _verified.TryRemove(bearer, out _);
                return null;
            }

            return _users.ResolveAccess(verified.UserId, verified.FamilyId);
        }

        var text = bearer.AsSpan(TokenFormat.Prefix.Length);
        Span<byte> payload = stackalloc byte[TokenFormat.PayloadBytes];
        Span<byte> mac = stackalloc byte[TokenFormat.MacBytes];
        Span<byte> expected = stackalloc byte[TokenFormat.MacBytes];
        if (!Base64Url.TryDecodeFromChars(text[..TokenFormat.PayloadChars], payload, out var payloadLength)
            || payloadLength != TokenFormat.PayloadBytes
            || !Base64Url.TryDecodeFromChars(text[(TokenFormat.PayloadChars + 1)..], mac, out var macLength)
            || macLength != TokenFormat.MacBytes)
        {
            return null;
        }

        HMACSHA256.HashData(key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(mac, expected))
        {
            return null;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(payload[(TokenFormat.UserIdBytes + TokenFormat.FamilyIdBytes)..]);
        if (now >= expires)
        {
            return null;
        }

        verified = new VerifiedAccess(
            Encoding.ASCII.GetString(payload[..TokenFormat.UserIdBytes]),
            Base64Url.EncodeToString(payload.Slice(TokenFormat.UserIdBytes, TokenFormat.FamilyIdBytes)),
            expires);
        if (_verified.Count >= MaxVerifiedTokens)
        {
            _verified.Clear();
        }

        _verified[bearer] = verified;
        return _users.ResolveAccess(verified.UserId, verified.FamilyId);
    }

    private async Task<TokenPair> IssueAsync(AuthUser user, string familyId, string refreshToken, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(cancellationToken).ConfigureAwait(false);
        var expires = _time.GetUtcNow() + _options.AccessTokenLifetime;
        var expiresUnix = expires.ToUnixTimeSeconds();
        Span<byte> payload = stackalloc byte[TokenFormat.PayloadBytes];
        _ = Encoding.ASCII.GetBytes(user.Id, payload[..TokenFormat.UserIdBytes]);
        if (!Base64Url.TryDecodeFromChars(familyId, payload.Slice(TokenFormat.UserIdBytes, TokenFormat.FamilyIdBytes), out _))
        {
            throw new InvalidOperationException("A family id is not 16 bytes of base64url.");
        }

        BinaryPrimitives.WriteInt64BigEndian(payload[(TokenFormat.UserIdBytes + TokenFormat.FamilyIdBytes)..], expiresUnix);
        Span<byte> mac = stackalloc byte[TokenFormat.MacBytes];
        HMACSHA256.HashData(key, payload, mac);
        var accessToken = TokenFormat.Prefix + Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
        return new TokenPair(accessToken, refreshToken, Rfc3339.Format(DateTimeOffset.FromUnixTimeSeconds(expiresUnix)), user);
    }

    private async ValueTask<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_signingKey is { } key)
        {
            return key;
        }

        await _keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_signingKey is { } loaded)
            {
                return loaded;
            }

            var stored = await _credentials.GetAsync(SigningKeyName, cancellationToken).ConfigureAwait(false);
            var bytes = new byte[32];
            if (stored is null || !Base64Url.TryDecodeFromChars(stored.Reveal(), bytes, out var written) || written != 32)
            {
                RandomNumberGenerator.Fill(bytes);
                await _credentials.SetAsync(SigningKeyName, new Secret(Base64Url.EncodeToString(bytes)), cancellationToken).ConfigureAwait(false);
                if (stored is null)
                {
                    Log.SigningKeyCreated(_logger);
                }
                else
                {
                    Log.SigningKeyReplaced(_logger);
                }
            }

            _signingKey = bytes;
            return bytes;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    private string DummyHash() => _dummyHash ??= _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private static (string Token, byte[] Hash) NewRefreshToken()
    {
        Span<byte> bytes = stackalloc byte[RefreshTokenBytes];
        RandomNumberGenerator.Fill(bytes);
        return (Base64Url.EncodeToString(bytes), SHA256.HashData(bytes));
    }

    private static bool TryHashRefreshToken(string? token, out byte[] hash)
    {
        Span<byte> bytes = stackalloc byte[RefreshTokenBytes];
        if (token is null || token.Length != 43 || !Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != RefreshTokenBytes)
        {
            hash = [];
            return false;
        }

        hash = SHA256.HashData(bytes);
        return true;
    }

    private sealed record VerifiedAccess(string UserId, string FamilyId, long ExpiresUnix);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "User {UserId} signed in")]
        public static partial void LoggedIn(ILogger logger, string userId);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "A sign-in failed (user {UserId})")]
        public static partial void LoginFailed(ILogger logger, string userId);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Created the access-token signing key (credential gateway-signing-key)")]
        public static partial void SigningKeyCreated(ILogger logger);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The stored access-token signing key was unreadable and has been replaced; access tokens issued before no longer verify (users sign in again)")]
        public static partial void SigningKeyReplaced(ILogger logger);
    }
}
