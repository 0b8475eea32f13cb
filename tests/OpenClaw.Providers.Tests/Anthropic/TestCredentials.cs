using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Tests.Anthropic;

/// <summary>An API key (or none).</summary>
internal sealed class StaticKeyCredential(string? key) : IProviderCredential
{
    public bool IsOAuth => false;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => new(key is null ? null : new Secret(key));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken) => new((Secret?)null);
}

/// <summary>An OAuth login whose token refreshes to <paramref name="refreshed"/> (or cannot refresh); counts refreshes.</summary>
internal sealed class FakeOAuthCredential(string token, string? refreshed) : IProviderCredential
{
    private string _token = token;

    public int Refreshes { get; private set; }

    public List<string> Rejected { get; } = [];

    public bool IsOAuth => true;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => new(new Secret(_token));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken)
    {
        Refreshes++;
        Rejected.Add(rejected.Reveal());
        if (refreshed is null)
        {
            return new((Secret?)null);
        }

        _token = refreshed;
        return new(new Secret(refreshed));
    }
}
