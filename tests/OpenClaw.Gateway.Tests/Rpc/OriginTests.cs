using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>Browser safety: only the gateway's own origin and the configured extra origins may use the API.</summary>
public sealed class OriginTests
{
    private const string Allowed = "https://claw.example.com";

    private static async Task<HttpStatusCode> UpgradeStatusAsync(TestGateway gateway, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + TestGateway.Token);
        try
        {
            await socket.ConnectAsync(new UriBuilder(gateway.Address) { Scheme = "ws", Path = "/ws" }.Uri, TestContext.Current.CancellationToken);
        }
        catch (WebSocketException)
        {
            // The status code says why.
        }

        return socket.HttpStatusCode;
    }

    [Fact]
    public async Task WebSocket_FromForeignOrigin_Is403()
    {
        await using var gateway = await TestGateway.StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(gateway, "https://evil.example"));
    }

    [Fact]
    public async Task WebSocket_FromNullOrigin_Is403()
    {
        await using var gateway = await TestGateway.StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(gateway, "null"));
    }

    [Fact]
    public async Task WebSocket_FromOwnOrigin_IsAccepted()
    {
        await using var gateway = await TestGateway.StartAsync();

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeStatusAsync(gateway, gateway.Address.GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public async Task WebSocket_FromConfiguredOrigin_IsAccepted()
    {
        await using var gateway = await TestGateway.StartAsync($$"""{ gateway: { cors: { allowedOrigins: ["{{Allowed}}"] } } }""");

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeStatusAsync(gateway, Allowed));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(gateway, "https://claw.example.com.evil.example"));
    }

    [Fact]
    public async Task Rpc_FromForeignOrigin_Is403AndRunsNothing()
    {
        await using var gateway = await TestGateway.StartAsync();

        var (status, body, _) = await gateway.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"system.version"}""", origin: "https://evil.example");

        Assert.Equal(403, status);
        Assert.DoesNotContain("openclaw", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rpc_FromConfiguredOrigin_GetsCorsHeaders()
    {
        await using var gateway = await TestGateway.StartAsync($$"""{ gateway: { cors: { allowedOrigins: ["{{Allowed}}"] } } }""");

        var (status, _, response) = await gateway.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"system.version"}""", origin: Allowed);

        Assert.Equal(200, status);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Preflight_FromConfiguredOrigin_AllowsPostWithAuthorization()
    {
        await using var gateway = await TestGateway.StartAsync($$"""{ gateway: { cors: { allowedOrigins: ["{{Allowed}}"] } } }""");
        using var request = new HttpRequestMessage(HttpMethod.Options, "/rpc");
        request.Headers.Add("Origin", Allowed);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("authorization", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_FromForeignOrigin_Is403()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/rpc");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Rpc_WithForeignHostHeader_OnLoopbackBind_Is403()
    {
        // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host and Origin of its own name.
        await using var gateway = await TestGateway.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rpc")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"system.version"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Host = "evil.example:" + gateway.Address.Port;
        request.Headers.Add("Origin", "http://evil.example:" + gateway.Address.Port);

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health")]
    [InlineData("/")]
    public async Task AnyRoute_WithForeignHostHeader_OnLoopbackBind_Is403(string path)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "evil.example:" + gateway.Address.Port;

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("openclaw_", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task AnyRoute_WithLoopbackHostHeader_IsServed(string host)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = host + ":" + gateway.Address.Port;

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
