using System.Text.Json;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>
/// The examples of section 7 of the JSON-RPC 2.0 specification, adapted to real methods (the spec's subtract and sum
/// don't exist here), over HTTP and over WebSocket.
/// </summary>
public sealed class JsonRpcSpecTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;

    public async ValueTask InitializeAsync() => _gateway = await TestGateway.StartAsync();

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string> Transports => ["http", "ws"];

    // Sends one message and returns the reply, or null when the server sent none (HTTP 204, or nothing on the socket).
    private async Task<JsonElement?> SendAsync(string transport, string message)
    {
        if (transport == "http")
        {
            var (status, body, _) = await _gateway.PostAsync(message);
            if (status == 204)
            {
                Assert.Equal(string.Empty, body);
                return null;
            }

            Assert.Equal(200, status);
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        using var socket = await _gateway.ConnectAsync();
        await socket.SendTextAsync(message);

        // A marker request after it: when the marker's answer comes first, the message was not answered.
        await socket.SendTextAsync("""{"jsonrpc":"2.0","id":"marker","method":"system.version"}""");
        var first = await socket.ReceiveJsonAsync();
        if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "marker")
        {
            return null;
        }

        var marker = await socket.ReceiveJsonAsync();
        Assert.Equal("marker", marker.GetProperty("id").GetString());
        return first;
    }

    private static void AssertError(JsonElement response, int code, string? id)
    {
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(code, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.GetProperty("error").GetProperty("message").GetString()));
        Assert.False(response.TryGetProperty("result", out _));
        if (id is null)
        {
            Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        }
        else
        {
            Assert.Equal(id, response.GetProperty("id").ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CallWithNamedParams_ReturnsResultWithSameId(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"sessions.list","params":{"limit":5},"id":3}"""))!.Value;
        Assert.Equal(3, response.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Array, response.GetProperty("result").GetProperty("sessions").ValueKind);
        Assert.False(response.TryGetProperty("error", out _));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CallWithoutParams_StringId_ReturnsResultEchoingTheString(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"system.version","id":"abc-1"}"""))!.Value;
        Assert.Equal("abc-1", response.GetProperty("id").GetString());
        Assert.Equal("openclaw", response.GetProperty("result").GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CallWithNullId_IsAnsweredWithNullId(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"system.version","id":null}"""))!.Value;
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        Assert.True(response.TryGetProperty("result", out _));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CallWithPositionalParams_IsInvalidParams(string transport)
    {
        // Our methods take named params; positional ones are refused with -32602 (section 7's subtract example).
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"sessions.list","params":[42, 23],"id":1}"""))!.Value;
        AssertError(response, -32602, "1");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Notification_IsNotAnswered(string transport)
    {
        Assert.Null(await SendAsync(transport, """{"jsonrpc":"2.0","method":"system.version"}"""));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NotificationOfUnknownMethod_IsNotAnswered(string transport)
    {
        Assert.Null(await SendAsync(transport, """{"jsonrpc":"2.0","method":"foobar","params":{"a":1}}"""));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task UnknownMethod_IsMethodNotFound(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"foobar","id":"1"}"""))!.Value;
        AssertError(response, -32601, "1");
        Assert.Contains("foobar", response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task InvalidJson_IsParseErrorWithNullId(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"foobar,"params":"bar","baz]"""))!.Value;
        AssertError(response, -32700, null);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task InvalidRequestObject_IsInvalidRequestWithNullId(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":1,"params":"bar"}"""))!.Value;
        AssertError(response, -32600, null);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ParamsNotStructured_WithReadableId_EchoesTheId(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"system.version","params":"bar","id":7}"""))!.Value;
        AssertError(response, -32600, "7");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BatchWithInvalidJson_IsOneParseError(string transport)
    {
        var response = (await SendAsync(transport, """
            [
              {"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":"1"},
              {"jsonrpc":"2.0","method"
            ]
            """))!.Value;
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        AssertError(response, -32700, null);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EmptyBatch_IsOneInvalidRequest(string transport)
    {
        var response = (await SendAsync(transport, "[]"))!.Value;
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        AssertError(response, -32600, null);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BatchOfOneNonObject_IsArrayOfOneInvalidRequest(string transport)
    {
        var response = (await SendAsync(transport, "[1]"))!.Value;
        var item = Assert.Single(response.EnumerateArray());
        AssertError(item, -32600, null);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BatchOfThreeNonObjects_IsThreeInvalidRequests(string transport)
    {
        var response = (await SendAsync(transport, "[1,2,3]"))!.Value;
        Assert.Equal(3, response.GetArrayLength());
        foreach (var item in response.EnumerateArray())
        {
            AssertError(item, -32600, null);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedBatch_AnswersEachRequestAndSkipsNotifications(string transport)
    {
        var response = (await SendAsync(transport, """
            [
              {"jsonrpc":"2.0","method":"system.version","id":"1"},
              {"jsonrpc":"2.0","method":"system.health"},
              {"jsonrpc":"2.0","method":"sessions.list","params":{"limit":1},"id":"2"},
              {"foo":"boo"},
              {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
              {"jsonrpc":"2.0","method":"system.health","id":"9"}
            ]
            """))!.Value;
        var items = response.EnumerateArray().ToArray();
        Assert.Equal(5, items.Length);
        Assert.Equal("1", items[0].GetProperty("id").GetString());
        Assert.Equal("openclaw", items[0].GetProperty("result").GetProperty("name").GetString());
        Assert.Equal("2", items[1].GetProperty("id").GetString());
        Assert.True(items[1].TryGetProperty("result", out _));
        AssertError(items[2], -32600, null);
        AssertError(items[3], -32601, "5");
        Assert.Equal("ok", items[4].GetProperty("result").GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BatchOfNotifications_IsNotAnswered(string transport)
    {
        Assert.Null(await SendAsync(transport, """
            [
              {"jsonrpc":"2.0","method":"system.version","params":{}},
              {"jsonrpc":"2.0","method":"system.health"}
            ]
            """));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task UnknownParamsField_IsInvalidParamsNamingTheField(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"sessions.list","params":{"limmit":5},"id":1}"""))!.Value;
        AssertError(response, -32602, "1");
        Assert.Equal("limmit", response.GetProperty("error").GetProperty("data").GetProperty("field").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MistypedParamsField_IsInvalidParamsNamingTheField(string transport)
    {
        var response = (await SendAsync(transport, """{"jsonrpc":"2.0","method":"sessions.list","params":{"limit":"five"},"id":1}"""))!.Value;
        AssertError(response, -32602, "1");
        Assert.Equal("limit", response.GetProperty("error").GetProperty("data").GetProperty("field").GetString());
    }
}
