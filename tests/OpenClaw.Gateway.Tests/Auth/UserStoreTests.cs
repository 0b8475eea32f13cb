using OpenClaw.Core;
using OpenClaw.Gateway.Auth;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class UserStoreTests : IDisposable
{
    private readonly AuthHarness _auth = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _auth.Dispose();

    [Fact]
    public async Task Create_ThenGetAndList_ReturnTheUserWithTimestamps()
    {
        var created = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);

        Assert.Matches("^[0-9a-z]{12}$", created.Id);
        Assert.Equal(new AuthUser(created.Id, "alice", Role.Operator, true, "2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z"), created);
        Assert.Equal(created, await _auth.Users.GetAsync(created.Id, Ct));
        Assert.Equal([created], await _auth.Users.ListAsync(Ct));
    }

    [Fact]
    public async Task Create_UsernameTakenInAnotherCase_IsAConflict()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);

        var error = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.CreateAsync("ALICE", AuthHarness.Password, Role.Viewer, Ct));

        Assert.Equal(AuthErrorKind.Conflict, error.Kind);
        Assert.Contains("ALICE", error.Message, StringComparison.Ordinal);
        Assert.Single(await _auth.Users.ListAsync(Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public async Task Create_InvalidUsername_IsInvalid(string username)
    {
        var error = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.CreateAsync(username, AuthHarness.Password, Role.Viewer, Ct));

        Assert.Equal(AuthErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public async Task Create_RoleNoneOrShortPassword_IsInvalid()
    {
        var role = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.None, Ct));
        var password = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.CreateAsync("alice", "short", Role.Viewer, Ct));

        Assert.Equal(AuthErrorKind.Invalid, role.Kind);
        Assert.Equal(AuthErrorKind.Invalid, password.Kind);
        Assert.Empty(await _auth.Users.ListAsync(Ct));
    }

    [Fact]
    public async Task Update_ChangesOnlyWhatIsGivenAndStampsUpdatedAt()
    {
        var created = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        _auth.Time.Advance(TimeSpan.FromHours(1));

        var updated = await _auth.Users.UpdateAsync(created.Id, role: Role.Admin, cancellationToken: Ct);

        Assert.Equal(created with { Role = Role.Admin, UpdatedAt = "2026-11-25T13:00:00Z" }, updated);
        Assert.Equal(updated, await _auth.Users.GetAsync(created.Id, Ct));
    }

    [Fact]
    public async Task GetUpdateDelete_UnknownId_AreNotFound()
    {
        var get = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.GetAsync("nosuchuser01", Ct));
        var update = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.UpdateAsync("nosuchuser01", Role.Admin, cancellationToken: Ct));
        var delete = await Assert.ThrowsAsync<AuthException>(() => _auth.Users.DeleteAsync("nosuchuser01", Ct));

        Assert.All([get, update, delete], e => Assert.Equal(AuthErrorKind.NotFound, e.Kind));
    }

    [Fact]
    public async Task Delete_RemovesTheUserAndFreesTheName()
    {
        var created = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);

        await _auth.Users.DeleteAsync(created.Id, Ct);

        Assert.Empty(await _auth.Users.ListAsync(Ct));
        Assert.NotEqual(created.Id, (await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct)).Id);
    }

    [Fact]
    public async Task Users_SurviveARestart()
    {
        var created = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);

        _auth.Restart();

        Assert.Equal([created], await _auth.Users.ListAsync(Ct));
        Assert.NotNull(await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct));
    }

    [Fact]
    public void Open_CreatesAPrivateFileInAPrivateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }

        Assert.Equal(_auth.Paths.Root + "/state/auth.db", _auth.Users.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_auth.Users.Path));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(_auth.Users.Path)!));
    }

    [Fact]
    public void Open_WhileAnotherInstanceHoldsIt_IsRefusedClearly()
    {
        var error = Assert.Throws<OpenClawException>(() => UserStore.Open(_auth.Users.Path, _auth.Hasher, _auth.Time));

        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_HoldsNoPlainPasswordOrRefreshToken()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        _auth.Restart(); // checkpoints the WAL into the file

        var bytes = await File.ReadAllBytesAsync(_auth.Users.Path, Ct);
        var text = System.Text.Encoding.Latin1.GetString(bytes);

        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthHarness.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.RefreshToken, text, StringComparison.Ordinal);
        var raw = System.Buffers.Text.Base64Url.DecodeFromChars(pair.RefreshToken);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(raw));
    }
}
