using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>
/// Every example of section 7 of the JSON-RPC 2.0 specification, with the exact response a client receives. Our
/// methods take their params by name, so the examples with positional params are answered with <c>-32602</c> (by design)
/// and each also has a named-params twin that gets the specification's result.
/// </summary>
public sealed class RpcDispatcherSpecExamplesTests
{
    private readonly DispatchHarness _harness = new();

    [Fact]
    public async Task Dispatch_PositionalParamsExample_IsRefusedWithInvalidParamsByDesign()
    {
        var first = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"""));
        var second = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"""));

        var error = RpcAssert.Error(first, "1", RpcErrorCodes.InvalidParams);
        Assert.Contains("by name", RpcAssert.Message(error), StringComparison.Ordinal);
        RpcAssert.Error(second, "2", RpcErrorCodes.InvalidParams);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Dispatch_PositionalExampleSentWithNamedParams_ReturnsTheSpecificationsResults()
    {
        var first = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 1}"""));
        var second = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 23, "subtrahend": 42}, "id": 2}"""));

        RpcAssert.Result(first, "1", "19");
        RpcAssert.Result(second, "2", "-19");
    }

    [Fact]
    public async Task Dispatch_NamedParamsExample_ReturnsNineteenWhateverTheMemberOrder()
    {
        var third = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"""));
        var fourth = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"""));

        RpcAssert.Result(third, "3", "19");
        RpcAssert.Result(fourth, "4", "19");
    }

    [Fact]
    public async Task Dispatch_NotificationExamples_GetNoReplyAndTheNamedOneRuns()
    {
        var positional = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}""");
        var named = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "update", "params": {"values": [1,2,3,4,5]}}""");
        var unknown = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "foobar"}""");

        RpcAssert.NoReply(positional);
        RpcAssert.NoReply(named);
        RpcAssert.NoReply(unknown);
        Assert.Equal(["update:1,2,3,4,5"], _harness.Calls);
    }

    [Fact]
    public async Task Dispatch_NonExistentMethodExample_IsMethodNotFoundEchoingTheStringId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"""));

        var error = RpcAssert.Error(response, "\"1\"", RpcErrorCodes.MethodNotFound);
        Assert.StartsWith("Method not found", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Contains("foobar", RpcAssert.Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_InvalidJsonExample_IsParseErrorWithNullId()
    {
        var reply = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]""");

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.StartsWith("Parse error", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Equal(RpcErrorCodes.ParseError, reply.SingleError?.Code);
    }

    [Fact]
    public async Task Dispatch_InvalidRequestObjectExample_IsInvalidRequestWithNullId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": 1, "params": "bar"}"""));

        var error = RpcAssert.Error(response, "null", RpcErrorCodes.InvalidRequest);
        Assert.StartsWith("Invalid Request", RpcAssert.Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_BatchWithInvalidJsonExample_IsOneParseErrorNotAnArray()
    {
        var reply = await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """);

        RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Dispatch_EmptyArrayExample_IsOneInvalidRequestNotAnArray()
    {
        var reply = await _harness.SendAsync("[]");

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.InvalidRequest);
        Assert.Contains("empty batch", RpcAssert.Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_InvalidBatchOfOneExample_IsAnArrayOfOneInvalidRequest()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("[1]"));

        var response = Assert.Single(responses);
        RpcAssert.Error(response, "null", RpcErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Dispatch_InvalidBatchOfThreeExample_IsThreeInvalidRequests()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("[1,2,3]"));

        Assert.Equal(3, responses.Length);
        Assert.All(responses, r => RpcAssert.Error(r, "null", RpcErrorCodes.InvalidRequest));
    }

    [Fact]
    public async Task Dispatch_MixedBatchExampleWithNamedParams_AnswersEachNonNotificationInOrder()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": {"numbers": [1,2,4]}, "id": "1"},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": {"value": 7}},
              {"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": "2"},
              {"foo": "boo"},
              {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
              {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """));

        Assert.Equal(5, responses.Length);
        RpcAssert.Result(responses[0], "\"1\"", "7");
        RpcAssert.Result(responses[1], "\"2\"", "19");
        RpcAssert.Error(responses[2], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[3], "\"5\"", RpcErrorCodes.MethodNotFound);
        RpcAssert.Result(responses[4], "\"9\"", """["hello", 5]""");
        Assert.Contains("notify_hello:7", _harness.Calls);
    }

    [Fact]
    public async Task Dispatch_MixedBatchExampleVerbatim_RefusesThePositionalMembersWithInvalidParams()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
              {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
              {"foo": "boo"},
              {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
              {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """));

        Assert.Equal(5, responses.Length);
        RpcAssert.Error(responses[0], "\"1\"", RpcErrorCodes.InvalidParams);
        RpcAssert.Error(responses[1], "\"2\"", RpcErrorCodes.InvalidParams);
        RpcAssert.Error(responses[2], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[3], "\"5\"", RpcErrorCodes.MethodNotFound);
        RpcAssert.Result(responses[4], "\"9\"", """["hello", 5]""");
    }

    [Fact]
    public async Task Dispatch_AllNotificationsBatchExample_GetsNoReplyAndEveryHandlerRuns()
    {
        var reply = await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "sum", "params": {"numbers": [1,2,4]}},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": {"value": 7}}
            ]
            """);

        RpcAssert.NoReply(reply);
        Assert.Equal(["notify_hello:7", "sum:1,2,4"], _harness.Calls.Order(StringComparer.Ordinal));
    }
}
