using static OpenClaw.Gateway.Tests.Rpc.TestGatewayAuth;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>A WebSocket opened without a header credential, authenticating with a first <c>connect {token}</c>.</summary>
public sealed class WebSocketConnectTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await TestGatewayAuth.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_WrongToken_IsUnauthenticatedAndTheSocketStaysAnonymous()
    {
        await using var socket = await _gateway.AnonymousSocketAsync();

        var error = await socket.ErrorAsync("connect", Params(new { token = "not-the-token" }), Ct);

        Assert.Equal(-32001, error.Code);
        Assert.DoesNotContain("not-the-token", error.Message, StringComparison.Ordinal);
        Assert.Equal(-32001, (await socket.ErrorAsync("system.status", cancellationToken: Ct)).Code);
        Assert.Equal(-32001, (await socket.ErrorAsync("auth.me", cancellationToken: Ct)).Code);
        _ = await socket.ResultAsync("system.version", cancellationToken: Ct);
    }

    [Fact]
    public async Task Connect_RightTokenAfterAWrongOne_AuthenticatesTheSocket()
    {
        await using var socket = await _gateway.AnonymousSocketAsync();
        _ = await socket.ErrorAsync("connect", Params(new { token = "not-the-token" }), Ct);

        var connected = await socket.ResultAsync("connect", Params(new { token = TestGateway.Token }), Ct);

        Assert.Equal("admin", connected.GetProperty("role").GetString());
        _ = await socket.ResultAsync("system.status", cancellationToken: Ct);
        _ = await socket.ResultAsync("users.list", cancellationToken: Ct);
    }

    [Fact]
    public async Task Connect_WithUserToken_GivesTheUsersRoleNotMore()
    {
        var user = await _gateway.CreateAndLoginAsync("alice", "viewer");
        await using var socket = await _gateway.AnonymousSocketAsync();

        var connected = await socket.ResultAsync("connect", Params(new { token = user.AccessToken }), Ct);

        Assert.Equal("viewer", connected.GetProperty("role").GetString());
        Assert.Equal(user.Id, connected.GetProperty("user").GetProperty("id").GetString());
        _ = await socket.ResultAsync("sessions.list", cancellationToken: Ct);
        Assert.Equal(-32002, (await socket.ErrorAsync("sessions.create", "{}", Ct)).Code);
    }

    [Fact]
    public async Task Connect_MissingToken_IsInvalidParamsNamingToken()
    {
        await using var socket = await _gateway.AnonymousSocketAsync();

        var error = await socket.ErrorAsync("connect", "{}", Ct);

        Assert.Equal(-32602, error.Code);
        Assert.Equal("token", error.Field);
    }
}
