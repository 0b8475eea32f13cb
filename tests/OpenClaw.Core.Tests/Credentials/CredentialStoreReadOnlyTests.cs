using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.Tests.Credentials;

/// <summary>A read-only store reads what the owning process (a running gateway) wrote, and changes nothing.</summary>
public sealed class CredentialStoreReadOnlyTests : IDisposable
{
    private readonly CredentialTestStore _env = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task GetAsync_WhileAnotherStoreOwnsTheFiles_ReadsTheCurrentValue()
    {
        using var owner = new CredentialStore(_env.Paths);
        await owner.OpenAsync(_ct);
        await owner.SetAsync("gateway-token", new Secret("first"), _ct);
        using var reader = new CredentialStore(_env.Paths, new CredentialStoreOptions { ReadOnly = true });

        Assert.Equal("first", (await reader.GetAsync("gateway-token", _ct))?.Reveal());
        await owner.SetAsync("gateway-token", new Secret("second"), _ct);
        Assert.Equal("second", (await reader.GetAsync("gateway-token", _ct))?.Reveal());
        Assert.Null(await reader.GetAsync("missing", _ct));
    }

    [Fact]
    public async Task Writes_OnReadOnlyStore_AreRefusedAndChangeNothing()
    {
        using (var owner = new CredentialStore(_env.Paths))
        {
            await owner.SetAsync("openai", new Secret("sk-1"), _ct);
        }

        using var reader = new CredentialStore(_env.Paths, new CredentialStoreOptions { ReadOnly = true });

        var set = await Assert.ThrowsAsync<OpenClawException>(() => reader.SetAsync("openai", new Secret("sk-2"), _ct));
        Assert.Contains("read-only", set.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OpenClawException>(() => reader.DeleteAsync("openai", _ct));
        await Assert.ThrowsAsync<OpenClawException>(() => reader.RotateKeyAsync(null, cancellationToken: _ct));
        Assert.Equal("sk-1", (await reader.GetAsync("openai", _ct))?.Reveal());
    }
}
