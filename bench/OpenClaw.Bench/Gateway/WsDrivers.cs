using System.Globalization;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// JSON-RPC over N WebSockets to <c>GET /ws</c>: closed loop (K requests in flight per socket) or, with
/// <c>--rate</c>, open loop at a fixed total rate with latency from each request's due time.
/// </summary>
public sealed class GatewayWsDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "gateway-ws";

    /// <inheritdoc />
    public string Description => "JSON-RPC system.version over /ws: --connections 16 --inflight 8 --duration 10 [--rate R] [--url --token]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var baseUrl = a.BaseUrl();
        var options = new WsLoadOptions(
            new UriBuilder(baseUrl) { Scheme = "ws", Path = a.String("path", "/ws") }.Uri,
            a.Token(),
            a.Int("connections", 16, 1, 10_000),
            a.Int("inflight", 8, 1, 4096),
            a.Double("rate", 0, 0, 10_000_000),
            TimeSpan.FromSeconds(a.Double("warmup", 2, 0, 600)),
            TimeSpan.FromSeconds(a.Double("duration", 10, 0.1, 600)),
            CodecFactory(a.String("method", "system.version"), a.String("params")));
        var goalRps = a.String("goal-rps") is null ? (double?)null : a.Double("goal-rps", 0, 0, 1e9);
        var goalP99 = a.String("goal-p99-ms") is null ? (double?)null : a.Double("goal-p99-ms", 0, 0, 1e6);
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();

        var result = await WsLoad.RunAsync(options);
        result.Print(Name, Shape(options), record);
        if (result.Failure is not null)
        {
            return 2;
        }

        return DriverMain.Goal(Name, "throughput", result.Throughput, "req/s", goalRps, higherIsBetter: true, "N0")
            | DriverMain.Goal(Name, "p99", result.Latency.PercentileMs(99), "ms", goalP99, higherIsBetter: false, "N3")
            | (result.Errors > 0 || result.Unanswered > 0 ? 1 : 0);
    });

    internal static Func<IFrameCodec> CodecFactory(string method, string? paramsJson) => () => new JsonRpcCodec(method, paramsJson);

    internal static string Shape(WsLoadOptions o) =>
        (o.Rate > 0
            ? $"open loop at {DriverMain.F(o.Rate)} req/s spread over {o.Connections} socket(s), latency from each request's due time"
            : $"closed loop, {o.Connections} socket(s) x {o.InFlight} in flight")
        + $", {o.Uri}, {DriverMain.F(o.Duration.TotalSeconds, "N1")} s measured after {DriverMain.F(o.Warmup.TotalSeconds, "N1")} s warm-up";
}

/// <summary>The original OpenClaw's <c>health</c> call over its own WebSocket protocol (default: one socket, 32 in flight).</summary>
public sealed class PeerWsDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "peer-ws";

    /// <inheritdoc />
    public string Description => "original OpenClaw: health calls over one socket, 32 in flight: --port 18899 --token T [--connections --inflight --duration]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var port = a.Int("port", 18899, 1, 65535);
        var token = a.String("token", "peer-test-token");
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{port}/"));
        var method = a.String("method", "health");
        var options = new WsLoadOptions(
            uri,
            Token: null,
            a.Int("connections", 1, 1, 10_000),
            a.Int("inflight", 32, 1, 4096),
            a.Double("rate", 0, 0, 10_000_000),
            TimeSpan.FromSeconds(a.Double("warmup", 2, 0, 600)),
            TimeSpan.FromSeconds(a.Double("duration", 10, 0.1, 600)),
            () => new PeerCodec(method),
            (socket, cancellationToken) => PeerHandshake.ConnectAsync(socket, token, cancellationToken));
        var readyTimeout = TimeSpan.FromSeconds(a.Double("ready-timeout", 30, 1, 600));
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();

        await PeerHandshake.WaitReadyAsync(uri, token, readyTimeout);
        var result = await WsLoad.RunAsync(options);
        result.Print(Name, GatewayWsDriver.Shape(options) + $", method {method}", record);
        return result.Failure is not null ? 2 : 0;
    });
}
