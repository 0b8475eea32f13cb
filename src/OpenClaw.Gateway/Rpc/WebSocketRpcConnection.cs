using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// One WebSocket: reads text frames (one JSON-RPC message each, up to the size limit), dispatches them with a bounded
/// number in flight, and sends replies and pushed notifications through a bounded queue drained by one writer.
/// </summary>
/// <remarks>
/// A client that falls more than the queue's length behind is disconnected rather than buffered without limit. A socket
/// without a credential must send a valid <c>connect</c> within the connect timeout or is closed with 1008.
/// </remarks>
internal sealed partial class WebSocketRpcConnection : RpcConnection, IDisposable
{
    private readonly WebSocket _socket;
    private readonly RpcDispatcher _dispatcher;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Outgoing> _outbox;
#pragma warning disable CA2213 // see Dispose
    private readonly SemaphoreSlim _inFlight;
#pragma warning restore CA2213
    private readonly CancellationTokenSource _closed = new();
    private readonly int _maxConcurrentRequests;
    private ITimer? _closeDeadline;
    private ITimer? _reconnectDeadline;
    private TimeSpan _connectTimeout = TimeSpan.FromSeconds(10);
    private string? _credential;
    private readonly long _sendQueueBytes;
    private long _queuedBytes;
    private int _closing;
    private int _draining;

    public WebSocketRpcConnection(
        WebSocket socket, string id, IPAddress? remoteAddress, Principal? principal, RpcDispatcher dispatcher,
        GatewayMetrics metrics, ILogger logger, TimeProvider time, int sendQueueMessages, long sendQueueBytes, int maxConcurrentRequests)
        : base("ws", id, remoteAddress, principal)
    {
        _socket = socket;
        _dispatcher = dispatcher;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _sendQueueBytes = sendQueueBytes;
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(sendQueueMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // never waited on: TryWrite fails instead, and the client is dropped
        });
        _inFlight = new SemaphoreSlim(maxConcurrentRequests, maxConcurrentRequests);
        _maxConcurrentRequests = maxConcurrentRequests;
    }

    /// <summary>
    /// The bearer token the socket authenticated with (header or <c>connect</c>), or null. A user's token is checked
    /// again on every call and pushed event (<see cref="Revalidate"/>), so a role change, deactivation, deletion, sign-out or
    /// expiry applies to an open socket as it does to the next HTTP request.
    /// </summary>
    public string? Credential
    {
        get => Volatile.Read(ref _credential);
        set => Volatile.Write(ref _credential, value);
    }

    /// <summary>Checks a token again (the gateway's <see cref="Auth.TokenService.Recheck"/>): the principal it stands for now, or null.</summary>
    public Func<string, Principal?>? Recheck { get; init; }

    /// <summary>
    /// Re-checks a user's token before a call or a pushed event: the principal takes the user's current role, or is
    /// dropped (with the credential) when the token stopped being valid. False only in that last case.
    /// </summary>
    /// <remarks>Cheap: a memoised MAC and two in-memory lookups. A gateway-token socket is not re-checked.</remarks>
    public bool Revalidate()
    {
        if (Principal is not { UserId: not null } || Credential is not { } credential || Recheck is null)
        {
            return true;
        }

        if (Recheck(credential) is { } current)
        {
            // Unless a new connect replaced the credential meanwhile (its principal stands).
            if (ReferenceEquals(Volatile.Read(ref _credential), credential))
            {
                Principal = current;
            }

            return true;
        }

        // Unless a new connect replaced the credential meanwhile, the socket is unauthenticated from now on, and has
        // the connect timeout to sign in again before it is closed, like a socket that never did.
        if (ReferenceEquals(Interlocked.CompareExchange(ref _credential, null, credential), credential))
        {
            Principal = null;
            var deadline = _time.CreateTimer(_ => CloseIfAnonymous(), null, _connectTimeout, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _reconnectDeadline, deadline)?.Dispose();
        }

        return Principal is not null;
    }

    /// <summary>Cancelled when the connection is closing.</summary>
    public CancellationToken Closed => _closed.Token;

    public override bool CanPush => true;

    public override bool TryPush(ReadOnlyMemory<byte> message)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        // Bytes are reserved before the write, so concurrent pushes cannot together pass the limit.
        // One message larger than the byte bound still goes out when nothing else is waiting: the bound is on backlog.
        var queued = Interlocked.Add(ref _queuedBytes, message.Length);
        if ((queued <= _sendQueueBytes || queued == message.Length) && _outbox.Writer.TryWrite(new Outgoing(message, null, null)))
        {
            _metrics.SendQueueChanged(1);
            return true;
        }

        Interlocked.Add(ref _queuedBytes, -message.Length);

        // The queue is full (in messages or bytes): the client reads too slowly. Drop it rather than buffer without limit.
        _metrics.SlowConsumerDisconnected();
        LogSlowConsumer(_logger, Id);
        Abort();
        return false;
    }

    /// <summary>Runs the connection until it closes.</summary>
    /// <remarks>
    /// When the gateway stops, the socket stops taking requests, lets the ones in flight finish (the host bounds how
    /// long), then closes with 1001. A pending receive is never cancelled: that would abort the socket without a close.
    /// </remarks>
    public async Task RunAsync(int maxMessageBytes, TimeSpan connectTimeout, CancellationToken stopping)
    {
        _connectTimeout = connectTimeout;
        var sending = SendLoopAsync();
        using var connectDeadline = Principal is null ? _time.CreateTimer(_ => CloseIfAnonymous(), null, connectTimeout, Timeout.InfiniteTimeSpan) : null;
        using var stopRegistration = stopping.Register(() => _ = DrainThenCloseAsync());
        try
        {
            await ReceiveLoopAsync(maxMessageBytes, _closed.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer went away, the keep-alive timed out, or we aborted: nothing to answer.
        }
        finally
        {
            // Let replies already queued go out before the writer finishes (bounded by the close handshake).
            Volatile.Write(ref _closing, 1);
            _outbox.Writer.TryComplete();
            try
            {
                await sending.WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                _socket.Abort();
            }

            await _closed.CancelAsync();

            // Requests still running see the cancellation; wait for them (bounded) so none outlives its connection.
            var deadline = _time.GetTimestamp();
            for (var i = 0; i < _maxConcurrentRequests; i++)
            {
                var left = TimeSpan.FromSeconds(5) - _time.GetElapsedTime(deadline);
                if (left <= TimeSpan.Zero || !await _inFlight.WaitAsync(left, CancellationToken.None))
                {
                    break;
                }
            }
        }
    }

    private async Task DrainThenCloseAsync()
    {
        Volatile.Write(ref _draining, 1);
        var held = 0;
        try
        {
            // Holding every permit means no request is running (and, draining, none starts).
            for (; held < _maxConcurrentRequests; held++)
            {
                await _inFlight.WaitAsync(_closed.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The socket is gone already.
        }
        finally
        {
            if (held > 0)
            {
                _inFlight.Release(held);
            }
        }

        if (held == _maxConcurrentRequests)
        {
            Close(WebSocketCloseStatus.EndpointUnavailable, "the gateway is stopping");
        }
    }

    private async Task ReceiveLoopAsync(int maxMessageBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxMessageBytes + 1, 16 * 1024));
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                // Before connect, a socket may send only small messages: it cannot make the gateway buffer megabytes.
                var max = Principal is null ? Math.Min(maxMessageBytes, HttpRpcEndpoint.AnonymousMaxBytes) : maxMessageBytes;
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length > max)
                        {
                            TooBig(max, maxMessageBytes);
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max + 1L));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                    if (length > max)
                    {
                        TooBig(max, maxMessageBytes);
                        return;
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Close(WebSocketCloseStatus.NormalClosure, string.Empty);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Close(WebSocketCloseStatus.InvalidMessageType, "send JSON-RPC as text frames");
                    return;
                }

                if (Volatile.Read(ref _draining) != 0)
                {
                    continue; // stopping: requests that arrive now are not started (the close follows)
                }

                await _inFlight.WaitAsync(cancellationToken);
                var message = ArrayPool<byte>.Shared.Rent(length);
                buffer.AsSpan(0, length).CopyTo(message);
                _ = DispatchAsync(message, length, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void TooBig(int max, int configured) => Close(
        WebSocketCloseStatus.MessageTooBig,
        max < configured ? $"message over {max} bytes before connect" : $"message over {max} bytes (gateway.limits.maxMessageBytes)");

    private async Task DispatchAsync(byte[] message, int length, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _dispatcher.DispatchAsync(message.AsMemory(0, length), this, cancellationToken);
            if (reply.HasBody && !TryPush(reply.Body.ToArray()))
            {
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is closing.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
            _inFlight.Release();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var outgoing in _outbox.Reader.ReadAllAsync())
            {
                if (outgoing.CloseStatus is { } status)
                {
                    if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(status, outgoing.Reason, CancellationToken.None);
                    }

                    return;
                }

                _metrics.SendQueueChanged(-1);
                await _socket.SendAsync(outgoing.Message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                Interlocked.Add(ref _queuedBytes, -outgoing.Message.Length);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; the receive loop ends too.
        }
        finally
        {
            // Anything still queued will never be sent.
            while (_outbox.Reader.TryRead(out var left))
            {
                if (left.CloseStatus is null)
                {
                    _metrics.SendQueueChanged(-1);
                }
            }
        }
    }

    /// <summary>Sends a close frame after what is already queued; drops the connection if the queue is full.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        if (!_outbox.Writer.TryWrite(new Outgoing(default, status, reason)))
        {
            Abort();
            return;
        }

        _outbox.Writer.TryComplete();

        // The peer has a few seconds to answer the close frame; then the socket is dropped.
        _closeDeadline = _time.CreateTimer(_ => Abort(), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
    }

    private void CloseIfAnonymous()
    {
        if (Principal is null)
        {
            LogConnectTimeout(_logger, Id);
            Close(WebSocketCloseStatus.PolicyViolation, "no valid connect in time");
        }
    }

    private void Abort()
    {
        Volatile.Write(ref _closing, 1);
        _outbox.Writer.TryComplete();
        _socket.Abort();
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    // The semaphore is left to the GC: dispatches still finishing release it after the socket is gone, and a
    // SemaphoreSlim whose wait handle was never used holds nothing to free.
    public void Dispose()
    {
        _closeDeadline?.Dispose();
        _reconnectDeadline?.Dispose();
        _closed.Dispose();
    }

    private readonly record struct Outgoing(ReadOnlyMemory<byte> Message, WebSocketCloseStatus? CloseStatus, string? Reason);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "WebSocket {ConnectionId} read too slowly; its send queue is full, so it was disconnected")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "WebSocket {ConnectionId} sent no valid connect in time; closed with 1008")]
    private static partial void LogConnectTimeout(ILogger logger, string connectionId);
}
