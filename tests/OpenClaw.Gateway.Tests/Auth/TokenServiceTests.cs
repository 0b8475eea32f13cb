using OpenClaw.Gateway.Auth;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class TokenServiceTests : IDisposable
{
    private readonly AuthHarness _auth = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _auth.Dispose();

    [Fact]
    public async Task Login_CorrectPassword_ReturnsAccessTokenForTheUserWithTheirRole()
    {
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);

        var pair = await _auth.Tokens.LoginAsync("Alice", AuthHarness.Password, Ct);

        Assert.Equal(user, pair.User);
        Assert.Equal("2026-11-25T12:15:00Z", pair.ExpiresAt);
        Assert.StartsWith("oc1.", pair.AccessToken, StringComparison.Ordinal);
        var principal = await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct);
        Assert.Equal(new Principal("user:" + user.Id, Role.Operator, user.Id, "alice"), principal);
    }

    [Fact]
    public async Task Login_UnknownUserOrWrongPassword_FailsWithTheSameMessage()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);

        var wrongPassword = await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("alice", "not the password", Ct));
        var unknownUser = await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("mallory", AuthHarness.Password, Ct));
        var emptyUser = await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync(string.Empty, AuthHarness.Password, Ct));

        Assert.All([wrongPassword, unknownUser, emptyUser], e => Assert.Equal(AuthErrorKind.Unauthenticated, e.Kind));
        Assert.Equal(wrongPassword.Message, unknownUser.Message);
        Assert.Equal(wrongPassword.Message, emptyUser.Message);
    }

    [Fact]
    public async Task Authenticate_AccessTokenPastItsLifetime_ReturnsNull()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        _auth.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        _auth.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
    }

    [Fact]
    public async Task Authenticate_AfterRestart_TokensStillWork()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Admin, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        _auth.Restart();

        var principal = await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct);
        Assert.Equal(Role.Admin, principal?.Role);
        var next = await _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct);
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(next.AccessToken, Ct));
    }

    [Fact]
    public async Task Authenticate_TamperedOrForeignToken_ReturnsNull()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        var chars = pair.AccessToken.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';

        Assert.Null(await _auth.Tokens.AuthenticateAsync(new string(chars), Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.RefreshToken, Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync("oc1.garbage.garbage", Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(string.Empty, Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(null, Ct));
    }

    [Fact]
    public async Task Authenticate_GatewayToken_ActsAsAdmin()
    {
        await _auth.GatewayToken.EnsureAsync(Ct);
        var token = await _auth.GatewayToken.RevealAsync(Ct);

        Assert.Same(Principal.GatewayToken, await _auth.Tokens.AuthenticateAsync(token.Reveal(), Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(token.Reveal() + "x", Ct));
    }

    [Fact]
    public async Task Authenticate_EnvironmentTokenShapedLikeAnAccessToken_StillActsAsAdmin()
    {
        _auth.SetEnvironment(GatewayToken.EnvironmentVariable, "oc1.chosen-by-the-operator");
        _auth.Restart();

        Assert.Same(Principal.GatewayToken, await _auth.Tokens.AuthenticateAsync("oc1.chosen-by-the-operator", Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync("oc1.chosen-by-the-operatoR", Ct));
    }

    [Fact]
    public async Task Authenticate_BeforeAnythingWasLoaded_LoadsTheGatewayTokenItself()
    {
        await _auth.GatewayToken.EnsureAsync(Ct);
        var token = (await _auth.GatewayToken.RevealAsync(Ct)).Reveal();
        _auth.Restart();

        Assert.Same(Principal.GatewayToken, await _auth.Tokens.AuthenticateAsync(token, Ct));
    }

    [Fact]
    public async Task Refresh_ValidToken_ReturnsNewPairAndSpendsTheOldOne()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var first = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        _auth.Time.Advance(TimeSpan.FromMinutes(20));

        var second = await _auth.Tokens.RefreshAsync(first.RefreshToken, Ct);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal("2026-11-25T12:35:00Z", second.ExpiresAt);
        Assert.Null(await _auth.Tokens.AuthenticateAsync(first.AccessToken, Ct)); // expired by now
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(second.AccessToken, Ct));
        var third = await _auth.Tokens.RefreshAsync(second.RefreshToken, Ct);
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(third.AccessToken, Ct));
    }

    [Fact]
    public async Task Refresh_SpentTokenPresentedAgain_RevokesTheWholeFamily()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var first = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        var second = await _auth.Tokens.RefreshAsync(first.RefreshToken, Ct);
        var otherDevice = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        var reuse = await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(first.RefreshToken, Ct));

        Assert.Equal(AuthErrorKind.Unauthenticated, reuse.Kind);
        Assert.Null(await _auth.Tokens.AuthenticateAsync(second.AccessToken, Ct));
        Assert.Null(await _auth.Tokens.AuthenticateAsync(first.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(second.RefreshToken, Ct));

        // Another sign-in of the same user is a different family and keeps working.
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(otherDevice.AccessToken, Ct));
    }

    [Fact]
    public async Task Refresh_RevokedFamilyAfterRestart_StaysRevoked()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        await _auth.Tokens.LogoutAsync(pair.RefreshToken, Ct);

        _auth.Restart();

        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
    }

    [Fact]
    public async Task Refresh_ExpiredRefreshToken_IsRefused()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        _auth.Time.Advance(TimeSpan.FromDays(30));

        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
    }

    [Fact]
    public async Task Logout_RevokesTheFamilyOnly()
    {
        await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Viewer, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        var other = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        await _auth.Tokens.LogoutAsync(pair.RefreshToken, Ct);

        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(other.AccessToken, Ct));
    }

    [Fact]
    public async Task Authenticate_AfterDemotion_GetsTheNewRoleAtOnce()
    {
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Admin, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        Assert.Equal(Role.Admin, (await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct))?.Role);

        await _auth.Users.UpdateAsync(user.Id, role: Role.Viewer, cancellationToken: Ct);

        Assert.Equal(Role.Viewer, (await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct))?.Role);
    }

    [Fact]
    public async Task DeactivatedUser_CannotSignInRefreshOrUseTokens()
    {
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        await _auth.Users.UpdateAsync(user.Id, active: false, cancellationToken: Ct);

        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
        var login = await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct));
        Assert.Equal(AuthException.InvalidCredentials().Message, login.Message);

        // Reactivating lets the user sign in again, but the old sessions stay revoked.
        await _auth.Users.UpdateAsync(user.Id, active: true, cancellationToken: Ct);
        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        var again = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        Assert.NotNull(await _auth.Tokens.AuthenticateAsync(again.AccessToken, Ct));
    }

    [Fact]
    public async Task PasswordChange_SignsTheUserOutEverywhere()
    {
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        await _auth.Users.UpdateAsync(user.Id, password: "a brand new password", cancellationToken: Ct);

        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct));
        Assert.NotNull(await _auth.Tokens.LoginAsync("alice", "a brand new password", Ct));
    }

    [Fact]
    public async Task DeletedUser_TokensStopWorking()
    {
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);

        await _auth.Users.DeleteAsync(user.Id, Ct);

        Assert.Null(await _auth.Tokens.AuthenticateAsync(pair.AccessToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct));
    }

    [Fact]
    public async Task Logs_OfAFullSession_NeverContainATokenPasswordOrHash()
    {
        await _auth.GatewayToken.EnsureAsync(Ct);
        var gatewayToken = (await _auth.GatewayToken.RevealAsync(Ct)).Reveal();
        var user = await _auth.Users.CreateAsync("alice", AuthHarness.Password, Role.Operator, Ct);
        var pair = await _auth.Tokens.LoginAsync("alice", AuthHarness.Password, Ct);
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.LoginAsync("alice", "wrong password 123", Ct));
        var next = await _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct);
        await Assert.ThrowsAsync<AuthException>(() => _auth.Tokens.RefreshAsync(pair.RefreshToken, Ct));
        await _auth.Users.UpdateAsync(user.Id, password: "another password!", cancellationToken: Ct);
        var rotated = (await _auth.GatewayToken.RotateAsync(Ct)).Reveal();
        var signingKey = (await _auth.Credentials.GetAsync(TokenService.SigningKeyName, Ct))!.Reveal();
        var (_, hash) = await _auth.Users.FindForLoginAsync("alice", Ct) ?? throw new InvalidOperationException();

        var logs = _auth.Logs.AllText;

        Assert.NotEmpty(_auth.Logs.Entries);
        Assert.Contains(user.Id, logs, StringComparison.Ordinal); // the log does say who
        string[] secrets =
        [
            gatewayToken, rotated, AuthHarness.Password, "wrong password 123", "another password!", pair.AccessToken, pair.RefreshToken,
            next.AccessToken, next.RefreshToken, signingKey, hash, hash.Split('$')[^1], hash.Split('$')[^2],
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
    }
}
