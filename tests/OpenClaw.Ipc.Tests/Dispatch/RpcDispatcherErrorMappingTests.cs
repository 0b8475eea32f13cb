using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Testing;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>
/// The one place failures become errors: our own exceptions pass their safe message through, anything else becomes a
/// generic <c>-32603</c> that leaks nothing and leaves the details in the log.
/// </summary>
public sealed class RpcDispatcherErrorMappingTests
{
    private readonly DispatchHarness _harness = new();

    [Fact]
    public async Task Dispatch_RpcException_PassesCodeMessageAndDataThrough()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.rpc", "id": 1}"""));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.Conflict);
        Assert.Equal("Session 'main' is busy; wait for its turn to end.", RpcAssert.Message(error));
        Assert.Equal("""{"sessionKey":"main"}""", RpcAssert.Data(error).GetRawText());
    }

    [Fact]
    public async Task Dispatch_RpcExceptionFromAnAsyncHandler_PassesThroughWithoutData()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.rpc.async", "id": 1}"""));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.NotFound);
        Assert.Equal("No session 'x'; list them with sessions.list.", RpcAssert.Message(error));
        RpcAssert.NoData(error);
    }

    [Fact]
    public async Task Dispatch_MapException_TurnsAHostExceptionIntoItsError()
    {
        var harness = new DispatchHarness(new RpcDispatcherOptions
        {
            MapException = ex => ex is KeyNotFoundException ? new RpcError(RpcErrorCodes.NotFound, "Not found.", new JsonObject { ["kind"] = "key" }) : null,
        });

        var mapped = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.keynotfound", "id": 1}"""));
        var unmapped = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.other", "id": 2}"""));

        var error = RpcAssert.Error(mapped, "1", RpcErrorCodes.NotFound);
        Assert.Equal("Not found.", RpcAssert.Message(error));
        Assert.Equal("""{"kind":"key"}""", RpcAssert.Data(error).GetRawText());
        Assert.DoesNotContain("hunter2", RpcAssert.Message(RpcAssert.Error(unmapped, "2", RpcErrorCodes.InternalError)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_MapException_IsNotAskedAboutRpcExceptions()
    {
        var asked = 0;
        var harness = new DispatchHarness(new RpcDispatcherOptions
        {
            MapException = _ =>
            {
                asked++;
                return new RpcError(RpcErrorCodes.InternalError, "mapped");
            },
        });

        var response = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.rpc", "id": 1}"""));

        RpcAssert.Error(response, "1", RpcErrorCodes.Conflict);
        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task Dispatch_OpenClawException_PassesItsMessageAsInternalError()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.openclaw", "id": 1}"""));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.InternalError);
        Assert.Equal("The store is read-only; free disk space and restart the gateway.", RpcAssert.Message(error));
        RpcAssert.NoData(error);
    }

    [Theory]
    [InlineData("fail.other")]
    [InlineData("fail.other.async")]
    public async Task Dispatch_AnyOtherException_IsAGenericInternalErrorThatLeaksNothing(string method)
    {
        var response = RpcAssert.Single(await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "id": 1}"""));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.InternalError);
        var message = RpcAssert.Message(error);
        RpcAssert.NoData(error);
        foreach (var part in new[] { "hunter2", "Password", "/home/alice", ".secret", "connection failed", "async failure", "InvalidOperationException", "   at " })
        {
            Assert.DoesNotContain(part, message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Dispatch_AnyOtherException_IsLoggedWithItsDetailsUnderTheRequestIdTheClientSees()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.other", "id": 1}"""));

        var message = RpcAssert.Message(RpcAssert.Error(response, "1", RpcErrorCodes.InternalError));
        var logged = Assert.Single(_harness.Logger.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Contains(DispatchHarness.LeakedDetail, logged.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("fail.other", logged.Message, StringComparison.Ordinal);
        var requestId = logged.Message[(logged.Message.IndexOf("(request ", StringComparison.Ordinal) + "(request ".Length)..].TrimEnd(')');
        Assert.StartsWith("c1-", requestId, StringComparison.Ordinal);
        Assert.Contains($"request {requestId}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_ExpectedFailures_AreNotLoggedAsErrors()
    {
        await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.rpc", "id": 1}""");
        await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.openclaw", "id": 2}""");
        await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {}, "id": 3}""");

        Assert.DoesNotContain(_harness.Logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(3, _harness.Logger.Entries.Count(e => e.Level == LogLevel.Debug));
    }

    [Theory]
    [InlineData("fail.result")]
    [InlineData("fail.result.async")]
    public async Task Dispatch_ResultWhoseSerializationThrows_IsAnErrorNotAHalfWrittenResponse(string method)
    {
        var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "id": 1}""");

        var response = RpcAssert.Single(reply);
        var error = RpcAssert.Error(response, "1", RpcErrorCodes.InternalError);
        Assert.DoesNotContain("written", System.Text.Encoding.UTF8.GetString(reply.Body.Span), StringComparison.Ordinal);
        Assert.DoesNotContain("getter failed", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Equal(RpcErrorCodes.InternalError, reply.SingleError?.Code);
        Assert.Contains(_harness.Logger.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Dispatch_CancelledWhileTheHandlerRuns_IsAnInternalErrorSayingSo()
    {
        _harness.GateTarget = 1;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var pending = _harness.Dispatcher.DispatchAsync(
            """{"jsonrpc": "2.0", "method": "gate.echo", "params": {"text": "a"}, "id": 1}"""u8.ToArray(), DispatchHarness.Connection(), cancellation.Token).AsTask();
        await _harness.AllAtGate.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        await cancellation.CancelAsync();
        var reply = await pending.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "1", RpcErrorCodes.InternalError);
        Assert.Contains("cancelled", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.DoesNotContain(_harness.Logger.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Dispatch_InvalidParamsThrownByAHandler_CarriesTheField()
    {
        var table = new RpcMethodTable().Add("check", Role.None, DispatchTestJsonContext.Default.EchoParams, DispatchTestJsonContext.Default.String, (p, _, _) =>
            p.Text.Length > 3 ? throw RpcException.InvalidParams("Invalid params: text is longer than 3 characters.", "text") : ValueTask.FromResult(p.Text));
        var dispatcher = new RpcDispatcher(table);

        var reply = await dispatcher.DispatchAsync(
            """{"jsonrpc": "2.0", "method": "check", "params": {"text": "long"}, "id": 1}"""u8.ToArray(), DispatchHarness.Connection(), TestContext.Current.CancellationToken);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "1", RpcErrorCodes.InvalidParams);
        Assert.Equal("text", RpcAssert.Data(error).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.1, 1)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(59.5, 60)]
    public void RateLimited_RetryAfter_IsWholeSecondsRoundedUpAtLeastOne(double seconds, int expected)
    {
        var error = RpcError.RateLimited(TimeSpan.FromSeconds(seconds));

        Assert.Equal(RpcErrorCodes.RateLimited, error.Code);
        Assert.Equal(expected, (int)error.Data!["retryAfterSeconds"]!);
    }
}
