using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// JSON-RPC over <c>POST /rpc</c> with a pooled HttpClient: closed loop (connections x in-flight workers, each sending
/// its next request when the last one is answered) or, with <c>--rate</c>, open loop at a fixed total rate.
/// </summary>
public sealed class GatewayHttpDriver : IDriver
{
    private const int MaxOutstanding = 100_000;

    /// <inheritdoc />
    public string Name => "gateway-http";

    /// <inheritdoc />
    public string Description => "JSON-RPC system.version over POST /rpc: --connections 16 --inflight 1 --duration 10 [--rate R] [--url --token]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var baseUrl = a.BaseUrl();
        var uri = new UriBuilder(baseUrl) { Path = a.String("path", "/rpc") }.Uri;
        var token = a.Token();
        var connections = a.Int("connections", 16, 1, 10_000);
        var inFlight = a.Int("inflight", 1, 1, 4096);
        var rate = a.Double("rate", 0, 0, 10_000_000);
        var warmup = TimeSpan.FromSeconds(a.Double("warmup", 2, 0, 600));
        var duration = TimeSpan.FromSeconds(a.Double("duration", 10, 0.1, 600));
        var codec = new JsonRpcCodec(a.String("method", "system.version"), a.String("params"));
        var goalRps = a.String("goal-rps") is null ? (double?)null : a.Double("goal-rps", 0, 0, 1e9);
        var goalP99 = a.String("goal-p99-ms") is null ? (double?)null : a.Double("goal-p99-ms", 0, 0, 1e6);
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var sender = new Sender(client, uri, codec);
        await sender.ProbeAsync();

        var start = Stopwatch.GetTimestamp();
        var measureStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureEnd = measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tally = new LoadTally(measureStart, measureEnd);
        using var stop = new CancellationTokenSource();
        Task work;
        if (rate <= 0)
        {
            work = Task.WhenAll(Enumerable.Range(0, connections * inFlight).Select(_ => Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < measureEnd && !stop.IsCancellationRequested)
                {
                    await sender.SendAsync(Stopwatch.GetTimestamp(), tally, stop.Token);
                }
            })));
        }
        else
        {
            work = Pacer.RunAsync(rate, start, measureEnd, (sequence, due) =>
            {
                if (sender.Outstanding >= MaxOutstanding)
                {
                    sender.Drop();
                    return;
                }

                tally.Sending(due);
                _ = sender.SendAsync(due, tally, stop.Token);
            });
        }

        var deadline = measureEnd + (5 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !(work.IsCompleted && sender.Outstanding == 0))
        {
            await Task.WhenAny(work, Task.Delay(10));
        }

        var unanswered = sender.Outstanding + sender.Dropped;
        await stop.CancelAsync();
        await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(2)));
        var result = tally.Result(unanswered);
        var shape = (rate > 0
                ? $"open loop at {DriverMain.F(rate)} req/s over at most {connections} connection(s), latency from each request's due time"
                : $"closed loop, {connections} connection(s), {connections * inFlight} concurrent request(s)")
            + $", POST {uri}, {DriverMain.F(duration.TotalSeconds, "N1")} s measured after {DriverMain.F(warmup.TotalSeconds, "N1")} s warm-up";
        result.Print(Name, shape, record);
        if (result.Failure is not null)
        {
            return 2;
        }

        return DriverMain.Goal(Name, "throughput", result.Throughput, "req/s", goalRps, higherIsBetter: true, "N0")
            | DriverMain.Goal(Name, "p99", result.Latency.PercentileMs(99), "ms", goalP99, higherIsBetter: false, "N3")
            | (result.Errors > 0 || result.Unanswered > 0 ? 1 : 0);
    });

    private sealed class Sender(HttpClient client, Uri uri, IFrameCodec codec)
    {
        private long _nextId;
        private long _outstanding;
        private long _dropped;

        public long Outstanding => Volatile.Read(ref _outstanding);

        public long Dropped => Volatile.Read(ref _dropped);

        public void Drop() => Interlocked.Increment(ref _dropped);

        public async Task ProbeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                var (status, body, ok) = await PostAsync(Interlocked.Increment(ref _nextId), timeout.Token);
                if (!ok)
                {
                    var hint = status switch
                    {
                        HttpStatusCode.NotFound => " (is POST /rpc implemented in this build?)",
                        HttpStatusCode.Unauthorized => " (pass the gateway token with --token or OPENCLAW_GATEWAY_TOKEN)",
                        HttpStatusCode.TooManyRequests => " (rate limited: raise gateway.limits.requestsPerMinute in the bench config)",
                        _ => "",
                    };
                    throw new BenchException($"the first request to {uri} failed: HTTP {(int)status} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 400)))}{hint}");
                }
            }
            catch (HttpRequestException ex)
            {
                throw new BenchException($"cannot reach {uri}: {ex.GetBaseException().Message} (is the gateway running? bench/run-gateway.sh starts one)");
            }
            catch (OperationCanceledException)
            {
                throw new BenchException($"no answer from {uri} within 5 s to the first request");
            }
        }

        public async Task SendAsync(long start, LoadTally tally, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _outstanding);
            try
            {
                var (status, body, ok) = await PostAsync(Interlocked.Increment(ref _nextId), cancellationToken);
                var now = Stopwatch.GetTimestamp();
                tally.Reply(ok, start, now, ok ? default : Encoding.UTF8.GetBytes($"HTTP {(int)status} ").Concat(body).ToArray());
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                tally.Fail($"a request failed during the run: {ex.GetBaseException().Message}");
                tally.Reply(false, start, Stopwatch.GetTimestamp(), Encoding.UTF8.GetBytes(ex.GetBaseException().Message));
            }
            finally
            {
                Interlocked.Decrement(ref _outstanding);
            }
        }

        private async Task<(HttpStatusCode Status, byte[] Body, bool Ok)> PostAsync(long id, CancellationToken cancellationToken)
        {
            var buffer = new byte[512];
            var length = codec.WriteRequest(buffer, id);
            using var content = new ByteArrayContent(buffer, 0, length);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(uri, content, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (response.StatusCode, body, false);
            }

            var kind = codec.ReadReply(body, out var replyId);
            return (response.StatusCode, body, kind == ReplyKind.Ok && replyId == id);
        }
    }
}
