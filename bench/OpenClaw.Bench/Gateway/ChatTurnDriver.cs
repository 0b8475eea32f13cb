using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// One chat turn through the gateway against a fake model (issue 5, "Measured"): over one WebSocket, sequential
/// (closed loop, one turn in flight) turns timed from sending <c>chat.send</c> to receiving the run's <c>done</c>, with
/// the time to the <c>chat.send</c> reply and to the first <c>delta</c>. Two shapes: every turn on one session (its
/// history grows, as in a conversation), and a fresh session per turn (<c>sessions.create</c> timed on its own).
/// With <c>--peer-port</c> the same turns go to the original OpenClaw over its own protocol, for a same-client check.
/// </summary>
public sealed class ChatTurnDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "chat-turn";

    /// <inheritdoc />
    public string Description => "chat.send to done over /ws against a fake model: --turns 200 --warmup 20 [--shape same|fresh|both] [--url --token | --peer-port P] [--serve-model PORT]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var peerPort = a.String("peer-port") is null ? (int?)null : a.Int("peer-port", 0, 1, 65535);
        var baseUrl = peerPort is null ? a.BaseUrl() : null;
        var token = peerPort is null ? a.Token() : a.String("token", "peer-test-token");
        var turns = a.Int("turns", 200, 1, 1_000_000);
        var warmup = a.Int("warmup", 20, 0, 1_000_000);
        var shape = a.String("shape", "both");
        var budget = TimeSpan.FromSeconds(a.Double("duration", 120, 1, 3600));
        var turnTimeout = TimeSpan.FromSeconds(a.Double("turn-timeout", 30, 0.1, 600));
        var message = a.String("message", "ping");
        var goalP50 = a.String("goal-p50-ms") is null ? (double?)null : a.Double("goal-p50-ms", 0, 0, 1e6);
        var servePort = a.String("serve-model") is null ? (int?)null : a.Int("serve-model", 0, 1, 65535);
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();
        if (shape is not ("same" or "fresh" or "both"))
        {
            throw new BenchException($"--shape must be same, fresh or both, not '{shape}'");
        }

        var target = peerPort is { } p ? $"the original OpenClaw at ws://127.0.0.1:{p}/" : $"{new UriBuilder(baseUrl!) { Scheme = "ws", Path = "/ws" }.Uri}";
        var exit = 0;
        await using var model = servePort is { } sp ? await ChatTurnModel.StartAsync(sp) : null;
        foreach (var fresh in shape == "both" ? [false, true] : new[] { shape == "fresh" })
        {
            await using IChatClient client = peerPort is { } port
                ? await PeerChatClient.OpenAsync(port, token!, turnTimeout)
                : await OurChatClient.OpenAsync(baseUrl!, token, turnTimeout);
            var run = await RunShapeAsync(client, model, fresh, turns, warmup, budget, message);
            var label = fresh ? "fresh" : "same";
            run.Print(Name, label, target, record);
            if (!fresh)
            {
                exit |= DriverMain.Goal(Name, "p50 chat.send -> done, one session", run.Done.Percentile(50), "ms", goalP50, higherIsBetter: false, "N2");
            }
        }

        return exit;
    });

    private static async Task<ShapeResult> RunShapeAsync(IChatClient client, ChatTurnModel? model, bool fresh, int turns, int warmup, TimeSpan budget, string message)
    {
        var result = new ShapeResult(fresh, warmup, model is not null);
        var clock = Stopwatch.StartNew();
        var session = fresh ? null : await client.NewSessionAsync(0);
        for (var i = 0; i < warmup + turns; i++)
        {
            if (clock.Elapsed > budget)
            {
                result.Truncated = true;
                break;
            }

            var key = session;
            if (key is null)
            {
                var created = Stopwatch.GetTimestamp();
                key = await client.NewSessionAsync(i + 1);
                if (i >= warmup)
                {
                    result.Create.Add(Stopwatch.GetElapsedTime(created).TotalMilliseconds);
                }
            }

            model?.Drain();
            var turn = await client.TurnAsync(key, $"{message} {i}");
            var calls = model?.Drain();
            if (i < warmup)
            {
                result.LastWarmupReply ??= turn.Reply;
                continue;
            }

            result.Ack.Add(turn.AckMs);
            result.FirstDelta.Add(turn.FirstDeltaMs);
            result.Done.Add(turn.DoneMs);
            result.Reply ??= turn.Reply;
            if (calls is [var call])
            {
                // One model call: split the turn at the model's request and at the end of its answer.
                result.BeforeModel.Add(Ms(turn.Start, call.Arrived));
                result.ModelServe.Add(Ms(call.Arrived, call.Served));
                result.AfterModelFirstDelta.Add(turn.FirstDeltaMs - Ms(turn.Start, call.Served));
                result.AfterModel.Add(turn.DoneMs - Ms(turn.Start, call.Served));
                result.LastCall = call;
            }
            else if (calls is not null)
            {
                result.OddCalls++;
            }
        }

        result.Seconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>The timings of one turn, in milliseconds from <see cref="Start"/> (sending <c>chat.send</c>); NaN when the turn had no delta.</summary>
    internal readonly record struct TurnTiming(long Start, double AckMs, double FirstDeltaMs, double DoneMs, string Reply);

    /// <summary>A chat client over one WebSocket: our JSON-RPC protocol, or the original OpenClaw's.</summary>
    internal interface IChatClient : IAsyncDisposable
    {
        /// <summary>Starts a new session; returns its key.</summary>
        Task<string> NewSessionAsync(int index);

        /// <summary>Sends one message and waits for its run to end.</summary>
        Task<TurnTiming> TurnAsync(string sessionKey, string message);
    }

    /// <summary>Samples in milliseconds, with nearest-rank percentiles.</summary>
    internal sealed class Samples
    {
        private readonly List<double> _values = [];

        public int Count => _values.Count;

        public void Add(double value)
        {
            if (!double.IsNaN(value))
            {
                _values.Add(value);
            }
        }

        public double Percentile(double percentile) => Percentile(_values, percentile);

        /// <summary>The p50 of each quarter of the samples, in the order they were taken.</summary>
        public string QuarterMedians()
        {
            var quarter = _values.Count / 4;
            return quarter == 0
                ? "-"
                : string.Join(" / ", Enumerable.Range(0, 4).Select(q => F(Percentile(_values.GetRange(q * quarter, quarter), 50))));
        }

        private static double Percentile(List<double> values, double percentile)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = values.Order().ToArray();
            var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
            return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
        }

        public double Max => _values.Count == 0 ? double.NaN : _values.Max();

        public double Mean => _values.Count == 0 ? double.NaN : _values.Average();

        public string Summary() =>
            $"p50 {F(Percentile(50))} ms, p90 {F(Percentile(90))} ms, p99 {F(Percentile(99))} ms, max {F(Max)} ms, mean {F(Mean)} ms";

        public static string F(double value) => double.IsNaN(value) ? "-" : value.ToString("N3", CultureInfo.InvariantCulture);

        public static string J(double value) => double.IsNaN(value) ? "null" : value.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private sealed class ShapeResult(bool fresh, int warmup, bool phases)
    {
        public Samples BeforeModel { get; } = new();

        public Samples ModelServe { get; } = new();

        public Samples AfterModelFirstDelta { get; } = new();

        public Samples AfterModel { get; } = new();

        public ChatTurnModel.Call? LastCall { get; set; }

        public int OddCalls { get; set; }

        public Samples Ack { get; } = new();

        public Samples FirstDelta { get; } = new();

        public Samples Done { get; } = new();

        public Samples Create { get; } = new();

        public string? Reply { get; set; }

        public string? LastWarmupReply { get; set; }

        public bool Truncated { get; set; }

        public double Seconds { get; set; }

        public void Print(string name, string label, string target, ResultRecord record)
        {
            var shape = fresh ? "a fresh session per turn (sessions.create, then one turn)" : "every turn on one session";
            Console.WriteLine($"{name}: {target}, {shape}: {Done.Count} turns measured after {warmup} warm-up, closed loop, "
                + $"{Samples.F(Seconds)} s{(Truncated ? " (stopped early: --duration reached)" : "")}");
            Console.WriteLine($"{name}:   chat.send -> done         {Done.Summary()}");
            Console.WriteLine($"{name}:   chat.send -> first delta  {FirstDelta.Summary()} ({FirstDelta.Count} turns had a delta)");
            Console.WriteLine($"{name}:   chat.send -> its reply    {Ack.Summary()}");
            if (fresh)
            {
                Console.WriteLine($"{name}:   sessions.create           {Create.Summary()}");
            }

            if (phases)
            {
                Console.WriteLine($"{name}:   where a turn goes (the fake model in this process stamps each request on the same clock):");
                Console.WriteLine($"{name}:     chat.send -> the model's request arrives   {BeforeModel.Summary()}");
                Console.WriteLine($"{name}:     the model answers (request read, written)  {ModelServe.Summary()}");
                Console.WriteLine($"{name}:     answer written -> first delta at client    {AfterModelFirstDelta.Summary()}");
                Console.WriteLine($"{name}:     answer written -> done at client           {AfterModel.Summary()}");
                if (LastCall is { } c)
                {
                    Console.WriteLine($"{name}:     the last model request: {c.Bytes} bytes, {c.Messages} messages, {c.Tools} tools, stream {c.Stream.ToString().ToLowerInvariant()}");
                }

                if (OddCalls > 0)
                {
                    Console.WriteLine($"{name}:     {OddCalls} turns made other than one model call (left out of the split)");
                }

                record.Add(label + ".before_model_p50_ms", BeforeModel.Percentile(50));
                record.Add(label + ".after_model_p50_ms", AfterModel.Percentile(50));
            }

            Console.WriteLine($"{name}:   p50 by quarter of the run: done {Done.QuarterMedians()} ms"
                + (phases ? $"; before the model {BeforeModel.QuarterMedians()} ms; after it {AfterModel.QuarterMedians()} ms" : ""));
            Console.WriteLine($"{name}:   the model's reply: {JsonSerializer.Serialize(Reply ?? LastWarmupReply ?? "")}");
            Console.WriteLine("{\"driver\":\"chat-turn\",\"shape\":\"" + label + "\",\"turns\":" + Done.Count + ",\"warmup\":" + warmup
                + ",\"p50_ms\":" + Samples.J(Done.Percentile(50)) + ",\"p90_ms\":" + Samples.J(Done.Percentile(90))
                + ",\"p99_ms\":" + Samples.J(Done.Percentile(99)) + ",\"max_ms\":" + Samples.J(Done.Max)
                + ",\"first_delta_p50_ms\":" + Samples.J(FirstDelta.Percentile(50)) + ",\"ack_p50_ms\":" + Samples.J(Ack.Percentile(50))
                + (fresh ? ",\"create_p50_ms\":" + Samples.J(Create.Percentile(50)) : "") + "}");
            record.Add(label + ".p50_ms", Done.Percentile(50));
            record.Add(label + ".p90_ms", Done.Percentile(90));
            record.Add(label + ".p99_ms", Done.Percentile(99));
            record.Add(label + ".max_ms", Done.Max);
            record.Add(label + ".first_delta_p50_ms", FirstDelta.Percentile(50));
            record.Add(label + ".ack_p50_ms", Ack.Percentile(50));
            record.Add(label + ".turns", Done.Count);
            if (fresh)
            {
                record.Add(label + ".create_p50_ms", Create.Percentile(50));
            }
        }
    }

    /// <summary>One WebSocket, one message at a time: receive whole messages, stamped when they arrive.</summary>
    private abstract class SocketClient(ClientWebSocket socket, TimeSpan turnTimeout) : IChatClient
    {
        private byte[] _buffer = new byte[64 * 1024];

        protected ClientWebSocket Socket => socket;

        public abstract Task<string> NewSessionAsync(int index);

        public abstract Task<TurnTiming> TurnAsync(string sessionKey, string message);

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server may already be gone; nothing to clean up.
            }

            socket.Dispose();
        }

        protected CancellationTokenSource TurnDeadline() => new(turnTimeout);

        protected Task SendAsync(string json, CancellationToken cancellationToken) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

        /// <summary>Receives one whole message and the <see cref="Stopwatch"/> timestamp at which it was complete.</summary>
        protected async Task<(JsonDocument Message, long At)> ReceiveAsync(CancellationToken cancellationToken)
        {
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    throw new BenchException($"no answer within the turn timeout ({turnTimeout.TotalSeconds:N0} s); is the fake model reachable from the gateway?");
                }

                var at = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new BenchException($"the server closed the WebSocket ({socket.CloseStatus} {socket.CloseStatusDescription})");
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    return (JsonDocument.Parse(_buffer.AsMemory(0, length)), at);
                }
            }
        }

        protected static string Text(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : "";

        protected static string Clip(string text) => text.Length <= 400 ? text : text[..400] + "…";
    }

    /// <summary>Our gateway: JSON-RPC over <c>GET /ws</c> with the bearer token; <c>chat.event</c> notifications.</summary>
    private sealed class OurChatClient(ClientWebSocket socket, TimeSpan turnTimeout) : SocketClient(socket, turnTimeout)
    {
        private long _nextId;

        public static async Task<OurChatClient> OpenAsync(Uri baseUrl, string? token, TimeSpan turnTimeout)
        {
            var uri = new UriBuilder(baseUrl) { Scheme = "ws", Path = "/ws" }.Uri;
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            socket.Options.CollectHttpResponseDetails = true;
            if (token is not null)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await socket.ConnectAsync(uri, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException)
            {
                var status = socket.HttpStatusCode;
                socket.Dispose();
                throw new BenchException($"cannot open {uri}: " + status switch
                {
                    HttpStatusCode.Unauthorized => "the server answered 401: pass the gateway token with --token or OPENCLAW_GATEWAY_TOKEN",
                    HttpStatusCode.TooManyRequests => "the server answered 429: rate limited (raise gateway.limits.requestsPerMinute)",
                    0 => ex.GetBaseException().Message + " (is the gateway running? bench/run-chat.sh starts one)",
                    _ => $"the server answered HTTP {(int)status} instead of switching protocols",
                });
            }

            return new OurChatClient(socket, turnTimeout);
        }

        public override async Task<string> NewSessionAsync(int index)
        {
            using var deadline = TurnDeadline();
            var result = await CallAsync("sessions.create", "{}", deadline.Token);
            return Text(result, "sessionKey");
        }

        public override async Task<TurnTiming> TurnAsync(string sessionKey, string message)
        {
            using var deadline = TurnDeadline();
            var id = ++_nextId;
            var request = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"chat.send\",\"params\":{\"sessionKey\":"
                + JsonSerializer.Serialize(sessionKey) + ",\"message\":" + JsonSerializer.Serialize(message) + "}}";
            var start = Stopwatch.GetTimestamp();
            await SendAsync(request, deadline.Token);

            string? runId = null;
            double ack = double.NaN, firstDelta = double.NaN;
            var early = new List<(string RunId, string Kind, long At, string Reply)>(); // events that beat the chat.send reply
            while (true)
            {
                var (doc, at) = await ReceiveAsync(deadline.Token);
                using (doc)
                {
                    var root = doc.RootElement;
                    if (root.TryGetProperty("id", out var rid) && rid.ValueKind == JsonValueKind.Number && rid.GetInt64() == id)
                    {
                        if (root.TryGetProperty("error", out var error))
                        {
                            throw new BenchException("chat.send failed: " + Clip(error.GetRawText()));
                        }

                        runId = Text(root.GetProperty("result"), "runId");
                        ack = Ms(start, at);
                        foreach (var e in early.Where(e => e.RunId == runId))
                        {
                            if (Step(e.Kind, e.At, e.Reply) is { } timing)
                            {
                                return timing;
                            }
                        }

                        continue;
                    }

                    if (Text(root, "method") != "chat.event")
                    {
                        continue;
                    }

                    var p = root.GetProperty("params");
                    var kind = Text(p, "kind");
                    var reply = kind == "error" ? Clip(p.GetRawText()) : Text(p, "reply");
                    if (runId is null)
                    {
                        early.Add((Text(p, "runId"), kind, at, reply));
                    }
                    else if (Text(p, "runId") == runId && Step(kind, at, reply) is { } timing)
                    {
                        return timing;
                    }
                }
            }

            TurnTiming? Step(string kind, long at, string reply)
            {
                switch (kind)
                {
                    case "delta":
                        if (double.IsNaN(firstDelta))
                        {
                            firstDelta = Ms(start, at);
                        }

                        return null;
                    case "done":
                        return new TurnTiming(start, ack, firstDelta, Ms(start, at), reply);
                    case "error":
                        throw new BenchException("the run failed: " + reply);
                    default:
                        return null;
                }
            }
        }

        private async Task<JsonElement> CallAsync(string method, string paramsJson, CancellationToken cancellationToken)
        {
            var id = ++_nextId;
            await SendAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", cancellationToken);
            while (true)
            {
                var (doc, _) = await ReceiveAsync(cancellationToken);
                using (doc)
                {
                    var root = doc.RootElement;
                    if (root.TryGetProperty("id", out var rid) && rid.ValueKind == JsonValueKind.Number && rid.GetInt64() == id)
                    {
                        if (root.TryGetProperty("error", out var error))
                        {
                            throw new BenchException($"{method} failed: {Clip(error.GetRawText())}");
                        }

                        return root.GetProperty("result").Clone();
                    }
                }
            }
        }
    }

    /// <summary>
    /// The original OpenClaw (peers/openclaw/chat-probe.mjs): connect handshake, <c>sessions.messages.subscribe</c>,
    /// <c>chat.send {sessionKey, message, idempotencyKey}</c>, then <c>chat</c> events with <c>state</c> delta/final.
    /// </summary>
    private sealed class PeerChatClient(ClientWebSocket socket, TimeSpan turnTimeout) : SocketClient(socket, turnTimeout)
    {
        private readonly string _run = Guid.NewGuid().ToString("N")[..8];
        private long _nextId;

        public static async Task<PeerChatClient> OpenAsync(int port, string token, TimeSpan turnTimeout)
        {
            var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{port}/"));
            await PeerHandshake.WaitReadyAsync(uri, token, TimeSpan.FromSeconds(30));
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(uri, timeout.Token);
            await PeerHandshake.ConnectAsync(socket, token, timeout.Token);
            return new PeerChatClient(socket, turnTimeout);
        }

        public override async Task<string> NewSessionAsync(int index)
        {
            // The original makes a session on first use of its key (a new one per driver run, so the session's history
            // starts empty as ours does); subscribing is what makes its chat events reach us.
            var key = $"agent:main:bench-{_run}-{index}";
            using var deadline = TurnDeadline();
            var reply = await CallAsync("sessions.messages.subscribe", "{\"key\":" + JsonSerializer.Serialize(key) + "}", deadline.Token);
            if (!reply.Ok)
            {
                await Console.Error.WriteLineAsync("chat-turn: the peer refused sessions.messages.subscribe: " + Clip(reply.Raw));
            }

            return key;
        }

        public override async Task<TurnTiming> TurnAsync(string sessionKey, string message)
        {
            using var deadline = TurnDeadline();
            var id = "t" + ++_nextId;
            var request = "{\"type\":\"req\",\"id\":\"" + id + "\",\"method\":\"chat.send\",\"params\":{\"sessionKey\":" + JsonSerializer.Serialize(sessionKey)
                + ",\"message\":" + JsonSerializer.Serialize(message) + ",\"idempotencyKey\":\"bench-" + _run + "-" + id + "\"}}";
            var start = Stopwatch.GetTimestamp();
            await SendAsync(request, deadline.Token);
            double ack = double.NaN, firstDelta = double.NaN;
            while (true)
            {
                var (doc, at) = await ReceiveAsync(deadline.Token);
                using (doc)
                {
                    var root = doc.RootElement;
                    var type = Text(root, "type");
                    if (type == "res" && Text(root, "id") == id)
                    {
                        if (!(root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True))
                        {
                            throw new BenchException("chat.send failed: " + Clip(root.GetRawText()));
                        }

                        ack = Ms(start, at);
                        continue;
                    }

                    if (type != "event" || Text(root, "event") != "chat" || !root.TryGetProperty("payload", out var payload))
                    {
                        continue;
                    }

                    var key = Text(payload, "sessionKey");
                    if (key.Length > 0 && !key.EndsWith(sessionKey, StringComparison.Ordinal) && !sessionKey.EndsWith(key, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    switch (Text(payload, "state"))
                    {
                        case "delta":
                            if (double.IsNaN(firstDelta))
                            {
                                firstDelta = Ms(start, at);
                            }

                            break;
                        case "final":
                            return new TurnTiming(start, ack, firstDelta, Ms(start, at), payload.TryGetProperty("message", out var m) ? Clip(m.GetRawText()) : "");
                        case "error" or "aborted":
                            throw new BenchException("the peer's run failed: " + Clip(payload.GetRawText()));
                        default:
                            break;
                    }
                }
            }
        }

        private async Task<(bool Ok, string Raw)> CallAsync(string method, string paramsJson, CancellationToken cancellationToken)
        {
            var id = "s" + ++_nextId;
            await SendAsync("{\"type\":\"req\",\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", cancellationToken);
            while (true)
            {
                var (doc, _) = await ReceiveAsync(cancellationToken);
                using (doc)
                {
                    if (Text(doc.RootElement, "type") == "res" && Text(doc.RootElement, "id") == id)
                    {
                        return (doc.RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True, doc.RootElement.GetRawText());
                    }
                }
            }
        }
    }
}
