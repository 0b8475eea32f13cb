using System.Text;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>Batches: one response per non-notification member, in the batch's order, each member on its own.</summary>
public sealed class RpcDispatcherBatchTests
{
    private readonly DispatchHarness _harness = new();

    [Fact]
    public async Task Dispatch_MixedBatch_AnswersInTheBatchsOrderWhateverFinishesFirst()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "echo.async", "params": {"text": "slow"}, "id": 1},
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "fast"}, "id": "two"},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": {"value": 1}},
              {"jsonrpc": "2.0", "method": "fail.rpc", "id": 3.5},
              {"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 5, "subtrahend": 8}, "id": null}
            ]
            """));

        Assert.Equal(4, responses.Length);
        RpcAssert.Result(responses[0], "1", "\"slow\"");
        RpcAssert.Result(responses[1], "\"two\"", "\"fast\"");
        RpcAssert.Error(responses[2], "3.5", RpcErrorCodes.Conflict);
        RpcAssert.Result(responses[3], "null", "-3");
    }

    [Fact]
    public async Task Dispatch_BatchOfNotificationsThatFail_GetsNoReply()
    {
        var reply = await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "fail.other"},
              {"jsonrpc": "2.0", "method": "no.such.method"},
              {"jsonrpc": "2.0", "method": "subtract", "params": [1, 2]},
              {"jsonrpc": "2.0", "method": "admin.users"}
            ]
            """);

        RpcAssert.NoReply(reply);
        Assert.Equal(["fail.other"], _harness.Calls);
    }

    [Fact]
    public async Task Dispatch_BatchWithInvalidMembers_GivesEachItsOwnErrorInOrder()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              1,
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "ok"}, "id": 1},
              {"id": 2},
              "x",
              {"jsonrpc": "1.0", "method": "echo", "params": {"text": "a"}, "id": 3},
              {"jsonrpc": "2.0", "method": "echo", "params": "a", "id": 4},
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": true},
              [{"jsonrpc": "2.0", "method": "echo", "params": {"text": "nested"}, "id": 5}],
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "last"}, "id": 6}
            ]
            """));

        Assert.Equal(9, responses.Length);
        RpcAssert.Error(responses[0], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Result(responses[1], "1", "\"ok\"");
        RpcAssert.Error(responses[2], "2", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[3], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[4], "3", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[5], "4", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[6], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Error(responses[7], "null", RpcErrorCodes.InvalidRequest);
        RpcAssert.Result(responses[8], "6", "\"last\"");
        Assert.DoesNotContain("echo:nested", _harness.Calls);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData(" [ \n ] ")]
    public async Task Dispatch_EmptyBatch_IsOneInvalidRequestWithNullId(string message)
    {
        var reply = await _harness.SendAsync(message);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: an empty batch.", RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.InvalidRequest, reply.SingleError?.Code);
    }

    [Fact]
    public async Task Dispatch_BatchOverMaxBatch_IsOneInvalidRequestSayingSoAndNothingRuns()
    {
        var harness = new DispatchHarness(new RpcDispatcherOptions { MaxBatch = () => 3 });

        var reply = await harness.SendAsync(Batch(4));

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.InvalidRequest);
        Assert.Equal(
            "Invalid Request: a batch of 4 requests is over the limit of 3 (gateway.limits.maxBatch).",
            RpcAssert.Message(error));
        Assert.Empty(harness.Calls);
    }

    [Fact]
    public async Task Dispatch_BatchAtMaxBatch_IsAnsweredInFull()
    {
        var harness = new DispatchHarness(new RpcDispatcherOptions { MaxBatch = () => 3 });

        var responses = RpcAssert.Batch(await harness.SendAsync(Batch(3)));

        Assert.Equal(3, responses.Length);
        for (var i = 0; i < 3; i++)
        {
            RpcAssert.Result(responses[i], (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"\"m{i + 1}\"");
        }
    }

    [Fact]
    public async Task Dispatch_MaxBatch_IsReadForEveryMessageSoAReloadTakesEffect()
    {
        var limit = 10;
        var harness = new DispatchHarness(new RpcDispatcherOptions { MaxBatch = () => limit });
        var first = await harness.SendAsync(Batch(5));

        limit = 2;
        var second = await harness.SendAsync(Batch(5));

        Assert.Equal(5, RpcAssert.Batch(first).Length);
        RpcAssert.Error(RpcAssert.Single(second), "null", RpcErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Dispatch_DefaultMaxBatch_Is100()
    {
        var at = await _harness.SendAsync(Batch(100));
        var over = await _harness.SendAsync(Batch(101));

        Assert.Equal(100, RpcAssert.Batch(at).Length);
        Assert.Contains("limit of 100", RpcAssert.Message(RpcAssert.Single(over).GetProperty("error")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_BatchOfOneFailingRequest_HasNoSingleError()
    {
        var reply = await _harness.SendAsync("""[{"jsonrpc": "2.0", "method": "admin.users", "id": 1}]""");

        var response = Assert.Single(RpcAssert.Batch(reply));
        RpcAssert.Error(response, "1", RpcErrorCodes.Unauthenticated);
        Assert.Null(reply.SingleError);
    }

    [Fact]
    public async Task Dispatch_BatchWithRepeatedIds_AnswersEveryMember()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1},
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "b"}, "id": 1}
            ]
            """));

        RpcAssert.Result(responses[0], "1", "\"a\"");
        RpcAssert.Result(responses[1], "1", "\"b\"");
    }

    [Fact]
    public async Task Dispatch_BatchMemberWhoseResultCannotBeWritten_IsAnErrorAndTheArrayStaysValid()
    {
        var responses = RpcAssert.Batch(await _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "before"}, "id": 1},
              {"jsonrpc": "2.0", "method": "fail.result", "id": 2},
              {"jsonrpc": "2.0", "method": "fail.result.async", "id": 3},
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "after"}, "id": 4}
            ]
            """));

        RpcAssert.Result(responses[0], "1", "\"before\"");
        RpcAssert.Error(responses[1], "2", RpcErrorCodes.InternalError);
        RpcAssert.Error(responses[2], "3", RpcErrorCodes.InternalError);
        RpcAssert.Result(responses[3], "4", "\"after\"");
    }

    [Fact]
    public async Task Dispatch_BatchMembers_RunConcurrently()
    {
        _harness.GateTarget = 3;
        var pending = _harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "gate.echo", "params": {"text": "a"}, "id": 1},
              {"jsonrpc": "2.0", "method": "gate.echo", "params": {"text": "b"}, "id": 2},
              {"jsonrpc": "2.0", "method": "gate.echo", "params": {"text": "c"}, "id": 3}
            ]
            """).AsTask();

        await _harness.AllAtGate.Task.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, TestContext.Current.CancellationToken);
        _harness.Gate.SetResult();
        var responses = RpcAssert.Batch(await pending);

        RpcAssert.Result(responses[0], "1", "\"a\"");
        RpcAssert.Result(responses[1], "2", "\"b\"");
        RpcAssert.Result(responses[2], "3", "\"c\"");
    }

    private static string Batch(int count)
    {
        var text = new StringBuilder("[");
        for (var i = 1; i <= count; i++)
        {
            text.Append(i == 1 ? "" : ",").Append($$"""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "m{{i}}"}, "id": {{i}}}""");
        }

        return text.Append(']').ToString();
    }
}
