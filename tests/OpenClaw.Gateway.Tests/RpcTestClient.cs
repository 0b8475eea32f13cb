using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests;

/// <summary>A JSON-RPC error as the client received it.</summary>
public sealed record RpcTestError(int Code, string Message, JsonElement? Data)
{
    /// <summary>The <c>data.field</c> the gateway names for bad params, or null.</summary>
    public string? Field => Data is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("field", out var f) ? f.GetString() : null;
}

/// <summary>One JSON-RPC response: a result or an error.</summary>
public sealed record RpcTestResponse(JsonElement? Result, RpcTestError? Error);

/// <summary>
/// A small JSON-RPC client for tests: <see cref="CallAsync"/> sends one request (params as JSON text) and returns the
/// response; <see cref="ResultAsync"/> and <see cref="ErrorAsync"/> assert which one came back.
/// </summary>
public abstract class RpcTestClient
{
    private long _nextId;

    /// <summary>Sends one request and returns its response.</summary>
    public Task<RpcTestResponse> CallAsync(string method, string? paramsJson = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = paramsJson is null
            ? $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}"}"""
            : $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{paramsJson}}}""";
        return SendAsync(id, request, cancellationToken);
    }

    /// <summary>Calls and returns the result, failing the test with the error when there is one.</summary>
    public async Task<JsonElement> ResultAsync(string method, string? paramsJson = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(method, paramsJson, cancellationToken);
        Assert.True(response.Error is null, $"{method} failed: {response.Error?.Code} {response.Error?.Message}");
        return response.Result!.Value;
    }

    /// <summary>Calls and returns the error, failing the test when the call succeeded.</summary>
    public async Task<RpcTestError> ErrorAsync(string method, string? paramsJson = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(method, paramsJson, cancellationToken);
        Assert.True(response.Error is not null, $"{method} succeeded but an error was expected: {response.Result}");
        return response.Error!;
    }

    /// <summary>Sends a complete request with this id and returns its response.</summary>
    protected abstract Task<RpcTestResponse> SendAsync(long id, string request, CancellationToken cancellationToken);

    /// <summary>Reads a response object.</summary>
    protected static RpcTestResponse ParseResponse(JsonElement root)
    {
        if (root.TryGetProperty("error", out var error))
        {
            return new RpcTestResponse(null, new RpcTestError(
                error.GetProperty("code").GetInt32(),
                error.GetProperty("message").GetString()!,
                error.TryGetProperty("data", out var data) ? data.Clone() : null));
        }

        return new RpcTestResponse(root.GetProperty("result").Clone(), null);
    }
}

/// <summary>Calls <c>POST /rpc</c>, with <c>Authorization: Bearer</c> when a token is given.</summary>
public sealed class HttpRpcTestClient(Uri baseAddress, string? token) : RpcTestClient, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TestTimeouts.Default };

    /// <summary>The HTTP status of the last call.</summary>
    public int LastStatus { get; private set; }

    protected override async Task<RpcTestResponse> SendAsync(long id, string request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("/rpc", UriKind.Relative))
        {
            Content = new StringContent(request, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(message, cancellationToken);
        LastStatus = (int)response.StatusCode;
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return ParseResponse(doc.RootElement);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// A WebSocket on <c>/ws</c>: calls are matched to responses by id, and pushed notifications are kept in arrival order
/// for <see cref="NextNotificationAsync"/>.
/// </summary>
public sealed class WebSocketRpcTestClient : RpcTestClient, IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<RpcTestResponse>> _pending = new();
    private readonly Channel<JsonElement> _notifications = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _receiving;
    private readonly CancellationTokenSource _stop = new();

    private WebSocketRpcTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveLoopAsync();
    }

    /// <summary>Opens <c>ws://…/ws</c> on the gateway at <paramref name="baseAddress"/>, with the token as a bearer header when given.</summary>
    public static async Task<WebSocketRpcTestClient> ConnectAsync(Uri baseAddress, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var socket = new ClientWebSocket();
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        var uri = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WebSocketRpcTestClient(socket);
    }

    /// <summary>Whether the server closed the socket (the receive loop ended).</summary>
    public Task Closed => _receiving;

    /// <summary>The next pushed notification (the whole message), waiting up to the test timeout.</summary>
    public async Task<JsonElement> NextNotificationAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        return await _notifications.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next pushed notification whose <c>params</c> satisfy <paramref name="match"/>, skipping the others.</summary>
    public async Task<JsonElement> WaitForNotificationAsync(Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        while (true)
        {
            var next = await NextNotificationAsync(cancellationToken);
            if (match(next.GetProperty("params")))
            {
                return next;
            }
        }
    }

    /// <summary>Takes a notification already received, without waiting; false when none is queued.</summary>
    public bool TryTakeNotification(out JsonElement notification) => _notifications.Reader.TryRead(out notification);

    /// <summary>Closes the socket with a normal close handshake.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }

        await _receiving.WaitAsync(timeout.Token);
    }

    protected override async Task<RpcTestResponse> SendAsync(long id, string request, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<RpcTestResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        return await pending.Task.WaitAsync(timeout.Token);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                using (var doc = JsonDocument.Parse(message.ToArray()))
                {
                    Route(doc.RootElement);
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The socket went away.
        }
        finally
        {
            _notifications.Writer.TryComplete();
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new InvalidOperationException("The WebSocket closed before the response came."));
            }
        }
    }

    private void Route(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("id", out _))
        {
            _notifications.Writer.TryWrite(root.Clone());
            return;
        }

        var id = root.GetProperty("id");
        var key = id.ValueKind == JsonValueKind.Number ? id.GetInt64() : long.Parse(id.GetString()!, CultureInfo.InvariantCulture);
        if (_pending.TryRemove(key, out var pending))
        {
            pending.TrySetResult(ParseResponse(root));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
    }
}

/// <summary>RPC test clients for a running <see cref="TestGateway"/> (tests/…/Rpc/TestGateway.cs), authenticated with its gateway token.</summary>
internal static class TestGatewayRpcExtensions
{
    /// <summary>An HTTP client for <c>POST /rpc</c> with the gateway token, or none when <paramref name="token"/> is null.</summary>
    public static HttpRpcTestClient Rpc(this TestGateway gateway, string? token = TestGateway.Token) => new(gateway.Address, token);

    /// <summary>A WebSocket client on <c>/ws</c> with the gateway token as a bearer header.</summary>
    public static Task<WebSocketRpcTestClient> RpcSocketAsync(this TestGateway gateway, CancellationToken cancellationToken) =>
        WebSocketRpcTestClient.ConnectAsync(gateway.Address, TestGateway.Token, cancellationToken);

    /// <summary>A service of the running gateway.</summary>
    public static T Service<T>(this TestGateway gateway)
        where T : notnull => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(gateway.App.Services);
}
