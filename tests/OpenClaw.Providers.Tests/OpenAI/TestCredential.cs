using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Tests.OpenAI;

/// <summary>A key (or none) the tests can change between requests; an OAuth login can be refreshed once.</summary>
internal sealed class TestCredential(string? key, bool isOAuth = false) : IProviderCredential
{
    private int _refreshes;

    public string? Key { get; set; } = key;

    public string? RefreshedKey { get; set; }

    public int Refreshes => Volatile.Read(ref _refreshes);

    public bool IsOAuth => isOAuth;

    /// <summary>When set, <see cref="GetAsync"/> throws it (a key that is configured but not stored).</summary>
    public ProviderException? Missing { get; set; }

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => Missing is { } missing
        ? ValueTask.FromException<Secret?>(missing)
        : ValueTask.FromResult(Key is null ? null : new Secret(Key));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _refreshes);
        if (RefreshedKey is null)
        {
            return ValueTask.FromResult<Secret?>(null);
        }

        Key = RefreshedKey;
        return ValueTask.FromResult<Secret?>(new Secret(RefreshedKey));
    }
}
