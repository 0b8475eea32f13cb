using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.Tests.Credentials;

public sealed class CredentialStoreLockTests : IDisposable
{
    private readonly CredentialTestStore _env = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task OpenAsync_SecondStoreWhileTheFirstIsOpen_IsRefusedUntilTheFirstIsDisposed()
    {
        var first = new CredentialStore(_env.Paths);
        await first.SetAsync("openai", new Secret("sk-1"), _ct);
        using var second = new CredentialStore(_env.Paths);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => second.SetAsync("openai", new Secret("other"), _ct));

        Assert.StartsWith("the credential store is in use by another OpenClaw process (a running gateway?)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Stop it", ex.Message, StringComparison.Ordinal);
        first.Dispose();
        Assert.Equal("sk-1", (await second.GetAsync("openai", _ct))?.Reveal());
    }

    [Fact]
    public async Task RotateKeyAsync_AnotherStoreOpenedMidRotation_IsRefusedAndCannotRollItBack()
    {
        var store = new CredentialStore(_env.Paths);
        try
        {
            await store.SetAsync("a", new Secret("1"), _ct);
            await store.SetAsync("b", new Secret("2"), _ct);
            Exception? intruder = null;
            store.RotationFault = step =>
            {
                if (step == RotationStep.SideFileWritten && intruder is null)
                {
                    // Another process (the CLI while the gateway rotates) opens the store between steps 2 and 3.
                    using var other = new CredentialStore(_env.Paths);
                    intruder = Record.Exception(() => other.ListAsync(_ct).GetAwaiter().GetResult());
                }
            };

            await store.RotateKeyAsync(cancellationToken: _ct);

            Assert.IsType<OpenClawException>(intruder);
            Assert.Equal("1", (await store.GetAsync("a", _ct))?.Reveal());
        }
        finally
        {
            store.Dispose();
        }

        var reopened = _env.Open();
        Assert.Equal("1", (await reopened.GetAsync("a", _ct))?.Reveal());
        Assert.Equal("2", (await reopened.GetAsync("b", _ct))?.Reveal());
    }

    [Fact]
    public async Task GetAsync_KeyFileReplacedUnderARunningStore_ReadsTheNewKeyInsteadOfFailing()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("old"), _ct);

        // Another store (e.g. a backup being restored) with its own key; its files replace ours while ours runs.
        using var other = new CredentialTestStore();
        var restored = other.Open();
        await restored.SetAsync("openai", new Secret("restored"), _ct);
        restored.Dispose();
        File.Copy(other.Paths.MasterKeyFile, _env.Paths.MasterKeyFile, overwrite: true);
        File.Copy(other.FileOf("openai"), _env.FileOf("openai"), overwrite: true);

        Assert.Equal("restored", (await store.GetAsync("openai", _ct))?.Reveal());
    }
}
