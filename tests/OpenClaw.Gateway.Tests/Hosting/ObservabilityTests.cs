using OpenClaw.Gateway.Tests.Rpc;

namespace OpenClaw.Gateway.Tests.Hosting;

/// <summary>What an operator reads: request ids on every response, and metrics that move with what happened.</summary>
public sealed class ObservabilityTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/")]
    [InlineData("/no-such-page")]
    public async Task EveryResponse_CarriesARequestId(string path)
    {
        await using var gateway = await TestGateway.StartAsync();

        using var response = await gateway.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(Assert.Single(response.Headers.GetValues("X-Request-Id"))));
    }

    [Fact]
    public async Task Metrics_CountPushedEventsAndCalls()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(TestContext.Current.CancellationToken);
        await socket.ResultAsync("events.subscribe", """{"topics":["sessions"]}""", TestContext.Current.CancellationToken);
        using var http = gateway.Rpc();

        await http.ResultAsync("sessions.create", "{}", TestContext.Current.CancellationToken);
        await socket.NextNotificationAsync(TestContext.Current.CancellationToken);

        var metrics = await gateway.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("openclaw_events_pushed_total 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openclaw_rpc_requests_total{method=\"sessions.create\",outcome=\"ok\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openclaw_websockets_open 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openclaw_sessions_active 1", metrics, StringComparison.Ordinal);
    }
}
