using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace OpenClaw.Bench.Gateway;

/// <summary>How a WebSocket load run is shaped.</summary>
internal sealed record WsLoadOptions(
    Uri Uri,
    string? Token,
    int Connections,
    int InFlight,
    double Rate,
    TimeSpan Warmup,
    TimeSpan Duration,
    Func<IFrameCodec> Codec,
    Func<ClientWebSocket, CancellationToken, Task>? Handshake = null);

/// <summary>What a load run measured (only requests sent inside the measured window count).</summary>
internal sealed record LoadResult(
    long Completed,
    long Errors,
    long Unanswered,
    double Seconds,
    LatencyHistogram Latency,
    LatencyHistogram SendLag,
    string? FirstError,
    string? Failure)
{
    public double Throughput => Completed / Seconds;

    /// <summary>Prints the summary lines and records the numbers under <paramref name="record"/>.</summary>
    public void Print(string name, string shape, ResultRecord record)
    {
        Console.WriteLine($"{name}: {shape}");
        Console.WriteLine($"{name}: {DriverMain.F(Completed)} replies in {DriverMain.F(Seconds, "N1")} s = {DriverMain.F(Throughput)} req/s; "
            + $"latency p50 {Ms(50)} ms, p90 {Ms(90)} ms, p99 {Ms(99)} ms, p99.9 {Ms(99.9)} ms, max {DriverMain.F(Latency.MaxMs, "N2")} ms "
            + $"({DriverMain.F(Latency.Count)} samples); errors {DriverMain.F(Errors)}, unanswered {DriverMain.F(Unanswered)}");
        if (SendLag.Count > 0)
        {
            Console.WriteLine($"{name}: the client's own send delay after the due time (included above): p50 {DriverMain.F(SendLag.PercentileMs(50), "N3")} ms, "
                + $"p99 {DriverMain.F(SendLag.PercentileMs(99), "N3")} ms, max {DriverMain.F(SendLag.MaxMs, "N2")} ms");
            record.Add("sendlag_p99_ms", SendLag.PercentileMs(99));
        }

        if (FirstError is not null)
        {
            Console.WriteLine($"{name}: first error reply: {FirstError}");
        }

        if (Failure is not null)
        {
            Console.WriteLine($"{name}: FAILED: {Failure}");
        }

        record.Add("rps", Throughput);
        record.Add("p50_ms", Latency.PercentileMs(50));
        record.Add("p90_ms", Latency.PercentileMs(90));
        record.Add("p99_ms", Latency.PercentileMs(99));
        record.Add("max_ms", Latency.MaxMs);
        record.Add("errors", Errors);
        record.Add("unanswered", Unanswered);
    }

    private string Ms(double percentile) => DriverMain.F(Latency.PercentileMs(percentile), "N3");
}

/// <summary>Counts replies and latencies for the window [measureStart, measureEnd) shared by every connection.</summary>
internal sealed class LoadTally(long measureStart, long measureEnd)
{
    private long _completed;
    private long _errors;
    private string? _firstError;
    private string? _failure;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Open loop only: how late the client itself sent each request after its due time (client-side delay).</summary>
    public LatencyHistogram SendLag { get; } = new();

    public long MeasureStart => measureStart;

    public long MeasureEnd => measureEnd;

    public long Errors => Volatile.Read(ref _errors);

    public string? FirstError => Volatile.Read(ref _firstError);

    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Counts one reply to a request sent (or due) at <paramref name="start"/>, received at <paramref name="now"/>.</summary>
    public void Reply(bool ok, long start, long now, ReadOnlySpan<byte> message)
    {
        if (start >= measureStart && start < measureEnd)
        {
            Latency.Record(LatencyHistogram.ToNanoseconds(now - start));
            if (!ok)
            {
                Interlocked.Increment(ref _errors);
            }
        }

        if (!ok && _firstError is null)
        {
            Interlocked.CompareExchange(ref _firstError, Encoding.UTF8.GetString(message[..Math.Min(message.Length, 400)]), null);
        }

        if (now >= measureStart && now < measureEnd)
        {
            Interlocked.Increment(ref _completed);
        }
    }

    /// <summary>Records how late a request due at <paramref name="due"/> is being sent.</summary>
    public void Sending(long due)
    {
        if (due >= measureStart && due < measureEnd)
        {
            SendLag.Record(LatencyHistogram.ToNanoseconds(Stopwatch.GetTimestamp() - due));
        }
    }

    public void Fail(string message) => Interlocked.CompareExchange(ref _failure, message, null);

    public LoadResult Result(long unanswered) =>
        new(Volatile.Read(ref _completed), Errors, unanswered, Stopwatch.GetElapsedTime(measureStart, measureEnd).TotalSeconds, Latency, SendLag, FirstError, Failure);
}

/// <summary>
/// One WebSocket carrying numbered requests: a ring remembers each outstanding id's start time (the replies may come
/// in any order), so matching a reply costs no allocation and no lock.
/// </summary>
internal sealed class WsConnection : IDisposable
{
    private const int RingBits = 15;
    private const long RingMask = (1L << RingBits) - 1;

    private readonly ClientWebSocket _socket;
    private readonly IFrameCodec _codec;
    private readonly long[] _ids = new long[1 << RingBits];
    private readonly long[] _starts = new long[1 << RingBits];
    private readonly byte[] _sendBuffer = new byte[8192];
    private byte[] _receiveBuffer = new byte[64 * 1024];
    private long _nextId = 1;
    private long _outstanding;
    private bool _dead;

    private WsConnection(ClientWebSocket socket, IFrameCodec codec)
    {
        _socket = socket;
        _codec = codec;
        Array.Fill(_ids, -1);
    }

    public long Outstanding => Volatile.Read(ref _outstanding);

    public ClientWebSocket Socket => _socket;

    /// <summary>Opens the socket (with the bearer token when given) and runs the handshake; failures become one clear line.</summary>
    public static async Task<WsConnection> OpenAsync(WsLoadOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        if (options.Token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + options.Token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(options.Uri, timeout.Token);
            if (options.Handshake is not null)
            {
                await options.Handshake(socket, timeout.Token);
            }

            return new WsConnection(socket, options.Codec());
        }
        catch (PeerHandshake.RefusedException ex)
        {
            socket.Dispose();
            throw new BenchException($"cannot open {options.Uri}: {ex.Message}");
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            var hint = status switch
            {
                HttpStatusCode.NotFound => "the server answered 404: there is no WebSocket endpoint at that path (is /ws implemented in this build?)",
                HttpStatusCode.Unauthorized => "the server answered 401: pass the gateway token with --token or OPENCLAW_GATEWAY_TOKEN",
                HttpStatusCode.TooManyRequests => "the server answered 429: rate limited (raise gateway.limits in the bench config)",
                0 when ex is OperationCanceledException => "no answer within 10 s",
                0 => ex.GetBaseException().Message + " (is the gateway running? bench/run-gateway.sh starts one)",
                _ => $"the server answered HTTP {(int)status} instead of switching protocols",
            };
            throw new BenchException($"cannot open {options.Uri}: {hint}");
        }
    }

    /// <summary>Sends the next request, remembering <paramref name="start"/> as its start time.</summary>
    public ValueTask SendAsync(long start, CancellationToken cancellationToken)
    {
        var id = _nextId++;
        var slot = id & RingMask;
        _starts[slot] = start;
        Volatile.Write(ref _ids[slot], id);
        Interlocked.Increment(ref _outstanding);
        var length = _codec.WriteRequest(_sendBuffer, id);
        return _socket.SendAsync(_sendBuffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    /// <summary>Sends from the open-loop pacer thread, waiting if the socket cannot take the frame at once.</summary>
    public void SendFromPacer(long due, LoadTally tally)
    {
        if (_dead)
        {
            return;
        }

        try
        {
            tally.Sending(due);
            var send = SendAsync(due, CancellationToken.None);
            if (!send.IsCompletedSuccessfully)
            {
                send.AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            _dead = true;
            tally.Fail("a WebSocket send failed during the run: " + ex.Message);
        }
    }

    /// <summary>Receives until a reply to one of our requests arrives; returns it with its start time.</summary>
    public async ValueTask<(bool Ok, long Start, ReadOnlyMemory<byte> Message)> ReceiveReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveMessageAsync(cancellationToken);
            var kind = _codec.ReadReply(message.Span, out var id);
            if (kind == ReplyKind.None || id <= 0)
            {
                continue;
            }

            var slot = id & RingMask;
            if (Volatile.Read(ref _ids[slot]) != id)
            {
                continue; // a reply to an id the ring no longer holds (over 32,768 outstanding): not counted
            }

            _ids[slot] = -1;
            Interlocked.Decrement(ref _outstanding);
            return (kind == ReplyKind.Ok, _starts[slot], message);
        }
    }

    /// <summary>Receives one whole message (text or binary).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _receiveBuffer.Length)
            {
                Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new BenchException($"the server closed the WebSocket ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return _receiveBuffer.AsMemory(0, length);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>Runs a closed-loop (K in flight per socket) or open-loop (fixed rate) load over N WebSockets.</summary>
internal static class WsLoad
{
    private static readonly TimeSpan s_drainGrace = TimeSpan.FromSeconds(5);

    public static async Task<LoadResult> RunAsync(WsLoadOptions options)
    {
        var connections = new List<WsConnection>(options.Connections);
        try
        {
            for (var i = 0; i < options.Connections; i++)
            {
                connections.Add(await WsConnection.OpenAsync(options, CancellationToken.None));
            }

            await ProbeAsync(options, connections[0]);

            var start = Stopwatch.GetTimestamp();
            var measureStart = start + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
            var measureEnd = measureStart + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            var tally = new LoadTally(measureStart, measureEnd);
            using var stop = new CancellationTokenSource();
            var loops = new List<Task>();
            Task pacer = Task.CompletedTask;
            if (options.Rate <= 0)
            {
                loops.AddRange(connections.Select(c => ClosedLoopAsync(c, options.InFlight, tally, stop.Token)));
            }
            else
            {
                // The pacer thread sends itself (a WebSocket send of a small frame completes at once unless the
                // socket buffer is full): a hop through a queue to another thread would add its wake-up time to
                // every latency. A blocked send delays later requests, but their latency still counts from their
                // due time.
                loops.AddRange(connections.Select(c => ReceiveLoopAsync(c, tally, stop.Token)));
                var count = connections.Count;
                pacer = Pacer.RunAsync(options.Rate, start, measureEnd, (sequence, due) => connections[(int)(sequence % count)].SendFromPacer(due, tally));
            }

            var all = Task.WhenAll(loops);
            var deadline = measureEnd + (long)(s_drainGrace.TotalSeconds * Stopwatch.Frequency);
            while (!all.IsCompleted)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= deadline || (now >= measureEnd && pacer.IsCompleted && connections.All(c => c.Outstanding == 0)))
                {
                    break;
                }

                await Task.WhenAny(all, Task.Delay(10));
            }

            var unanswered = connections.Sum(c => c.Outstanding);
            await stop.CancelAsync();
            await Task.WhenAny(Task.WhenAll(loops.Append(pacer)), Task.Delay(TimeSpan.FromSeconds(2)));
            return tally.Result(unanswered);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    // One request before the load: a clear message when the method is missing or refused, instead of a run of errors.
    private static async Task ProbeAsync(WsLoadOptions options, WsConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await connection.SendAsync(Stopwatch.GetTimestamp(), timeout.Token);
            var (ok, _, message) = await connection.ReceiveReplyAsync(timeout.Token);
            if (!ok)
            {
                throw new BenchException($"the first request to {options.Uri} failed: {Encoding.UTF8.GetString(message.Span)}");
            }
        }
        catch (OperationCanceledException)
        {
            throw new BenchException($"no reply from {options.Uri} within 5 s to the first request");
        }
        catch (WebSocketException ex)
        {
            throw new BenchException($"the WebSocket to {options.Uri} failed on the first request: {ex.Message}");
        }
    }

    private static async Task ClosedLoopAsync(WsConnection connection, int inFlight, LoadTally tally, CancellationToken cancellationToken)
    {
        await Guard(tally, async () =>
        {
            for (var i = 0; i < inFlight; i++)
            {
                await connection.SendAsync(Stopwatch.GetTimestamp(), cancellationToken);
            }

            while (true)
            {
                var (ok, start, message) = await connection.ReceiveReplyAsync(cancellationToken);
                var now = Stopwatch.GetTimestamp();
                tally.Reply(ok, start, now, message.Span);
                if (now < tally.MeasureEnd)
                {
                    await connection.SendAsync(now, cancellationToken);
                }
            }
        }, cancellationToken);
    }

    private static async Task ReceiveLoopAsync(WsConnection connection, LoadTally tally, CancellationToken cancellationToken)
    {
        await Guard(tally, async () =>
        {
            while (true)
            {
                var (ok, start, message) = await connection.ReceiveReplyAsync(cancellationToken);
                tally.Reply(ok, start, Stopwatch.GetTimestamp(), message.Span);
            }
        }, cancellationToken);
    }

    // The end of the run cancels (and so aborts) every socket; anything else ending a loop is a failure to report.
    private static async Task Guard(LoadTally tally, Func<Task> loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (BenchException ex)
        {
            tally.Fail(ex.Message);
        }
        catch (WebSocketException ex)
        {
            tally.Fail("a WebSocket failed during the run: " + ex.Message);
        }
    }
}
