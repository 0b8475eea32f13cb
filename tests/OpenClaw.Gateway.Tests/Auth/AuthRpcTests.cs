using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Gateway.Tests.Rpc;
using static OpenClaw.Gateway.Tests.Rpc.TestGatewayAuth;

namespace OpenClaw.Gateway.Tests.Auth;

/// <summary>Signing in, tokens and user management as clients see them: over <c>POST /rpc</c> and <c>/ws</c>.</summary>
public sealed class AuthRpcTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;

    public static TheoryData<string> Transports => ["http", "ws"];

    public async ValueTask InitializeAsync() => _gateway = await TestGatewayAuth.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A client on the transport carrying the token: HTTP with a bearer header, or a socket that sent connect.
    private async Task<RpcTestClient> ClientAsync(string transport, string? token) =>
        transport == "http" ? _gateway.Rpc(token)
        : token is null ? await _gateway.AnonymousSocketAsync()
        : await _gateway.ConnectedSocketAsync(token);

    private static async Task DisposeAsync(RpcTestClient client)
    {
        switch (client)
        {
            case IAsyncDisposable socket:
                await socket.DisposeAsync();
                break;
            case IDisposable http:
                http.Dispose();
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Login_RightPassword_ReturnsTokenPairAndUserWithoutHash(string transport)
    {
        var id = await _gateway.CreateUserAsync("alice", "operator");
        var client = await ClientAsync(transport, null);
        try
        {
            var result = await client.ResultAsync("auth.login", Params(new { username = "alice", password = AuthHarness.Password }), Ct);

            Assert.StartsWith("oc1.", result.GetProperty("accessToken").GetString(), StringComparison.Ordinal);
            Assert.Equal(43, result.GetProperty("refreshToken").GetString()!.Length);
            Assert.True(DateTimeOffset.Parse(result.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            var user = result.GetProperty("user");
            Assert.Equal(id, user.GetProperty("id").GetString());
            Assert.Equal("alice", user.GetProperty("username").GetString());
            Assert.Equal("operator", user.GetProperty("role").GetString());
            Assert.True(user.GetProperty("active").GetBoolean());
            Assert.DoesNotContain("argon2", result.GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", result.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownUser_GetTheSameUnauthenticatedError()
    {
        _ = await _gateway.CreateUserAsync("alice", "viewer");
        using var client = _gateway.Rpc(token: null);

        var wrongPassword = await client.ErrorAsync("auth.login", Params(new { username = "alice", password = "not the password" }), Ct);
        var wrongStatus = client.LastStatus;
        var unknownUser = await client.ErrorAsync("auth.login", Params(new { username = "nobody", password = AuthHarness.Password }), Ct);

        Assert.Equal(-32001, wrongPassword.Code);
        Assert.Equal(401, wrongStatus);
        Assert.Equal(wrongPassword.Code, unknownUser.Code);
        Assert.Equal(wrongPassword.Message, unknownUser.Message);
        Assert.Equal(401, client.LastStatus);
    }

    [Fact]
    public async Task AccessToken_AsBearerAndInConnect_AuthenticatesAsTheUser()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "operator");
        using var http = _gateway.Rpc(user.AccessToken);
        await using var socket = await _gateway.AnonymousSocketAsync();

        var overHttp = await http.ResultAsync("auth.me", cancellationToken: Ct);
        var connected = await socket.ResultAsync("connect", Params(new { token = user.AccessToken }), Ct);
        var overSocket = await socket.ResultAsync("auth.me", cancellationToken: Ct);

        Assert.Equal("operator", overHttp.GetProperty("role").GetString());
        Assert.Equal(user.Id, overHttp.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("operator", connected.GetProperty("role").GetString());
        Assert.Equal("alice", connected.GetProperty("user").GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(connected.GetProperty("serverVersion").GetString()));
        Assert.Equal(user.Id, overSocket.GetProperty("user").GetProperty("id").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Me_WithGatewayToken_IsAdminWithoutUser(string transport)
    {
        var client = await ClientAsync(transport, TestGateway.Token);
        try
        {
            var me = await client.ResultAsync("auth.me", cancellationToken: Ct);

            Assert.Equal("admin", me.GetProperty("role").GetString());
            Assert.True(!me.TryGetProperty("user", out var user) || user.ValueKind == JsonValueKind.Null);
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Fact]
    public async Task ConnectWithGatewayToken_ReturnsAdminAndNoUser()
    {
        await using var socket = await _gateway.AnonymousSocketAsync();

        var connected = await socket.ResultAsync("connect", Params(new { token = TestGateway.Token }), Ct);

        Assert.Equal("admin", connected.GetProperty("role").GetString());
        Assert.True(!connected.TryGetProperty("user", out var user) || user.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Refresh_RotatesTheRefreshToken_OldOneThenFails()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        using var anonymous = _gateway.Rpc(token: null);

        var next = await anonymous.ResultAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct);
        var newAccess = next.GetProperty("accessToken").GetString()!;
        var newRefresh = next.GetProperty("refreshToken").GetString()!;

        Assert.NotEqual(user.RefreshToken, newRefresh);
        using var withNew = _gateway.Rpc(newAccess);
        Assert.Equal(user.Id, (await withNew.ResultAsync("auth.me", cancellationToken: Ct)).GetProperty("user").GetProperty("id").GetString());
        var reused = await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct);
        Assert.Equal(-32001, reused.Code);
        Assert.Equal(401, anonymous.LastStatus);
    }

    [Fact]
    public async Task Refresh_ReuseOfSpentToken_RevokesTheFamilysNewestAccessToken()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        using var anonymous = _gateway.Rpc(token: null);
        var next = await anonymous.ResultAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct);
        using var withNewest = _gateway.Rpc(next.GetProperty("accessToken").GetString());
        _ = await withNewest.ResultAsync("auth.me", cancellationToken: Ct);

        _ = await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct);

        var revoked = await withNewest.ErrorAsync("auth.me", cancellationToken: Ct);
        Assert.Equal(-32001, revoked.Code);
        Assert.Equal(401, withNewest.LastStatus);
        var newestRefresh = await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = next.GetProperty("refreshToken").GetString() }), Ct);
        Assert.Equal(-32001, newestRefresh.Code);
    }

    [Fact]
    public async Task Logout_RevokesAccessAndRefreshTokens()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        using var client = _gateway.Rpc(user.AccessToken);

        _ = await client.ResultAsync("auth.logout", Params(new { refreshToken = user.RefreshToken }), Ct);

        Assert.Equal(-32001, (await client.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
        using var anonymous = _gateway.Rpc(token: null);
        Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct)).Code);
    }

    [Fact]
    public async Task Demotion_AppliesToTheNextCallOfAnExistingAccessToken()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "admin");
        using var client = _gateway.Rpc(user.AccessToken);
        _ = await client.ResultAsync("users.list", cancellationToken: Ct);
        using var gatewayAdmin = _gateway.Rpc();

        _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, role = "viewer" }), Ct);

        var refused = await client.ErrorAsync("users.list", cancellationToken: Ct);
        Assert.Equal(-32002, refused.Code);
        Assert.Contains("you have viewer", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demotion_AppliesToTheNextCallOfAnAlreadyConnectedSocket()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "admin");
        await using var socket = await _gateway.ConnectedSocketAsync(user.AccessToken);
        _ = await socket.ResultAsync("users.list", cancellationToken: Ct);
        using var gatewayAdmin = _gateway.Rpc();

        _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, role = "viewer" }), Ct);

        var refused = await socket.ErrorAsync("users.list", cancellationToken: Ct);
        Assert.Equal(-32002, refused.Code);
        Assert.Contains("you have viewer", refused.Message, StringComparison.Ordinal);
        Assert.Equal("viewer", (await socket.ResultAsync("auth.me", cancellationToken: Ct)).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Demotion_AppliesToASocketAuthenticatedByHeader()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "admin");
        await using var socket = await WebSocketRpcTestClient.ConnectAsync(_gateway.Address, user.AccessToken, Ct);
        _ = await socket.ResultAsync("users.list", cancellationToken: Ct);
        using var gatewayAdmin = _gateway.Rpc();

        _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, role = "operator" }), Ct);

        Assert.Equal(-32002, (await socket.ErrorAsync("users.list", cancellationToken: Ct)).Code);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Deactivation_LocksTheUserOut(string transport)
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "operator");
        var client = await ClientAsync(transport, user.AccessToken);
        try
        {
            _ = await client.ResultAsync("auth.me", cancellationToken: Ct);
            using var gatewayAdmin = _gateway.Rpc();

            _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, active = false }), Ct);

            Assert.Equal(-32001, (await client.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
            using var anonymous = _gateway.Rpc(token: null);
            Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.login", Params(new { username = "alice", password = AuthHarness.Password }), Ct)).Code);
            Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct)).Code);
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Logout_EndsTheRightsOfASocketSignedInWithThatFamily(string transport)
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        var client = await ClientAsync(transport, user.AccessToken);
        try
        {
            _ = await client.ResultAsync("auth.logout", Params(new { refreshToken = user.RefreshToken }), Ct);

            Assert.Equal(-32001, (await client.ErrorAsync("sessions.list", cancellationToken: Ct)).Code);

            if (transport == "ws")
            {
                // The socket stays open: [none] methods still work, and a connect with a fresh sign-in restores the rights.
                _ = await client.ResultAsync("system.version", cancellationToken: Ct);
                var again = await _gateway.LoginAsync(user.Id, user.Username);
                _ = await client.ResultAsync("connect", Params(new { token = again.AccessToken }), Ct);
                _ = await client.ResultAsync("sessions.list", cancellationToken: Ct);
            }
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task PasswordChange_SignsTheUserOutEverywhere_NewPasswordSignsIn(string transport)
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        var client = await ClientAsync(transport, user.AccessToken);
        try
        {
            using var gatewayAdmin = _gateway.Rpc();

            _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, password = "a brand new passphrase" }), Ct);

            Assert.Equal(-32001, (await client.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
            using var anonymous = _gateway.Rpc(token: null);
            Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct)).Code);
            Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.login", Params(new { username = "alice", password = AuthHarness.Password }), Ct)).Code);
            _ = await anonymous.ResultAsync("auth.login", Params(new { username = "alice", password = "a brand new passphrase" }), Ct);
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Fact]
    public async Task Reactivation_LetsTheUserSignInAgain()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        using var gatewayAdmin = _gateway.Rpc();
        _ = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, active = false }), Ct);

        var updated = await gatewayAdmin.ResultAsync("users.update", Params(new { id = user.Id, active = true }), Ct);

        Assert.True(updated.GetProperty("user").GetProperty("active").GetBoolean());
        var again = await _gateway.LoginAsync(user.Id, user.Username);
        using var client = _gateway.Rpc(again.AccessToken);
        _ = await client.ResultAsync("auth.me", cancellationToken: Ct);
        using var old = _gateway.Rpc(user.AccessToken);
        Assert.Equal(-32001, (await old.ErrorAsync("auth.me", cancellationToken: Ct)).Code); // deactivation revoked the old family
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DeletedUser_TokenStopsWorking(string transport)
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        var client = await ClientAsync(transport, user.AccessToken);
        try
        {
            using var gatewayAdmin = _gateway.Rpc();

            _ = await gatewayAdmin.ResultAsync("users.delete", Params(new { id = user.Id }), Ct);

            Assert.Equal(-32001, (await client.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
            var list = await gatewayAdmin.ResultAsync("users.list", cancellationToken: Ct);
            Assert.DoesNotContain(list.GetProperty("users").EnumerateArray(), u => u.GetProperty("id").GetString() == user.Id);
        }
        finally
        {
            await DisposeAsync(client);
        }
    }

    [Fact]
    public async Task DeletedUser_SubscribedSocket_GetsNoMoreEvents()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        await using var revoked = await _gateway.ConnectedSocketAsync(user.AccessToken);
        await using var control = await _gateway.RpcSocketAsync(Ct);
        _ = await revoked.ResultAsync("events.subscribe", Params(new { topics = new[] { "sessions" } }), Ct);
        _ = await control.ResultAsync("events.subscribe", Params(new { topics = new[] { "sessions" } }), Ct);
        using var gatewayAdmin = _gateway.Rpc();
        _ = await gatewayAdmin.ResultAsync("users.delete", Params(new { id = user.Id }), Ct);

        _ = await gatewayAdmin.ResultAsync("sessions.create", "{}", Ct);

        // The control socket got the event; a reply on the revoked socket comes after anything pushed to it before.
        _ = await control.NextNotificationAsync(Ct);
        _ = await revoked.ResultAsync("system.version", cancellationToken: Ct);
        Assert.False(revoked.TryTakeNotification(out var leaked), $"a deleted user's socket still got an event: {leaked}");
        Assert.Equal(1, _gateway.Service<OpenClaw.Gateway.Events.EventHub>().SubscriberCount);
    }

    [Fact]
    public async Task AccessTokenExpiry_EndsItsRightsOverHttpAndOnAnOpenSocket()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await TestGatewayAuth.StartAsync(time: time);
        var user = await gateway.CreateAndLoginAsync("alice", "viewer");
        using var http = gateway.Rpc(user.AccessToken);
        await using var socket = await gateway.ConnectedSocketAsync(user.AccessToken);
        _ = await http.ResultAsync("auth.me", cancellationToken: Ct);
        _ = await socket.ResultAsync("auth.me", cancellationToken: Ct);

        time.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(-32001, (await http.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
        Assert.Equal(-32001, (await socket.ErrorAsync("auth.me", cancellationToken: Ct)).Code);

        // The refresh token still buys a new pair, and connect with it restores the socket.
        using var anonymous = gateway.Rpc(token: null);
        var next = await anonymous.ResultAsync("auth.refresh", Params(new { refreshToken = user.RefreshToken }), Ct);
        _ = await socket.ResultAsync("connect", Params(new { token = next.GetProperty("accessToken").GetString() }), Ct);
        _ = await socket.ResultAsync("auth.me", cancellationToken: Ct);
    }

    [Fact]
    public async Task CreateUser_DuplicateUsernameInAnyCase_IsConflict()
    {
        _ = await _gateway.CreateUserAsync("alice", "viewer");
        using var admin = _gateway.Rpc();

        var error = await admin.ErrorAsync("users.create", Params(new { username = "ALICE", password = AuthHarness.Password, role = "viewer" }), Ct);

        Assert.Equal(-32005, error.Code);
        Assert.Contains("taken", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("root")]
    [InlineData("Admin")]
    public async Task CreateUser_RoleThatIsNoUserRole_IsInvalidParamsNamingRole(string role)
    {
        using var admin = _gateway.Rpc();

        var error = await admin.ErrorAsync("users.create", Params(new { username = "alice", password = AuthHarness.Password, role }), Ct);

        Assert.Equal(-32602, error.Code);
        Assert.Equal("role", error.Field);
        Assert.Contains("role", error.Message, StringComparison.Ordinal);
        var list = await admin.ResultAsync("users.list", cancellationToken: Ct);
        Assert.Empty(list.GetProperty("users").EnumerateArray());
    }

    [Theory]
    [InlineData("has space", "correct horse battery staple", "username")]
    [InlineData("alice", "short", "password")]
    public async Task CreateUser_InvalidField_IsInvalidParamsNamingTheField(string username, string password, string field)
    {
        using var admin = _gateway.Rpc();

        var error = await admin.ErrorAsync("users.create", Params(new { username, password, role = "viewer" }), Ct);

        Assert.Equal(-32602, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("users.update", """{"id":"aaaaaaaaaaaa","role":"viewer"}""")]
    [InlineData("users.delete", """{"id":"aaaaaaaaaaaa"}""")]
    public async Task UnknownUser_UpdateOrDelete_IsNotFound(string method, string parameters)
    {
        using var admin = _gateway.Rpc();

        var error = await admin.ErrorAsync(method, parameters, Ct);

        Assert.Equal(-32003, error.Code);
    }

    [Fact]
    public async Task UsersList_NeverCarriesPasswordHashes()
    {
        _ = await _gateway.CreateUserAsync("alice", "viewer");
        using var admin = _gateway.Rpc();

        var list = await admin.ResultAsync("users.list", cancellationToken: Ct);

        Assert.Single(list.GetProperty("users").EnumerateArray());
        Assert.DoesNotContain("argon2", list.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", list.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }
}
