using System.Text;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>Single requests and notifications: ids, request validation and parse errors, as the client receives them.</summary>
public sealed class RpcDispatcherTests
{
    private readonly DispatchHarness _harness = new();

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-7")]
    [InlineData("1.5")]
    [InlineData("-0.000001")]
    [InlineData("1e3")]
    [InlineData("12345678901234567890123456789012345678901234567890")]
    [InlineData("9007199254740993")]
    [InlineData("\"abc\"")]
    [InlineData("\"\"")]
    [InlineData("\"550e8400-e29b-41d4-a716-446655440000\"")]
    [InlineData("null")]
    public async Task Dispatch_Id_IsEchoedExactly(string id)
    {
        var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "hi"}, "id": {{id}}}""");

        RpcAssert.Result(RpcAssert.Single(reply), id, "\"hi\"");
        Assert.Null(reply.SingleError);
    }

    [Fact]
    public async Task Dispatch_StringIdWithEscapes_IsEchoedAsTheSameString()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "hi"}, "id": "a\"b\u00e9\ud83d\ude00\n"}"""));

        Assert.Equal("a\"bé😀\n", response.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Dispatch_NullId_IsAnsweredAsARequestNotANotification()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "whoami", "id": null}"""));

        RpcAssert.Result(response, "null", """{"subject": null, "role": null, "method": "whoami", "isNotification": false}""");
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "method": "fail.other"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "fail.other.async"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "fail.rpc"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "fail.result"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "no.such.method"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": "x"}}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23]}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "admin.users"}""")]
    public async Task Dispatch_NotificationThatFails_GetsNoReply(string notification)
    {
        var reply = await _harness.SendAsync(notification);

        RpcAssert.NoReply(reply);
    }

    [Fact]
    public async Task Dispatch_NotificationWhoseHandlerThrows_StillRunsAndIsLogged()
    {
        RpcAssert.NoReply(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.other"}"""));

        Assert.Equal(["fail.other"], _harness.Calls);
        Assert.Contains(_harness.Logger.Entries, e => e.Exception is InvalidOperationException && e.Message.Contains("fail.other", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispatch_SuccessfulNotification_RunsTheHandlerAndGetsNoReply()
    {
        var reply = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "notify_hello", "params": {"value": 3}}""");

        RpcAssert.NoReply(reply);
        Assert.Equal(["notify_hello:3"], _harness.Calls);
    }

    [Theory]
    [InlineData("\"bar\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Dispatch_ParamsNeitherObjectNorArray_IsInvalidRequestEchoingTheId(string parameters)
    {
        var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "echo", "params": {{parameters}}, "id": 7}""");

        var error = RpcAssert.Error(RpcAssert.Single(reply), "7", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: params, when present, must be an object or an array.", RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.InvalidRequest, reply.SingleError?.Code);
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"n": 1}""")]
    [InlineData("[]")]
    [InlineData("[1]")]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Dispatch_IdOfAnInvalidType_IsInvalidRequestWithNullId(string id)
    {
        var response = RpcAssert.Single(await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "hi"}, "id": {{id}}}"""));

        var error = RpcAssert.Error(response, "null", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: id must be a string, a number or null.", RpcAssert.Message(error));
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("""{"method": "echo", "params": {"text": "hi"}, "id": 1}""")]
    [InlineData("""{"jsonrpc": "1.0", "method": "echo", "params": {"text": "hi"}, "id": 1}""")]
    [InlineData("""{"jsonrpc": "2.00", "method": "echo", "params": {"text": "hi"}, "id": 1}""")]
    [InlineData("""{"jsonrpc": 2.0, "method": "echo", "params": {"text": "hi"}, "id": 1}""")]
    [InlineData("""{"jsonrpc": null, "method": "echo", "params": {"text": "hi"}, "id": 1}""")]
    public async Task Dispatch_JsonrpcMissingOrNotExactly20_IsInvalidRequestEchoingTheId(string request)
    {
        var response = RpcAssert.Single(await _harness.SendAsync(request));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: jsonrpc must be exactly \"2.0\".", RpcAssert.Message(error));
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "id": "m"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": 5, "id": "m"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": null, "id": "m"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": ["echo"], "id": "m"}""")]
    public async Task Dispatch_MethodMissingOrNotAString_IsInvalidRequestEchoingTheId(string request)
    {
        var response = RpcAssert.Single(await _harness.SendAsync(request));

        var error = RpcAssert.Error(response, "\"m\"", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: method must be a string.", RpcAssert.Message(error));
    }

    [Fact]
    public async Task Dispatch_UnknownTopLevelMember_IsInvalidRequestNamingItAndEchoingTheId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "hi"}, "id": 9, "auth": "x"}"""));

        var error = RpcAssert.Error(response, "9", RpcErrorCodes.InvalidRequest);
        Assert.Contains("'auth'", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("\"hello\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Dispatch_MessageThatIsNotAnObjectOrArray_IsInvalidRequestWithNullId(string message)
    {
        var reply = await _harness.SendAsync(message);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.InvalidRequest);
        Assert.Equal("Invalid Request: a request must be a JSON object.", RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.InvalidRequest, reply.SingleError?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("{")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "id": 1,}""")]
    [InlineData("""{'jsonrpc': '2.0', 'method': 'echo', 'id': 1}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "id": 1} {"jsonrpc": "2.0"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "id": 1} // comment""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "id": NaN}""")]
    public async Task Dispatch_InvalidJson_IsParseErrorWithNullId(string message)
    {
        var reply = await _harness.SendAsync(message);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.StartsWith("Parse error: the message is not valid JSON", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Equal(RpcErrorCodes.ParseError, reply.SingleError?.Code);
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "method": "fail.other", "params": {"text": "a"}, "id": 1}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a", "text": "b"}, "id": 1}""")]
    [InlineData("""[{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1, "id": 2}]""")]
    public async Task Dispatch_DuplicateKeys_AreAParseErrorAndNothingRuns(string message)
    {
        var reply = await _harness.SendAsync(message);

        RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Dispatch_NestingUpToMaxJsonDepth_IsAccepted()
    {
        var harness = new DispatchHarness(new RpcDispatcherOptions { MaxJsonDepth = () => 6 });

        // request (1) > params (2) > extra (3) > 3 more arrays = 6
        var response = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "profile", "params": {"name": "a", "extra": [[[[1]]]]}, "id": 1}"""));

        Assert.Equal("Array", response.GetProperty("result").GetProperty("extraKind").GetString());
    }

    [Fact]
    public async Task Dispatch_NestingPastMaxJsonDepth_IsAParseErrorAndNothingRuns()
    {
        var harness = new DispatchHarness(new RpcDispatcherOptions { MaxJsonDepth = () => 6 });

        var reply = await harness.SendAsync("""{"jsonrpc": "2.0", "method": "profile", "params": {"name": "a", "extra": [[[[[1]]]]]}, "id": 1}""");

        RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.Empty(harness.Calls);
    }

    [Fact]
    public async Task Dispatch_DeeplyNestedArrayBomb_IsAParseErrorAtTheDefaultDepth()
    {
        var bomb = new string('[', 100_000) + new string(']', 100_000);

        var reply = await _harness.SendAsync(bomb);

        RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    public async Task Dispatch_InvalidUtf8OutsideStrings_IsAParseError(byte[] message)
    {
        var reply = await _harness.Dispatcher.DispatchAsync(message, DispatchHarness.Connection(), TestContext.Current.CancellationToken);

        RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "method": "X", "id": 1}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": "X"}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1, "X": 0}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a", "X": 0}, "id": 1}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "X"}, "id": 1}""")]
    public async Task Dispatch_InvalidUtf8InsideAString_IsAParseErrorAndNothingRuns(string template)
    {
        var message = Encoding.UTF8.GetBytes(template).Select(b => b == (byte)'X' ? (byte)0xFF : b).ToArray();

        var reply = await _harness.Dispatcher.DispatchAsync(message, DispatchHarness.Connection(), TestContext.Current.CancellationToken);

        var error = RpcAssert.Error(RpcAssert.Single(reply), "null", RpcErrorCodes.ParseError);
        Assert.Contains("UTF-8", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Dispatch_MethodWithAnUnpairedSurrogate_IsInvalidRequestEchoingTheId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo\ud800", "id": 1}"""));

        RpcAssert.Error(response, "1", RpcErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Dispatch_JsonrpcWithAnUnpairedSurrogate_IsInvalidRequestEchoingTheId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0\ud800", "method": "echo", "params": {"text": "a"}, "id": 1}"""));

        RpcAssert.Error(response, "1", RpcErrorCodes.InvalidRequest);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Dispatch_JsonrpcWrittenWithEscapes_IsStill20()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2\u002e0", "method": "echo", "params": {"text": "a"}, "id": 1}"""));

        RpcAssert.Result(response, "1", "\"a\"");
    }

    [Fact]
    public async Task Dispatch_IdWithAnUnpairedSurrogate_IsInvalidRequestWithNullId()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": "a\udc00"}"""));

        RpcAssert.Error(response, "null", RpcErrorCodes.InvalidRequest);
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1, "\ud800": 0}""")]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a", "\ud800": 0}, "id": 1}""")]
    public async Task Dispatch_MemberNameWithAnUnpairedSurrogate_IsAParseError(string message)
    {
        var response = RpcAssert.Single(await _harness.SendAsync(message));

        RpcAssert.Error(response, "null", RpcErrorCodes.ParseError);
    }

    [Fact]
    public async Task Dispatch_ParamStringWithAnUnpairedSurrogate_IsInvalidParamsNamingTheField()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "\ud800"}, "id": 1}"""));

        var error = RpcAssert.Error(response, "1", RpcErrorCodes.InvalidParams);
        Assert.Equal("text", RpcAssert.Data(error).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Dispatch_HugeUnknownMethodName_IsNamedShortenedInTheError()
    {
        var name = new string('m', 10_000);

        var response = RpcAssert.Single(await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{name}}", "id": 1}"""));

        var message = RpcAssert.Message(RpcAssert.Error(response, "1", RpcErrorCodes.MethodNotFound));
        Assert.True(message.Length < 200, message);
    }

    [Theory]
    [InlineData("""{"jsonrpc": "2.0", "method": "NAME", "id": 1}""", RpcErrorCodes.MethodNotFound)]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "id": 1, "NAME": 0}""", RpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a", "NAME": 0}, "id": 1}""", RpcErrorCodes.InvalidParams)]
    public async Task Dispatch_LongNameShortenedInsideASurrogatePair_IsStillAValidErrorNamingIt(string template, int code)
    {
        // 63 ASCII characters then an emoji: cutting at 64 UTF-16 units would split the emoji's surrogate pair.
        var name = new string('n', 63) + "\ud83d\ude00" + new string('n', 10);

        var response = RpcAssert.Single(await _harness.SendAsync(template.Replace("NAME", name, StringComparison.Ordinal)));

        var message = RpcAssert.Message(RpcAssert.Error(response, "1", code));
        Assert.Contains(new string('n', 63), message, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', message);
    }

    [Fact]
    public async Task Dispatch_Success_HasNoSingleErrorAndTheErrorCaseCarriesTheError()
    {
        var ok = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1}""");
        var failed = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "nope", "id": 1}""");
        var notification = await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "nope"}""");

        Assert.Null(ok.SingleError);
        Assert.Equal(RpcErrorCodes.MethodNotFound, failed.SingleError?.Code);
        Assert.Equal(RpcAssert.Message(RpcAssert.Single(failed).GetProperty("error")), failed.SingleError?.Message);
        Assert.Null(notification.SingleError);
    }

    [Fact]
    public async Task Dispatch_AsyncHandler_AnswersWithItsResult()
    {
        var response = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo.async", "params": {"text": "later"}, "id": "a"}"""));

        RpcAssert.Result(response, "\"a\"", "\"later\"");
    }

    [Fact]
    public async Task Dispatch_Handler_SeesTheContextOfItsCall()
    {
        var services = new SingleServiceProvider();
        RpcContext? seen = null;
        var table = new RpcMethodTable().Add("ctx", Role.None, DispatchTestJsonContext.Default.String, (context, _) =>
        {
            seen = context;
            return ValueTask.FromResult("ok");
        });
        var dispatcher = new RpcDispatcher(table, new RpcDispatcherOptions { Services = services });
        var connection = DispatchHarness.Connection(Principal.GatewayToken);

        await dispatcher.DispatchAsync("""{"jsonrpc": "2.0", "method": "ctx", "id": "x"}"""u8.ToArray(), connection, TestContext.Current.CancellationToken);
        var firstRequestId = seen!.RequestId;
        await dispatcher.DispatchAsync("""{"jsonrpc": "2.0", "method": "ctx"}"""u8.ToArray(), connection, TestContext.Current.CancellationToken);

        Assert.Same(services, seen.Services);
        Assert.Same(connection, seen.Connection);
        Assert.Same(Principal.GatewayToken, seen.Principal);
        Assert.Equal("ctx", seen.Method);
        Assert.True(seen.IsNotification);
        Assert.StartsWith("c1-", firstRequestId, StringComparison.Ordinal);
        Assert.NotEqual(firstRequestId, seen.RequestId);
    }

    [Fact]
    public async Task Dispatch_ManyConcurrentRequests_EachGetsItsOwnIdAndResult()
    {
        const int count = 64;
        _harness.GateTarget = count;
        var pending = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var id = i % 2 == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"s{i}\"";
            var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "gate.echo", "params": {"text": "t{{i}}"}, "id": {{id}}}""");
            return (Id: id, Text: $"\"t{i}\"", Reply: reply);
        }, TestContext.Current.CancellationToken)).ToArray();

        // Every handler is in flight at once before any finishes: the dispatcher does not serialise callers.
        await _harness.AllAtGate.Task.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, TestContext.Current.CancellationToken);
        _harness.Gate.SetResult();
        var results = await Task.WhenAll(pending);

        Assert.All(results, r => RpcAssert.Result(RpcAssert.Single(r.Reply), r.Id, r.Text));
    }

    [Fact]
    public async Task Dispatch_ManyConcurrentMixedCalls_NeverCrossTheirResponses()
    {
        var pending = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var method = (i % 4) switch { 0 => "echo", 1 => "echo.async", 2 => "fail.other.async", _ => "subtract" };
            var parameters = method switch
            {
                "subtract" => $$"""{"minuend": {{i}}, "subtrahend": 1}""",
                "fail.other.async" => "{}",
                _ => $$"""{"text": "t{{i}}"}""",
            };
            var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "params": {{parameters}}, "id": {{i}}}""");
            return (I: i, Method: method, Response: RpcAssert.Single(reply));
        }, TestContext.Current.CancellationToken)).ToArray();

        var results = await Task.WhenAll(pending);

        foreach (var (i, method, response) in results)
        {
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            switch (method)
            {
                case "fail.other.async":
                    RpcAssert.Error(response, id, RpcErrorCodes.InternalError);
                    break;
                case "subtract":
                    RpcAssert.Result(response, id, (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    RpcAssert.Result(response, id, $"\"t{i}\"");
                    break;
            }
        }
    }

    private sealed class SingleServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
