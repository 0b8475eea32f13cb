using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>Every configurable limit of the gateway's transports, one test each.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task HttpBody_OverMaxMessageBytes_Is413WithJsonRpcError()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxMessageBytes: 2048 } } }");
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\",\"params\":{\"pad\":\"" + new string('x', 4000) + "\"}}";

        var (status, body, _) = await gateway.PostAsync(big);

        Assert.Equal(413, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains("2048", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpBody_ChunkedWithoutLength_OverLimit_Is413()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxMessageBytes: 2048 } } }");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rpc")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("1", 3000)) + "]"))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task HttpBody_WrongContentType_Is415()
    {
        await using var gateway = await TestGateway.StartAsync();

        var (status, body, _) = await gateway.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"system.version"}""", contentType: "text/plain");

        Assert.Equal(415, status);
        Assert.Equal(-32600, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WebSocketMessage_OverMaxMessageBytes_IsClosedWith1009()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxMessageBytes: 2048 } } }");
        using var socket = await gateway.ConnectAsync();

        await socket.SendTextAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\",\"params\":{\"pad\":\"" + new string('x', 4000) + "\"}}");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketMessage_AtTheLimit_IsAnswered()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxMessageBytes: 2048 } } }");
        using var socket = await gateway.ConnectAsync();
        var prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\",\"pad\":\"";
        var message = prefix + new string('x', 2048 - prefix.Length - 2) + "\"}";
        Assert.Equal(2048, Encoding.UTF8.GetByteCount(message));

        await socket.SendTextAsync(message);

        // Answered (as an invalid request: "pad" is not a request member), not closed.
        var reply = await socket.ReceiveJsonAsync();
        Assert.Equal(-32600, reply.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("ws")]
    public async Task Batch_OverMaxBatch_IsOneErrorSayingSo(string transport)
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        var batch = "[" + string.Join(',', Enumerable.Range(1, 4).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"system.version"}""")) + "]";

        JsonElement reply;
        if (transport == "http")
        {
            var (status, body, _) = await gateway.PostAsync(batch);
            Assert.Equal(200, status);
            reply = JsonDocument.Parse(body).RootElement;
        }
        else
        {
            using var socket = await gateway.ConnectAsync();
            await socket.SendTextAsync(batch);
            reply = await socket.ReceiveJsonAsync();
        }

        Assert.Equal(JsonValueKind.Object, reply.ValueKind);
        var error = reply.GetProperty("error");
        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains("maxBatch", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_AtMaxBatch_IsAnsweredInFull()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        var batch = "[" + string.Join(',', Enumerable.Range(1, 3).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"system.version"}""")) + "]";

        var (_, body, _) = await gateway.PostAsync(batch);

        Assert.Equal([1, 2, 3], JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task WebSocketWithoutCredential_NoConnectInTime_IsClosedWith1008()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { connectTimeoutSeconds: 1 } } }");
        using var socket = await gateway.ConnectAsync(token: null);

        // Before connect, [none] methods work and protected ones are refused.
        await socket.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"system.version"}""");
        Assert.Equal("openclaw", (await socket.ReceiveJsonAsync()).GetProperty("result").GetProperty("name").GetString());
        await socket.SendTextAsync("""{"jsonrpc":"2.0","id":2,"method":"system.status"}""");
        Assert.Equal(-32001, (await socket.ReceiveJsonAsync()).GetProperty("error").GetProperty("code").GetInt32());

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketWithHeaderCredential_IsNotSubjectToTheConnectDeadline()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { connectTimeoutSeconds: 1 } } }");
        using var socket = await gateway.ConnectAsync();

        // Nothing arrives for well past the deadline: the socket stays open.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket.ReceiveTextAsync(TimeSpan.FromSeconds(2.5)));
        Assert.Null(socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketPeer_ThatNeverAnswersPings_IsDisconnected()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { pingIntervalSeconds: 1, pongTimeoutSeconds: 1 } } }");
        using var silent = await RawWebSocket.ConnectAsync(gateway.Address, TestGateway.Token);

        Assert.True(await silent.WaitForServerCloseAsync(TestTimeouts.Default), "the gateway kept a peer that never answers pings");
    }

    [Fact]
    public async Task WebSocketPeer_ThatAnswersPings_StaysConnected()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { pingIntervalSeconds: 1, pongTimeoutSeconds: 1 } } }");
        using var socket = await gateway.ConnectAsync();

        // ClientWebSocket answers pings on its own while a receive is pending; three intervals pass without a close.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket.ReceiveTextAsync(TimeSpan.FromSeconds(3.5)));
        Assert.Null(socket.CloseStatus);
    }

    [Theory]
    [InlineData("sendQueueMessages: 4")] // few, large replies
    [InlineData("sendQueueMessages: 1000000, sendQueueBytes: 65536")] // the byte bound holds when the count would not
    public async Task WebSocketPeer_ThatNeverReads_IsDisconnectedNotBuffered(string limit)
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { " + limit + ", maxBatch: 100 } } }");
        using var slow = await RawWebSocket.ConnectAsync(gateway.Address, TestGateway.Token, receiveBufferBytes: 4096);

        // Each batch's reply is large; the client reads none of them. The kernel buffers fill, then the send queue.
        var batch = "[" + string.Join(',', Enumerable.Range(1, 100).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"system.methods"}""")) + "]";
        var disconnected = false;
        for (var i = 0; i < 5000 && !disconnected; i++)
        {
            try
            {
                await slow.SendTextAsync(batch);
            }
            catch (IOException)
            {
                disconnected = true;
            }
        }

        Assert.True(disconnected || await slow.WaitForServerCloseAsync(TestTimeouts.Default), "a client that never reads was buffered without limit");
        var metrics = await gateway.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("openclaw_websockets_slow_consumer_total 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpBody_WithoutCredential_IsLimitedTo64KiB_WhileACredentialGetsTheConfiguredLimit()
    {
        await using var gateway = await TestGateway.StartAsync();
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\",\"params\":{\"pad\":\"" + new string('x', 100_000) + "\"}}";

        var (anonymous, body, _) = await gateway.PostAsync(big, token: null);
        var (authenticated, _, _) = await gateway.PostAsync(big);

        Assert.Equal(413, anonymous);
        Assert.Contains("without a credential", body, StringComparison.Ordinal);
        Assert.Equal(200, authenticated); // read whole, then answered (-32602 for the unknown field)
    }

    [Fact]
    public async Task WebSocketMessage_BeforeConnect_IsLimitedTo64KiB()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var socket = await gateway.ConnectAsync(token: null);

        await socket.SendTextAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"connect\",\"params\":{\"token\":\"" + new string('x', 100_000) + "\"}}");

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }
}
