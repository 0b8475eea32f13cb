using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using OpenClaw.Gateway.Tests.Rpc;
using static OpenClaw.Gateway.Tests.Rpc.TestGatewayAuth;

namespace OpenClaw.Gateway.Tests.Auth;

/// <summary>
/// The request rate per principal and the failed-authentication limit per address, as clients meet them over
/// <c>POST /rpc</c> and <c>/ws</c> (from 127.0.0.1: loopback is not exempt).
/// </summary>
public sealed class AuthLimitsRpcTests
{
    private const string VersionRequest = """{"jsonrpc":"2.0","id":1,"method":"system.version"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RpcTestError ErrorOf(string body)
    {
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        return new RpcTestError(
            error.GetProperty("code").GetInt32(),
            error.GetProperty("message").GetString()!,
            error.TryGetProperty("data", out var data) ? data.Clone() : null);
    }

    private static int RetryAfterSeconds(RpcTestError error) => error.Data!.Value.GetProperty("retryAfterSeconds").GetInt32();

    [Fact]
    public async Task RequestsPerMinute_SixthHttpCallOfAPrincipal_Is429WithRetryAfter_OtherPrincipalUnaffected()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 5, authFailuresPerMinute: 1000 } } }");
        var user = await gateway.CreateAndLoginAsync("alice", "viewer");
        for (var i = 0; i < 5; i++)
        {
            var (okStatus, _, _) = await gateway.PostAsync(VersionRequest, user.AccessToken);
            Assert.Equal(200, okStatus);
        }

        var (status, body, response) = await gateway.PostAsync(VersionRequest, user.AccessToken);

        Assert.Equal(429, status);
        var error = ErrorOf(body);
        Assert.Equal(-32004, error.Code);
        Assert.True(RetryAfterSeconds(error) >= 1, body);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        var (otherStatus, otherBody, _) = await gateway.PostAsync(VersionRequest, TestGateway.Token);
        Assert.Equal(200, otherStatus);
        Assert.Contains("\"result\"", otherBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsPerMinute_SixthSocketCallOfAPrincipal_IsRateLimited()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 5, authFailuresPerMinute: 1000 } } }");
        var user = await gateway.CreateAndLoginAsync("alice", "viewer");
        await using var socket = await gateway.ConnectedSocketAsync(user.AccessToken);
        for (var i = 0; i < 5; i++)
        {
            _ = await socket.ResultAsync("auth.me", cancellationToken: Ct);
        }

        var error = await socket.ErrorAsync("auth.me", cancellationToken: Ct);

        Assert.Equal(-32004, error.Code);
        Assert.True(RetryAfterSeconds(error) >= 1);
        using var other = gateway.Rpc();
        _ = await other.ResultAsync("auth.me", cancellationToken: Ct);
    }

    [Fact]
    public async Task AuthFailures_OverLimitFromAnAddress_RefuseEvenTheRightCredentialEverywhere()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 100000, authFailuresPerMinute: 3 } } }");
        _ = await gateway.CreateUserAsync("alice", "viewer");
        for (var i = 0; i < 3; i++)
        {
            var (wrongStatus, wrongBody, _) = await gateway.PostAsync(VersionRequest, "wrong-token-" + i);
            Assert.Equal(401, wrongStatus);
            Assert.Equal(-32001, ErrorOf(wrongBody).Code);
        }

        // The right gateway token over HTTP.
        var (status, body, response) = await gateway.PostAsync(VersionRequest, TestGateway.Token);
        Assert.Equal(429, status);
        Assert.Equal(-32004, ErrorOf(body).Code);
        Assert.True(RetryAfterSeconds(ErrorOf(body)) >= 1);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // A WebSocket upgrade with the right token in the header.
        using (var refused = new ClientWebSocket())
        {
            refused.Options.CollectHttpResponseDetails = true;
            refused.Options.SetRequestHeader("Authorization", "Bearer " + TestGateway.Token);
            var uri = new UriBuilder(gateway.Address) { Scheme = "ws", Path = "/ws" }.Uri;
            _ = await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(uri, Ct));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.HttpStatusCode);
        }

        // connect with the right token on a socket opened without one.
        await using (var socket = await gateway.AnonymousSocketAsync())
        {
            var connect = await socket.ErrorAsync("connect", Params(new { token = TestGateway.Token }), Ct);
            Assert.Equal(-32004, connect.Code);
            Assert.True(RetryAfterSeconds(connect) >= 1);
            Assert.Equal(-32004, (await socket.ErrorAsync("system.status", cancellationToken: Ct)).Code);
        }

        // auth.login with the right password.
        using var anonymous = gateway.Rpc(token: null);
        var login = await anonymous.ErrorAsync("auth.login", Params(new { username = "alice", password = AuthHarness.Password }), Ct);
        Assert.Equal(-32004, login.Code);
        Assert.Equal(429, anonymous.LastStatus);

        // What needs no credential still answers.
        _ = await anonymous.ResultAsync("system.version", cancellationToken: Ct);
    }

    [Fact]
    public async Task AuthFailures_ProtectedCallsWithoutCredential_CountAsFailures()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 100000, authFailuresPerMinute: 3 } } }");
        using var anonymous = gateway.Rpc(token: null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(-32001, (await anonymous.ErrorAsync("system.status", cancellationToken: Ct)).Code);
            Assert.Equal(401, anonymous.LastStatus);
        }

        var (status, body, _) = await gateway.PostAsync(VersionRequest, TestGateway.Token);

        Assert.Equal(429, status);
        Assert.Equal(-32004, ErrorOf(body).Code);
        Assert.Equal(-32004, (await anonymous.ErrorAsync("system.status", cancellationToken: Ct)).Code);
        Assert.Equal(429, anonymous.LastStatus);
    }

    [Fact]
    public async Task AuthFailures_CredentialsInAnotherScheme_CountAndAreRefusedWhileBlocked()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 100000, authFailuresPerMinute: 3 } } }");
        var uri = new UriBuilder(gateway.Address) { Scheme = "ws", Path = "/ws" }.Uri;

        // Two over HTTP, one on a WebSocket upgrade.
        for (var i = 0; i < 2; i++)
        {
            using var basic = new HttpRequestMessage(HttpMethod.Post, "/rpc") { Content = new StringContent(VersionRequest, System.Text.Encoding.UTF8, "application/json") };
            basic.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "YWxpY2U6cGFzc3dvcmQ=");
            using var answer = await gateway.Http.SendAsync(basic, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        using (var upgrade = new ClientWebSocket())
        {
            upgrade.Options.CollectHttpResponseDetails = true;
            upgrade.Options.SetRequestHeader("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ=");
            _ = await Assert.ThrowsAsync<WebSocketException>(() => upgrade.ConnectAsync(uri, Ct));
            Assert.Equal(HttpStatusCode.Unauthorized, upgrade.HttpStatusCode);
        }

        var (status, body, _) = await gateway.PostAsync(VersionRequest, TestGateway.Token);

        Assert.Equal(429, status);
        Assert.Equal(-32004, ErrorOf(body).Code);
        using var blocked = new ClientWebSocket();
        blocked.Options.CollectHttpResponseDetails = true;
        blocked.Options.SetRequestHeader("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ=");
        _ = await Assert.ThrowsAsync<WebSocketException>(() => blocked.ConnectAsync(uri, Ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.HttpStatusCode);
    }

    [Fact]
    public async Task AuthFailures_WrongConnectsAndWrongPasswords_CountTowardTheSameLimit()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 100000, authFailuresPerMinute: 3 } } }");
        _ = await gateway.CreateUserAsync("alice", "viewer");
        await using var socket = await gateway.AnonymousSocketAsync();
        using var anonymous = gateway.Rpc(token: null);

        Assert.Equal(-32001, (await socket.ErrorAsync("connect", Params(new { token = "wrong-1" }), Ct)).Code);
        Assert.Equal(-32001, (await socket.ErrorAsync("connect", Params(new { token = "wrong-2" }), Ct)).Code);
        Assert.Equal(-32001, (await anonymous.ErrorAsync("auth.login", Params(new { username = "alice", password = "not the password" }), Ct)).Code);

        Assert.Equal(-32004, (await socket.ErrorAsync("connect", Params(new { token = TestGateway.Token }), Ct)).Code);
        Assert.Equal(-32004, (await anonymous.ErrorAsync("auth.login", Params(new { username = "alice", password = AuthHarness.Password }), Ct)).Code);
    }
}
