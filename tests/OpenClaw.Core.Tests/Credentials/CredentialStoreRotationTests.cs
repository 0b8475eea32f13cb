using OpenClaw.Core.Credentials;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Credentials;

public sealed class CredentialStoreRotationTests : IDisposable
{
    private static readonly Dictionary<string, string> s_secrets = new()
    {
        ["anthropic"] = "sk-ant-1",
        ["gateway"] = "gw-2",
        ["openai"] = "sk-3",
        ["telegram"] = "123:abc",
    };

    private readonly CredentialTestStore _env = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _env.Dispose();

    public static TheoryData<string, int> CrashPoints() => new()
    {
        { nameof(RotationStep.NextKeyWritten), 0 },
        { nameof(RotationStep.SideFileWritten), 0 },
        { nameof(RotationStep.SideFileWritten), 2 },
        { nameof(RotationStep.SideFileWritten), 3 },
        { nameof(RotationStep.KeyCommitted), 0 },
        { nameof(RotationStep.SideFileCommitted), 0 },
        { nameof(RotationStep.SideFileCommitted), 2 },
        { nameof(RotationStep.SideFileCommitted), 3 },
    };

    [Fact]
    public async Task RotateKeyAsync_KeyFile_ReplacesTheKeyAndEverySecretStillReads()
    {
        await SeedAsync(_env.Open());
        var oldKey = await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct);
        var oldFile = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);

        var store = _env.Open();
        await store.RotateKeyAsync(cancellationToken: _ct);

        Assert.NotEqual(oldKey, await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct));
        await AssertAllReadAsync(store);
        await AssertAllReadAsync(_env.Open());
        Assert.Equal(["anthropic.cred", "gateway.cred", "openai.cred", "telegram.cred"],
            Directory.GetFiles(_env.CredentialsDirectory).Select(Path.GetFileName).Where(f => f != ".lock").Order(StringComparer.Ordinal));

        // A file encrypted under the old key no longer opens: the old key really is retired.
        await File.WriteAllBytesAsync(_env.FileOf("openai"), oldFile, _ct);
        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));
        Assert.Contains("wrong key or damaged file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKeyAsync_EmptyStore_StillRotatesTheKey()
    {
        var store = _env.Open();
        await store.SetAsync("x", new Secret("y"), _ct);
        await store.DeleteAsync("x", _ct);
        var oldKey = await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct);

        await store.RotateKeyAsync(cancellationToken: _ct);

        Assert.NotEqual(oldKey, await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct));
        await store.SetAsync("x", new Secret("z"), _ct);
        Assert.Equal("z", (await _env.Open().GetAsync("x", _ct))?.Reveal());
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task RotateKeyAsync_CrashAtAnyStep_ReopenedStoreReadsEverySecret(string stepName, int occurrence)
    {
        var step = Enum.Parse<RotationStep>(stepName);
        await SeedAsync(_env.Open());
        var crashing = _env.Open();
        var seen = 0;
        crashing.RotationFault = s =>
        {
            if (s == step && seen++ == occurrence)
            {
                throw new InjectedCrashException();
            }
        };

        await Assert.ThrowsAsync<InjectedCrashException>(() => crashing.RotateKeyAsync(cancellationToken: _ct));

        // A new process opens the directory exactly as the crash left it.
        var reopened = _env.Open();
        await AssertAllReadAsync(reopened);
        Assert.Equal(s_secrets.Keys.Order(StringComparer.Ordinal), await reopened.ListAsync(_ct));
        Assert.Empty(Directory.GetFiles(_env.CredentialsDirectory, "*.next"));
        Assert.False(File.Exists(_env.Paths.MasterKeyFile + ".next"));

        // The store stays fully usable: writes, and a second rotation that runs to the end.
        await reopened.SetAsync("new", new Secret("after-crash"), _ct);
        await reopened.RotateKeyAsync(cancellationToken: _ct);
        var last = _env.Open();
        await AssertAllReadAsync(last);
        Assert.Equal("after-crash", (await last.GetAsync("new", _ct))?.Reveal());
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task RotateKeyAsync_FailedMidway_TheSameInstanceKeepsReadingEverySecret(string stepName, int occurrence)
    {
        var step = Enum.Parse<RotationStep>(stepName);
        var store = _env.Open();
        await SeedAsync(store);
        var seen = 0;
        store.RotationFault = s =>
        {
            if (s == step && seen++ == occurrence)
            {
                throw new InjectedCrashException();
            }
        };

        await Assert.ThrowsAsync<InjectedCrashException>(() => store.RotateKeyAsync(cancellationToken: _ct));
        store.RotationFault = null;

        await AssertAllReadAsync(store);
        await store.SetAsync("openai", new Secret("changed"), _ct);
        Assert.Equal("changed", (await _env.Open().GetAsync("openai", _ct))?.Reveal());
    }

    [Fact]
    public async Task GetAsync_WhileARotationIsBetweenCommitAndMovingFiles_ReturnsTheRightValues()
    {
        var store = _env.Open();
        await SeedAsync(store);
        var readers = new List<Task<Secret?>>();
        store.RotationFault = s =>
        {
            if (s == RotationStep.KeyCommitted)
            {
                // New key in force, files still under the old one: these reads must wait for the rotation, not fail.
                readers.AddRange(s_secrets.Keys.Select(name => store.GetAsync(name, _ct).AsTask()));
            }
        };

        await store.RotateKeyAsync(cancellationToken: _ct);
        var values = await Task.WhenAll(readers).WaitAsync(TestTimeouts.Default, _ct);

        Assert.Equal(s_secrets.Values, values.Select(v => v?.Reveal()));
    }

    [Fact]
    public async Task RotateKeyAsync_ReportsEachSecretReEncrypted_InOrder()
    {
        var store = _env.Open();
        await SeedAsync(store);
        var reports = new List<(int Done, int Total)>();

        await store.RotateKeyAsync(progress: new InlineProgress(reports.Add), cancellationToken: _ct);

        Assert.Equal([(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)], reports);
    }

    [Fact]
    public async Task RotateKeyAsync_ADamagedSecret_IsRefusedAndChangesNothing()
    {
        await SeedAsync(_env.Open());
        var bytes = await File.ReadAllBytesAsync(_env.FileOf("gateway"), _ct);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(_env.FileOf("gateway"), bytes, _ct);
        var oldKey = await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _env.Open().RotateKeyAsync(cancellationToken: _ct));

        Assert.StartsWith("cannot rotate the master key: cannot decrypt credential 'gateway'", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(oldKey, await File.ReadAllBytesAsync(_env.Paths.MasterKeyFile, _ct));
        Assert.Equal("sk-3", (await _env.Open().GetAsync("openai", _ct))?.Reveal());
    }

    [Fact]
    public async Task RotateKeyAsync_WithANewPasswordOnAKeyFileStore_IsRefused()
    {
        var store = _env.Open();
        await SeedAsync(store);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => store.RotateKeyAsync(new Secret("pw"), cancellationToken: _ct));

        Assert.Contains("uses master.key, not a master password", ex.Message, StringComparison.Ordinal);
        await AssertAllReadAsync(_env.Open());
    }

    private async Task SeedAsync(CredentialStore store)
    {
        foreach (var (name, value) in s_secrets)
        {
            await store.SetAsync(name, new Secret(value), _ct);
        }
    }

    private async Task AssertAllReadAsync(CredentialStore store)
    {
        foreach (var (name, value) in s_secrets)
        {
            Assert.Equal(value, (await store.GetAsync(name, _ct))?.Reveal());
        }
    }

    private sealed class InlineProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
