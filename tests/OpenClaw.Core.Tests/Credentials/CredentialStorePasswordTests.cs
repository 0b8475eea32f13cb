using System.Text.Json;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.Tests.Credentials;

public sealed class CredentialStorePasswordTests : IDisposable
{
    private readonly CredentialTestStore _env = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private string KdfFile => Path.Combine(_env.Temp.Path, "master.kdf");

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task SetAsync_WithMasterPassword_RoundTripsAcrossInstancesWithoutAKeyFile()
    {
        await _env.Open(CredentialTestStore.CheapPassword).SetAsync("openai", new Secret("sk-pw"), _ct);

        var value = await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct);

        Assert.Equal("sk-pw", value?.Reveal());
        Assert.False(File.Exists(_env.Paths.MasterKeyFile));
        Assert.True(File.Exists(KdfFile));
        Assert.DoesNotContain("correct horse", await File.ReadAllTextAsync(KdfFile, _ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_WrongMasterPassword_SaysWrongMasterPasswordOnce()
    {
        await _env.Open(CredentialTestStore.CheapPassword).SetAsync("openai", new Secret("sk-pw"), _ct);

        var wrong = _env.Open(CredentialTestStore.Password("tr0ub4dor&3"));

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await wrong.GetAsync("openai", _ct));
        var again = await Assert.ThrowsAsync<OpenClawException>(async () => await wrong.GetAsync("openai", _ct));

        Assert.StartsWith("wrong master password:", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ex.Message, again.Message);
        Assert.Contains("OPENCLAW_MASTER_PASSWORD", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tr0ub4dor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAsync_DefaultArgon2Cost_MeetsRfc9106SecondRecommendation()
    {
        var options = new CredentialStoreOptions { MasterPassword = new Secret("pw") };

        await _env.Open(options).SetAsync("openai", new Secret("v"), _ct);

        using var kdf = JsonDocument.Parse(await File.ReadAllTextAsync(KdfFile, _ct));
        var root = kdf.RootElement;
        Assert.Equal("argon2id", root.GetProperty("algorithm").GetString());
        var memoryKiB = root.GetProperty("memoryKiB").GetInt32();
        var passes = root.GetProperty("iterations").GetInt32();
        Assert.True(memoryKiB >= 64 * 1024, "at least 64 MiB");
        // RFC 9106 §4: t=3, p=4, m=64 MiB. Total work is t·m blocks whatever p is; one lane with t=4 does more.
        Assert.True((long)passes * memoryKiB >= 3L * 64 * 1024, "at least the RFC's t·m");
        Assert.True(passes > 3);
        Assert.Equal(16, Convert.FromBase64String(root.GetProperty("salt").GetString()!).Length);
        Assert.Equal("v", (await _env.Open(options).GetAsync("openai", _ct))?.Reveal());
    }

    [Fact]
    public async Task RotateKeyAsync_NewMasterPassword_OldPasswordStopsWorkingNewOneWorks()
    {
        var store = _env.Open(CredentialTestStore.CheapPassword);
        await store.SetAsync("openai", new Secret("sk-pw"), _ct);
        var oldKdf = await File.ReadAllTextAsync(KdfFile, _ct);

        await store.RotateKeyAsync(new Secret("a new passphrase"), cancellationToken: _ct);

        Assert.NotEqual(oldKdf, await File.ReadAllTextAsync(KdfFile, _ct));
        Assert.Equal("sk-pw", (await store.GetAsync("openai", _ct))?.Reveal());
        Assert.Equal("sk-pw", (await _env.Open(CredentialTestStore.Password("a new passphrase")).GetAsync("openai", _ct))?.Reveal());
        var ex = await Assert.ThrowsAsync<OpenClawException>(
            async () => await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct));
        Assert.StartsWith("wrong master password:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKeyAsync_NewPasswordThenPlainRotation_KeepsTheNewPassword()
    {
        var store = _env.Open(CredentialTestStore.CheapPassword);
        await store.SetAsync("openai", new Secret("sk-pw"), _ct);

        await store.RotateKeyAsync(new Secret("a new passphrase"), cancellationToken: _ct);
        await store.RotateKeyAsync(cancellationToken: _ct);

        Assert.Equal("sk-pw", (await _env.Open(CredentialTestStore.Password("a new passphrase")).GetAsync("openai", _ct))?.Reveal());
        var ex = await Assert.ThrowsAsync<OpenClawException>(
            async () => await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct));
        Assert.StartsWith("wrong master password:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKeyAsync_NewPasswordFailsWhileMovingFiles_TheSameInstanceKeepsWorking()
    {
        var store = _env.Open(CredentialTestStore.CheapPassword);
        await store.SetAsync("a", new Secret("1"), _ct);
        await store.SetAsync("b", new Secret("2"), _ct);
        store.RotationFault = s => _ = s == RotationStep.SideFileCommitted ? throw new InjectedCrashException() : 0;

        await Assert.ThrowsAsync<InjectedCrashException>(() => store.RotateKeyAsync(new Secret("a new passphrase"), cancellationToken: _ct));
        store.RotationFault = null;

        Assert.Equal("1", (await store.GetAsync("a", _ct))?.Reveal());
        Assert.Equal("2", (await store.GetAsync("b", _ct))?.Reveal());
        await store.SetAsync("c", new Secret("3"), _ct);
        var reopened = _env.Open(CredentialTestStore.Password("a new passphrase"));
        Assert.Equal("2", (await reopened.GetAsync("b", _ct))?.Reveal());
        Assert.Equal("3", (await reopened.GetAsync("c", _ct))?.Reveal());
    }

    [Theory]
    [InlineData(nameof(RotationStep.NextKeyWritten))]
    [InlineData(nameof(RotationStep.SideFileWritten))]
    [InlineData(nameof(RotationStep.KeyCommitted))]
    [InlineData(nameof(RotationStep.SideFileCommitted))]
    public async Task RotateKeyAsync_SamePasswordCrashAtAnyStep_ReopenedStoreReadsEverything(string stepName)
    {
        var step = Enum.Parse<RotationStep>(stepName);
        var store = _env.Open(CredentialTestStore.CheapPassword);
        await store.SetAsync("a", new Secret("1"), _ct);
        await store.SetAsync("b", new Secret("2"), _ct);
        store.RotationFault = s => _ = s == step ? throw new InjectedCrashException() : 0;

        await Assert.ThrowsAsync<InjectedCrashException>(() => store.RotateKeyAsync(cancellationToken: _ct));

        var reopened = _env.Open(CredentialTestStore.CheapPassword);
        Assert.Equal("1", (await reopened.GetAsync("a", _ct))?.Reveal());
        Assert.Equal("2", (await reopened.GetAsync("b", _ct))?.Reveal());
        Assert.False(File.Exists(KdfFile + ".next"));
    }

    [Fact]
    public async Task GetAsync_PasswordSetButStoreUsesKeyFile_SaysToUnsetThePassword()
    {
        await _env.Open().SetAsync("openai", new Secret("v"), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(
            async () => await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct));

        Assert.Contains("Unset OPENCLAW_MASTER_PASSWORD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_PasswordStoreOpenedWithoutPassword_SaysToSetThePassword()
    {
        await _env.Open(CredentialTestStore.CheapPassword).SetAsync("openai", new Secret("v"), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.Contains("OPENCLAW_MASTER_PASSWORD is not set", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_env.Paths.MasterKeyFile));
    }

    [Fact]
    public async Task GetAsync_KdfFileFromANewerVersion_SaysUpgrade()
    {
        await _env.Open(CredentialTestStore.CheapPassword).SetAsync("openai", new Secret("v"), _ct);
        var text = await File.ReadAllTextAsync(KdfFile, _ct);
        await File.WriteAllTextAsync(KdfFile, text.Replace("\"format\": 1", "\"format\": 7", StringComparison.Ordinal), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(
            async () => await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct));

        Assert.Contains("newer OpenClaw (format 7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":1,\"algorithm\":\"argon2id\",\"memoryKiB\":99999999,\"iterations\":1,\"parallelism\":1,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"keyCheck\":\"AA==\"}")]
    [InlineData("{\"format\":1,\"algorithm\":\"scrypt\",\"memoryKiB\":8192,\"iterations\":1,\"parallelism\":1,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"keyCheck\":\"AA==\"}")]
    public async Task GetAsync_DamagedOrHostileKdfFile_SaysDamagedWithoutDerivingAnything(string content)
    {
        await _env.Open(CredentialTestStore.CheapPassword).SetAsync("openai", new Secret("v"), _ct);
        await File.WriteAllTextAsync(KdfFile, content, _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(
            async () => await _env.Open(CredentialTestStore.CheapPassword).GetAsync("openai", _ct));

        Assert.StartsWith("master.kdf in the state directory is damaged", ex.Message, StringComparison.Ordinal);
    }
}
