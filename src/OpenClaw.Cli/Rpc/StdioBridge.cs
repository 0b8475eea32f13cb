using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using OpenClaw.Core;
using OpenClaw.Ipc.Framing;

namespace OpenClaw.Cli.Rpc;

/// <summary>
/// <c>openclaw rpc stdio</c>: framed JSON-RPC messages from standard input go to the gateway's WebSocket as text frames;
/// every message from the socket (replies and pushed notifications) goes framed to standard output.
/// </summary>
/// <remarks>
/// When the input ends, the bridge waits (bounded) for the replies still owed, then closes the socket normally: the
/// gateway drops replies of requests still running when a client closes, so closing at once would lose them.
/// </remarks>
internal sealed class StdioBridge
{
    private readonly ClientWebSocket _socket;
    private readonly IFrameReader _reader;
    private readonly IFrameWriter _writer;
    private readonly TextWriter _error;
    private readonly RpcClientOptions _options;
    private readonly bool _hasToken;
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Replies owed by the gateway for what was sent; the input's end makes zero final.
    private int _owed;
    private volatile bool _inputEnded;

    private StdioBridge(ClientWebSocket socket, IFrameReader reader, IFrameWriter writer, TextWriter error, RpcClientOptions options, bool hasToken)
    {
        _hasToken = hasToken;
        _socket = socket;
        _reader = reader;
        _writer = writer;
        _error = error;
        _options = options;
    }

    /// <summary>Connects to the gateway's WebSocket and bridges until the input ends or the socket closes; the exit code.</summary>
    /// <exception cref="OpenClawException">The gateway cannot be reached or refuses the credential.</exception>
    public static async Task<int> RunAsync(
        GatewayTarget target, FramingKind framing, Stream input, Stream output, RpcClientOptions options, TextWriter error,
        CancellationToken cancellationToken)
    {
        // The handler stays alive as long as the socket: the upgraded connection came from it.
        using var handler = options.CreateHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = await ConnectAsync(target, invoker, options, cancellationToken);
        var reader = MessageFraming.CreateReader(framing, System.IO.Pipelines.PipeReader.Create(input, new(leaveOpen: true)));
        var pipeOutput = System.IO.Pipelines.PipeWriter.Create(output, new(leaveOpen: true));
        try
        {
            var writer = MessageFraming.CreateWriter(framing, pipeOutput, options.MaxReplyBytes);
            return await new StdioBridge(socket, reader, writer, error, options, target.Token is not null).BridgeAsync(cancellationToken);
        }
        finally
        {
            await pipeOutput.CompleteAsync();
        }
    }

    private static async Task<ClientWebSocket> ConnectAsync(
        GatewayTarget target, HttpMessageInvoker invoker, RpcClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (target.Token is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token.Reveal());
        }

        try
        {
            await socket.ConnectAsync(target.WebSocketUri, invoker, cancellationToken);
            return socket;
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            socket.Dispose();
            throw new OpenClawException(target.TokenSource is null
                ? $"the gateway at {target.Display} refused the connection without a credential ({ex.WebSocketErrorCode})."
                : $"the gateway at {target.Display} refused the token from {target.TokenSource}; check that it is the gateway's current token.");
        }
        catch (WebSocketException ex) when (socket.HttpStatusCode != 0)
        {
            socket.Dispose();
            throw new OpenClawException(
                $"the gateway at {target.Display} answered HTTP {(int)socket.HttpStatusCode} instead of opening a WebSocket on /ws; is --url the gateway's address?",
                ex);
        }
        catch (WebSocketException ex)
        {
            socket.Dispose();
            throw GatewayUnreachable.Create(target, ex.InnerException?.Message ?? ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw GatewayUnreachable.Timeout(target, options.ConnectTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<int> BridgeAsync(CancellationToken cancellationToken)
    {
        using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receive = ReceiveLoopAsync(cancellationToken);
        var send = SendLoopAsync(stopInput.Token);
        if (await Task.WhenAny(send, receive) == receive)
        {
            // The socket closed or failed first: nothing more can be sent. A console read cannot be interrupted, so the
            // input loop is abandoned, not awaited.
            await stopInput.CancelAsync();
            _ = send.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return await ReportAsync(await receive);
        }

        var inputEnd = await send;
        if (inputEnd == InputEnd.ConnectionLost)
        {
            _socket.Abort();
            return 1;
        }

        _inputEnded = true;
        Interlocked.MemoryBarrier(); // the flag must be visible before _owed is read, or a last reply could go unnoticed
        if (Volatile.Read(ref _owed) <= 0)
        {
            _allAnswered.TrySetResult();
        }

        using var stopDrain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var drained = Task.Delay(_options.DrainTimeout, _options.TimeProvider, stopDrain.Token);
        var first = await Task.WhenAny(_allAnswered.Task, receive, drained);
        await stopDrain.CancelAsync();
        if (first == receive)
        {
            var closed = await ReportAsync(await receive);
            return inputEnd == InputEnd.Clean ? closed : 1;
        }

        var owed = Volatile.Read(ref _owed);
        if (first == drained)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _error.WriteLineAsync(
                $"error: {owed.ToString(CultureInfo.InvariantCulture)} repl{(owed == 1 ? "y" : "ies")} had not arrived " +
                $"{_options.DrainTimeout.TotalSeconds:0.#} s after the input ended; closing the connection.");
        }

        await CloseAsync(receive, cancellationToken);
        return inputEnd == InputEnd.Clean && first != drained ? 0 : 1;
    }

    /// <summary>Reads frames from the input and sends each as one text message, until the input ends; problems are reported.</summary>
    private async Task<InputEnd> SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _reader.ReadAsync(cancellationToken) is { } frame)
            {
                var message = frame.ToArray();
                if (ExpectsReply(message))
                {
                    Interlocked.Increment(ref _owed);
                }

                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }

            return InputEnd.Clean;
        }
        catch (FramingException ex)
        {
            await _error.WriteLineAsync("error: standard input: " + ex.Message);
            return InputEnd.FramingError;
        }
        catch (WebSocketException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await _error.WriteLineAsync("error: the connection to the gateway was lost: " + ex.Message);
            return InputEnd.ConnectionLost;
        }
    }

    /// <summary>Writes every message from the socket to the output until the socket closes; the close, or the failure.</summary>
    private async Task<ReceiveOutcome> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    if (message.WrittenCount >= _options.MaxReplyBytes)
                    {
                        return ReceiveOutcome.Failed($"a message from the gateway is over {_options.MaxReplyBytes} bytes");
                    }

                    result = await _socket.ReceiveAsync(message.GetMemory(16 * 1024), cancellationToken);
                    message.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ReceiveOutcome.Closed(_socket.CloseStatus, _socket.CloseStatusDescription);
                }

                await _writer.WriteAsync(message.WrittenMemory, cancellationToken);
                if (IsReply(message.WrittenSpan) && Interlocked.Decrement(ref _owed) <= 0 && _inputEnded)
                {
                    _allAnswered.TrySetResult();
                }
            }
        }
        catch (FramingException ex)
        {
            return ReceiveOutcome.Failed("standard output: " + ex.Message);
        }
        catch (WebSocketException ex)
        {
            return ReceiveOutcome.Failed("the connection to the gateway was lost: " + ex.Message);
        }
    }

    private async Task CloseAsync(Task<ReceiveOutcome> receive, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.TimeProvider);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, limit.Token);
            await receive.WaitAsync(limit.Token); // the gateway's close frame ends the receive loop
        }
        catch (Exception ex) when ((ex is WebSocketException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            _socket.Abort(); // everything owed has arrived; an unacknowledged close loses nothing
        }
    }

    private async Task<int> ReportAsync(ReceiveOutcome outcome)
    {
        if (outcome.Status == WebSocketCloseStatus.NormalClosure)
        {
            return 0;
        }

        if (outcome.Status is { } status)
        {
            var description = string.IsNullOrEmpty(outcome.Description) ? status.ToString() : $"{status}: {outcome.Description}";
            await _error.WriteLineAsync($"error: the gateway closed the connection ({((int)status).ToString(CultureInfo.InvariantCulture)} {description}).");
            if (status == WebSocketCloseStatus.PolicyViolation && !_hasToken)
            {
                await _error.WriteLineAsync(
                    $"hint: no gateway token was found (the credential '{GatewayTarget.StoredTokenName}' in the gateway's state " +
                    $"directory, {GatewayTarget.TokenVariable} or --token-env NAME), and no `connect` request with a token was sent.");
            }
        }
        else
        {
            await _error.WriteLineAsync("error: " + outcome.Problem);
        }

        return 1;
    }

    /// <summary>
    /// Whether the gateway will answer <paramref name="message"/>: anything but a notification (an object with a method
    /// and no id) or a batch of only notifications. Unparseable input is answered with a parse error.
    /// </summary>
    internal static bool ExpectsReply(ReadOnlySpan<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return !IsNotification(root);
            }

            foreach (var item in root.EnumerateArray())
            {
                if (!IsNotification(item))
                {
                    return true;
                }
            }

            return root.GetArrayLength() == 0;
        }
        catch (JsonException)
        {
            return true;
        }

        static bool IsNotification(JsonElement element) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty("method", out _) && !element.TryGetProperty("id", out _);
    }

    /// <summary>Whether a message from the gateway answers something sent (a response or a batch), not a pushed notification.</summary>
    internal static bool IsReply(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("method"u8))
                {
                    return false;
                }

                reader.Skip(); // past the property's value
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>How the receive loop ended: the gateway's close (status and description), or a problem to report.</summary>
    private readonly record struct ReceiveOutcome(WebSocketCloseStatus? Status, string? Description, string? Problem)
    {
        public static ReceiveOutcome Closed(WebSocketCloseStatus? status, string? description) => new(status, description, null);

        public static ReceiveOutcome Failed(string problem) => new(null, null, problem);
    }

    private enum InputEnd
    {
        Clean,
        FramingError,
        ConnectionLost,
    }
}
