using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Gateway.Auth;

/// <summary>Where the gateway token in force came from.</summary>
internal enum GatewayTokenSource
{
    /// <summary><c>OPENCLAW_GATEWAY_TOKEN</c> is set and overrides the stored token.</summary>
    Environment,

    /// <summary>The credential store's <c>gateway-token</c>.</summary>
    Stored,

    /// <summary>None existed: a new one was created and stored; the host should say so (print it with <c>openclaw gateway token</c>).</summary>
    Created,
}

/// <summary>
/// The gateway token, which acts as admin: <c>OPENCLAW_GATEWAY_TOKEN</c> when set, else the credential
/// <c>gateway-token</c>, created on first use as 32 random bytes in base64url.
/// </summary>
/// <remarks>
/// Only a SHA-256 digest of the token is kept in memory; <see cref="Matches"/> compares digests in constant time, so
/// neither the content nor the length of the token leaks through timing. Thread-safe.
/// </remarks>
internal sealed partial class GatewayToken : IDisposable
{
    /// <summary>The credential name the token is stored under.</summary>
    public const string CredentialName = "gateway-token";

    /// <summary>The environment variable that overrides the stored token.</summary>
    public const string EnvironmentVariable = "OPENCLAW_GATEWAY_TOKEN";

    /// <summary>The shortest token accepted from the environment (the stored one is 43 characters).</summary>
    public const int MinimumLength = 16;

    private const int MaxStackBytes = 512;

    private readonly CredentialStore _store;
    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile byte[]? _digest;
    private GatewayTokenSource _source;

    /// <summary>Creates the token service over <paramref name="store"/>; nothing is read until <see cref="EnsureAsync"/>.</summary>
    public GatewayToken(CredentialStore store, Func<string, string?>? getEnvironmentVariable = null, ILogger<GatewayToken>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _getEnvironmentVariable = getEnvironmentVariable ?? System.Environment.GetEnvironmentVariable;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// True when the token in force starts like a user access token (<c>oc1.</c>); a generated one never does (base64url
    /// has no '.'), so the per-request check can skip hashing access tokens against it.
    /// </summary>
    public bool LooksLikeAccessToken { get; private set; }

    /// <summary>True once <see cref="EnsureAsync"/> has loaded a token.</summary>
    public bool IsLoaded => _digest is not null;

    /// <summary>
    /// Loads the token in force (creating and storing one if there is none) and says where it came from. Later calls
    /// return at once.
    /// </summary>
    public async Task<GatewayTokenSource> EnsureAsync(CancellationToken cancellationToken = default)
    {
        if (_digest is not null)
        {
            return _source;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_digest is not null)
            {
                return _source;
            }

            // Trimmed once, here: a header's token is trimmed too, so stray spaces in the variable must not make it unusable.
            var fromEnvironment = _getEnvironmentVariable(EnvironmentVariable)?.Trim();
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                if (fromEnvironment.Length < MinimumLength)
                {
                    // An admin credential that can be guessed is worse than none: refuse to start with it.
                    throw new OpenClawException(
                        $"{EnvironmentVariable} is too short ({fromEnvironment.Length} characters); use at least {MinimumLength} random " +
                        "characters (e.g. `openssl rand -base64 32`), or unset it to use the stored token.");
                }

                Set(fromEnvironment, GatewayTokenSource.Environment);
                Log.FromEnvironment(_logger);
                return _source;
            }

            var stored = await _store.GetAsync(CredentialName, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.Reveal().Length > 0)
            {
                Set(stored.Reveal(), GatewayTokenSource.Stored);
                return _source;
            }

            var created = NewToken();
            await _store.SetAsync(CredentialName, new Secret(created), cancellationToken).ConfigureAwait(false);
            Set(created, GatewayTokenSource.Created);
            Log.Created(_logger);
            return _source;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The token in force, for <c>openclaw gateway token</c> to print. Never log it.</summary>
    public async Task<Secret> RevealAsync(CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var fromEnvironment = _getEnvironmentVariable(EnvironmentVariable)?.Trim();
        if (_source == GatewayTokenSource.Environment && !string.IsNullOrEmpty(fromEnvironment))
        {
            return new Secret(fromEnvironment);
        }

        return await _store.GetAsync(CredentialName, cancellationToken).ConfigureAwait(false)
            ?? throw new OpenClawException($"The credential '{CredentialName}' disappeared; restart the gateway to create a new one.");
    }

    /// <summary>Replaces the stored token with a new random one; the old one stops working at once.</summary>
    /// <exception cref="OpenClawException">OPENCLAW_GATEWAY_TOKEN is set, so a stored token would not be used.</exception>
    public async Task<Secret> RotateAsync(CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(_getEnvironmentVariable(EnvironmentVariable)))
        {
            throw new OpenClawException(
                $"The gateway token comes from {EnvironmentVariable}, which overrides the stored one; " +
                $"change that variable instead, or unset it and rotate again.");
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var created = NewToken();
            await _store.SetAsync(CredentialName, new Secret(created), cancellationToken).ConfigureAwait(false);
            Set(created, GatewayTokenSource.Stored);
            Log.Rotated(_logger);
            return new Secret(created);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Constant-time check of <paramref name="candidate"/> against the token: both are reduced to SHA-256 digests
    /// first, so the comparison takes the same time whatever the candidate's length. False before <see cref="EnsureAsync"/>.
    /// </summary>
    public bool Matches(string? candidate)
    {
        var digest = _digest;
        if (digest is null || candidate is null)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(candidate.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(candidate, buffer);
            SHA256.HashData(buffer[..length], actual);
            return CryptographicOperations.FixedTimeEquals(actual, digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    private void Set(string token, GatewayTokenSource source)
    {
        _source = source;
        LooksLikeAccessToken = token.StartsWith(TokenFormat.Prefix, StringComparison.Ordinal);
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "The gateway token comes from OPENCLAW_GATEWAY_TOKEN")]
        public static partial void FromEnvironment(ILogger logger);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A gateway token was created; print it with `openclaw gateway token`")]
        public static partial void Created(ILogger logger);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The gateway token was rotated; the old one no longer works")]
        public static partial void Rotated(ILogger logger);
    }
}
