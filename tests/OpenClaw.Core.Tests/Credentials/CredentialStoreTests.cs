using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Tests.Credentials;

public sealed class CredentialStoreTests : IDisposable
{
    private readonly CredentialTestStore _env = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task SetAsync_ThenGetAsync_RoundTripsTheValue()
    {
        var store = _env.Open();
        await store.SetAsync("anthropic", new Secret("sk-ant-123 ünïcødé 🔑"), _ct);

        var value = await store.GetAsync("anthropic", _ct);

        Assert.Equal("sk-ant-123 ünïcødé 🔑", value?.Reveal());
    }

    [Fact]
    public async Task GetAsync_FromANewInstance_ReadsWhatAnotherInstanceWrote()
    {
        await _env.Open().SetAsync("openai", new Secret("sk-1"), _ct);

        var value = await _env.Open().GetAsync("openai", _ct);

        Assert.Equal("sk-1", value?.Reveal());
    }

    [Fact]
    public async Task GetAsync_NameNeverSet_ReturnsNullAndCreatesNoKey()
    {
        var store = _env.Open();

        Assert.Null(await store.GetAsync("nothing", _ct));
        Assert.False(File.Exists(_env.Paths.MasterKeyFile));
    }

    [Fact]
    public async Task SetAsync_SameNameTwice_KeepsOnlyTheNewValue()
    {
        var store = _env.Open();
        await store.SetAsync("telegram", new Secret("old"), _ct);
        await store.SetAsync("telegram", new Secret("new"), _ct);

        Assert.Equal("new", (await store.GetAsync("telegram", _ct))?.Reveal());
        Assert.Equal(["telegram"], await store.ListAsync(_ct));
    }

    [Fact]
    public async Task ListAsync_SeveralSecrets_ReturnsSortedNamesAndIgnoresOtherFiles()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("a"), _ct);
        await store.SetAsync("anthropic", new Secret("b"), _ct);
        await store.SetAsync("Telegram.bot", new Secret("c"), _ct);
        await File.WriteAllTextAsync(Path.Combine(_env.CredentialsDirectory, "notes.txt"), "x", _ct);

        var names = await store.ListAsync(_ct);

        Assert.Equal(["Telegram.bot", "anthropic", "openai"], names);
    }

    [Fact]
    public async Task ListAsync_EmptyStore_ReturnsNothing()
    {
        Assert.Empty(await _env.Open().ListAsync(_ct));
    }

    [Fact]
    public async Task DeleteAsync_ExistingSecret_RemovesItAndReportsWhetherItExisted()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("a"), _ct);

        Assert.True(await store.DeleteAsync("openai", _ct));
        Assert.False(await store.DeleteAsync("openai", _ct));
        Assert.Null(await store.GetAsync("openai", _ct));
        Assert.Empty(await store.ListAsync(_ct));
        Assert.False(File.Exists(_env.FileOf("openai")));
    }

    [Fact]
    public async Task SetAsync_FileOnDisk_HoldsNeitherThePlaintextNorTheSameBytesTwice()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("plain-secret-value"), _ct);
        var first = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);
        await store.SetAsync("openai", new Secret("plain-secret-value"), _ct);
        var second = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);

        Assert.DoesNotContain("plain-secret-value", Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        Assert.Equal("OCCR"u8.ToArray(), first[..4]);
        Assert.NotEqual(first, second); // a fresh nonce per write
        Assert.NotEqual(first[13..25], second[13..25]);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task SetAsync_OnUnix_FilesAre0600AndFoldersAre0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only");
        await _env.Open().SetAsync("openai", new Secret("a"), _ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_env.FileOf("openai")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_env.Paths.MasterKeyFile));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(_env.CredentialsDirectory));
        Assert.Equal(32, new FileInfo(_env.Paths.MasterKeyFile).Length);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Open_CredentialsFolderTooOpen_IsTightenedTo0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only");
        Directory.CreateDirectory(_env.CredentialsDirectory);
        File.SetUnixFileMode(_env.CredentialsDirectory, (UnixFileMode)0b111_101_101);

        await _env.Open().ListAsync(_ct);

        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(_env.CredentialsDirectory));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task GetAsync_KeyFileReadableByOthers_IsRefusedWithTheChmodFix()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only");
        await _env.Open().SetAsync("openai", new Secret("a"), _ct);
        File.SetUnixFileMode(_env.Paths.MasterKeyFile, (UnixFileMode)0b110_100_100);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.Contains("readable by other users", ex.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_DifferentMasterKey_SaysWrongKeyAndHowToFix()
    {
        await _env.Open().SetAsync("openai", new Secret("a"), _ct);
        await File.WriteAllBytesAsync(_env.Paths.MasterKeyFile, RandomNumberGenerator.GetBytes(32), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.StartsWith("cannot decrypt credential 'openai': wrong key or damaged file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Restore the master.key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_MasterKeyDeletedWhileSecretsExist_RefusesToCreateANewKey()
    {
        await _env.Open().SetAsync("openai", new Secret("a"), _ct);
        File.Delete(_env.Paths.MasterKeyFile);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.Contains("master.key is missing", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_env.Paths.MasterKeyFile));
    }

    [Fact]
    public async Task GetAsync_MasterKeyTruncated_SaysItIsDamaged()
    {
        await _env.Open().SetAsync("openai", new Secret("a"), _ct);
        await File.WriteAllBytesAsync(_env.Paths.MasterKeyFile, new byte[7], _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.Contains("master.key in the state directory is damaged", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)] // magic
    [InlineData(6)] // key id
    [InlineData(14)] // nonce
    [InlineData(26)] // ciphertext
    [InlineData(-1)] // tag
    public async Task GetAsync_AnyByteFlipped_FailsWithDamagedFileErrorNotGarbage(int position)
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("sk-abcdef"), _ct);
        var bytes = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);
        bytes[position < 0 ? bytes.Length + position : position] ^= 0x01;
        await File.WriteAllBytesAsync(_env.FileOf("openai"), bytes, _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.StartsWith("cannot decrypt credential 'openai': wrong key or damaged file", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-abcdef", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(40)]
    public async Task GetAsync_TruncatedFile_FailsWithDamagedFileError(int keep)
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("sk-abcdef-ghijkl"), _ct);
        var bytes = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);
        await File.WriteAllBytesAsync(_env.FileOf("openai"), bytes[..Math.Min(keep, bytes.Length - 1)], _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.StartsWith("cannot decrypt credential 'openai': wrong key or damaged file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_FileFromANewerFormatVersion_SaysUpgrade()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("a"), _ct);
        var bytes = await File.ReadAllBytesAsync(_env.FileOf("openai"), _ct);
        bytes[4] = 9;
        await File.WriteAllBytesAsync(_env.FileOf("openai"), bytes, _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("openai", _ct));

        Assert.Contains("newer OpenClaw (credential format version 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade OpenClaw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_TwoFilesSwapped_BothFailInsteadOfReturningTheOtherSecret()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("openai-key"), _ct);
        await store.SetAsync("anthropic", new Secret("anthropic-key"), _ct);
        var a = _env.FileOf("openai");
        var b = _env.FileOf("anthropic");
        File.Move(a, a + ".swap");
        File.Move(b, a);
        File.Move(a + ".swap", b);

        var fresh = _env.Open();
        await Assert.ThrowsAsync<OpenClawException>(async () => await fresh.GetAsync("openai", _ct));
        await Assert.ThrowsAsync<OpenClawException>(async () => await fresh.GetAsync("anthropic", _ct));
    }

    [Fact]
    public async Task GetAsync_FileRenamed_FailsUnderTheNewName()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("openai-key"), _ct);
        File.Move(_env.FileOf("openai"), _env.FileOf("gateway"));

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await _env.Open().GetAsync("gateway", _ct));

        Assert.Contains("'gateway'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x", "'/'")]
    [InlineData("..", "'..'")]
    [InlineData("a/b", "'/'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData(".hidden", "must not start with '.'")]
    [InlineData("a..b", "'..'")]
    [InlineData("", "must not be empty")]
    [InlineData("a b", "U+0020")]
    [InlineData("x\0y", "U+0000")]
    [InlineData("/etc/passwd", "'/'")]
    public async Task Operations_InvalidName_AreRefusedBeforeTouchingTheDisk(string name, string expected)
    {
        var store = _env.Open();

        var set = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync(name, new Secret("v"), _ct));
        var get = await Assert.ThrowsAsync<OpenClawException>(async () => await store.GetAsync(name, _ct));
        var delete = await Assert.ThrowsAsync<OpenClawException>(() => store.DeleteAsync(name, _ct));

        Assert.Contains(expected, set.Message, StringComparison.Ordinal);
        Assert.Equal(set.Message, get.Message);
        Assert.Equal(set.Message, delete.Message);
        Assert.DoesNotContain(
            Directory.EnumerateFileSystemEntries(_env.Temp.Path, "*", SearchOption.AllDirectories),
            p => !p.StartsWith(_env.CredentialsDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetAsync_NameLengthLimit_Allows128AndRefuses129And200()
    {
        var store = _env.Open();
        await store.SetAsync(new string('a', 128), new Secret("v"), _ct);

        var ex129 = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync(new string('a', 129), new Secret("v"), _ct));
        var ex200 = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync(new string('b', 200), new Secret("v"), _ct));

        Assert.Contains("at most 128", ex129.Message, StringComparison.Ordinal);
        Assert.Contains("200 characters", ex200.Message, StringComparison.Ordinal);
        Assert.Equal([new string('a', 128)], await store.ListAsync(_ct));
    }

    [Fact]
    public async Task SetAsync_FailureBeforeTheRename_KeepsTheOldValueAndLeavesNoTempFile()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("old"), _ct);
        store.BeforeReplace = _ => throw new InjectedCrashException();

        await Assert.ThrowsAsync<InjectedCrashException>(() => store.SetAsync("openai", new Secret("new"), _ct));

        Assert.Equal("old", (await _env.Open().GetAsync("openai", _ct))?.Reveal());
        Assert.Equal(["openai.cred"], Directory.GetFiles(_env.CredentialsDirectory).Select(Path.GetFileName).Where(f => f != ".lock"));
    }

    [Fact]
    public async Task Open_TempFilesLeftByACrash_AreIgnoredAndRemoved()
    {
        await _env.Open().SetAsync("openai", new Secret("old"), _ct);
        // What a crash between "write temp" and "rename" leaves behind: a partial temp file beside the real one.
        var stray = Path.Combine(_env.CredentialsDirectory, ".tmp-openai.cred-0123456789ab");
        await File.WriteAllBytesAsync(stray, [0x4F, 0x43], _ct);
        var strayKey = Path.Combine(_env.Temp.Path, ".tmp-master.key-0123456789ab");
        await File.WriteAllBytesAsync(strayKey, [1, 2, 3], _ct);
        // A writer's temp file from moments ago may still be in flight: it is ignored but left alone.
        var inFlight = Path.Combine(_env.CredentialsDirectory, ".tmp-gateway.cred-0123456789ab");
        await File.WriteAllBytesAsync(inFlight, [0x4F], _ct);
        File.SetLastWriteTimeUtc(stray, DateTime.UtcNow.AddHours(-1));
        File.SetLastWriteTimeUtc(strayKey, DateTime.UtcNow.AddHours(-1));

        var store = _env.Open();

        Assert.Equal(["openai"], await store.ListAsync(_ct));
        Assert.Equal("old", (await store.GetAsync("openai", _ct))?.Reveal());
        Assert.Null(await store.GetAsync("gateway", _ct));
        Assert.False(File.Exists(stray));
        Assert.False(File.Exists(strayKey));
        Assert.True(File.Exists(inFlight));
    }

    [Fact]
    public async Task SetAsync_ManyConcurrentWriters_EverySecretReadsBack()
    {
        var store = _env.Open();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.SetAsync($"key{i}", new Secret($"value{i}"), _ct)));

        var fresh = _env.Open();
        Assert.Equal(20, (await fresh.ListAsync(_ct)).Count);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"value{i}", (await fresh.GetAsync($"key{i}", _ct))?.Reveal());
        }
    }

    [Fact]
    public async Task GetAsync_ThroughTheReaderInterface_ResolvesCredRefs()
    {
        var store = _env.Open();
        await store.SetAsync("anthropic", new Secret("k"), _ct);

        Assert.Equal(new Secret("k"), await ((ICredentialReader)store).GetAsync("anthropic", _ct));
    }

    [Fact]
    public void FromEnvironment_PasswordVariable_IsReadThroughTheInjectedLookup()
    {
        var set = CredentialStoreOptions.FromEnvironment(n => n == "OPENCLAW_MASTER_PASSWORD" ? "pw" : null);
        var empty = CredentialStoreOptions.FromEnvironment(_ => "");

        Assert.Equal("pw", set.MasterPassword?.Reveal());
        Assert.Null(empty.MasterPassword);
    }

    [Fact]
    public async Task GetAsync_CredentialFileCannotBeRead_NamesTheFileAndTheFix()
    {
        var store = _env.Open();
        await store.SetAsync("other", new Secret("x"), _ct);
        Directory.CreateDirectory(_env.FileOf("openai")); // a folder where the file should be: opening it is refused

        var ex = await Assert.ThrowsAsync<OpenClawException>(async () => await store.GetAsync("openai", _ct));

        Assert.Contains(_env.FileOf("openai"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("belong to", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAsync_StateDirectoryCannotBeCreated_NamesThePath()
    {
        var file = _env.Temp.Combine("a-file");
        await File.WriteAllTextAsync(file, "x", _ct);
        using var store = new CredentialStore(new StatePaths(Path.Combine(file, "state")));

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync("openai", new Secret("v"), _ct));

        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAsync_NameDifferingOnlyInCase_IsRefusedAndTheOriginalKept()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("sk-1"), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync("OpenAI", new Secret("sk-2"), _ct));

        Assert.Contains("differs only in case from the stored credential 'openai'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["openai"], await store.ListAsync(_ct));
        Assert.Equal("sk-1", (await store.GetAsync("openai", _ct))?.Reveal());
    }

    [Fact]
    public async Task SetAsync_DirectoryFsyncFails_IsReportedNotIgnored()
    {
        var store = _env.Open();
        await store.SetAsync("openai", new Secret("sk-1"), _ct);
        var directory = _env.CredentialsDirectory;
        AtomicFile.FsyncFault = path => path == directory ? 5 /* EIO */ : 0;
        try
        {
            var ex = await Assert.ThrowsAsync<OpenClawException>(() => store.SetAsync("openai", new Secret("sk-2"), _ct));
            Assert.Contains($"could not flush the folder {directory} to disk", ex.Message, StringComparison.Ordinal);

            AtomicFile.FsyncFault = path => path == directory ? 22 /* EINVAL: cannot sync a folder here */ : 0;
            await store.SetAsync("openai", new Secret("sk-3"), _ct);
        }
        finally
        {
            AtomicFile.FsyncFault = null;
        }

        Assert.Equal("sk-3", (await store.GetAsync("openai", _ct))?.Reveal());
    }
}
