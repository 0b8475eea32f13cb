using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>The role table is enforced before any handler runs, and the host's hooks see and may refuse every call.</summary>
public sealed class RpcDispatcherAuthorizationTests
{
    [Fact]
    public async Task Dispatch_NoneMethodWithoutPrincipal_Runs()
    {
        var harness = new DispatchHarness();

        var response = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "whoami", "id": 1}"""));

        RpcAssert.Result(response, "1", """{"subject": null, "role": null, "method": "whoami", "isNotification": false}""");
    }

    [Theory]
    [InlineData("viewer.read")]
    [InlineData("operator.chat")]
    [InlineData("admin.users")]
    [InlineData("system.methods")]
    public async Task Dispatch_ProtectedMethodWithoutPrincipal_IsUnauthenticated(string method)
    {
        var harness = new DispatchHarness();

        var reply = await harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "id": 1}""");

        var error = RpcAssert.Error(RpcAssert.Single(reply), "1", RpcErrorCodes.Unauthenticated);
        Assert.Equal(
            $"Authentication required: '{method}' needs a credential (a gateway token or a user access token).",
            RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.Unauthenticated, reply.SingleError?.Code);
    }

    [Theory]
    [InlineData(Role.Viewer, "operator.chat", "operator", "viewer")]
    [InlineData(Role.Viewer, "admin.users", "admin", "viewer")]
    [InlineData(Role.Operator, "admin.users", "admin", "operator")]
    [InlineData(Role.None, "viewer.read", "viewer", "none")]
    public async Task Dispatch_LowerRole_IsForbiddenNamingBothRoles(Role held, string method, string needed, string had)
    {
        var harness = new DispatchHarness();

        var reply = await harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "id": 1}""", new Principal("user:u1", held, "u1", "ann"));

        var error = RpcAssert.Error(RpcAssert.Single(reply), "1", RpcErrorCodes.Forbidden);
        Assert.Equal($"Forbidden: '{method}' needs the {needed} role; you have {had}.", RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.Forbidden, reply.SingleError?.Code);
    }

    [Theory]
    [InlineData(Role.Viewer, "viewer.read")]
    [InlineData(Role.Operator, "viewer.read")]
    [InlineData(Role.Admin, "viewer.read")]
    [InlineData(Role.Operator, "operator.chat")]
    [InlineData(Role.Admin, "operator.chat")]
    [InlineData(Role.Admin, "admin.users")]
    [InlineData(Role.Viewer, "whoami")]
    public async Task Dispatch_SameOrHigherRole_Runs(Role held, string method)
    {
        var harness = new DispatchHarness();

        var response = RpcAssert.Single(await harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "id": 1}""", new Principal("user:u1", held)));

        RpcAssert.Result(response, "1", $$"""{"subject": "user:u1", "role": "{{held.ToWire()}}", "method": "{{method}}", "isNotification": false}""");
    }

    [Fact]
    public async Task Dispatch_PrincipalSetLaterOnTheConnection_AppliesToTheNextCall()
    {
        var harness = new DispatchHarness();
        var connection = DispatchHarness.Connection();
        var before = await harness.SendAsync("""{"jsonrpc": "2.0", "method": "admin.users", "id": 1}""", connection);

        connection.Principal = Principal.GatewayToken;
        var after = await harness.SendAsync("""{"jsonrpc": "2.0", "method": "admin.users", "id": 2}""", connection);

        RpcAssert.Error(RpcAssert.Single(before), "1", RpcErrorCodes.Unauthenticated);
        RpcAssert.Result(RpcAssert.Single(after), "2", """{"subject": "gateway-token", "role": "admin", "method": "admin.users", "isNotification": false}""");
    }

    [Fact]
    public async Task Dispatch_UnknownMethodWithoutPrincipal_IsMethodNotFound()
    {
        var harness = new DispatchHarness();

        var response = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "nope", "id": 1}"""));

        RpcAssert.Error(response, "1", RpcErrorCodes.MethodNotFound);
    }

    [Fact]
    public async Task Dispatch_BeforeCallRefusal_IsTheAnswerAndTheHandlerDoesNotRun()
    {
        var hooks = new RecordingHooks { Refuse = (_, _) => RpcError.RateLimited(TimeSpan.FromSeconds(2.5)) };
        var harness = new DispatchHarness(new RpcDispatcherOptions { Hooks = hooks });

        var reply = await harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1}""");

        var error = RpcAssert.Error(RpcAssert.Single(reply), "1", RpcErrorCodes.RateLimited);
        Assert.Equal("Too many requests; try again later.", RpcAssert.Message(error));
        Assert.Equal(3, RpcAssert.Data(error).GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal(RpcErrorCodes.RateLimited, reply.SingleError?.Code);
        Assert.Equal(3, RpcAssert.Data(error).EnumerateObject().Single().Value.GetInt32());
        Assert.Empty(harness.Calls);
    }

    [Fact]
    public async Task Dispatch_BeforeCall_RunsBeforeTheRoleCheckAndSeesTheMinimumRole()
    {
        var hooks = new RecordingHooks
        {
            Refuse = (context, role) => context.Principal is null && role != Role.None ? RpcError.RateLimited(TimeSpan.FromSeconds(30)) : null,
        };
        var harness = new DispatchHarness(new RpcDispatcherOptions { Hooks = hooks });

        var refused = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "admin.users", "id": 1}"""));
        var allowed = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "whoami", "id": 2}"""));

        Assert.Equal(30, RpcAssert.Data(RpcAssert.Error(refused, "1", RpcErrorCodes.RateLimited)).GetProperty("retryAfterSeconds").GetInt32());
        Assert.True(allowed.TryGetProperty("result", out _));
        Assert.Equal([("admin.users", Role.Admin, false), ("whoami", Role.None, false)], hooks.Before);
    }

    [Fact]
    public async Task Dispatch_BeforeCall_CountsUnknownMethodsAsAnyoneMayCall_ButNotInvalidRequests()
    {
        var hooks = new RecordingHooks { Refuse = (context, _) => context.Method == "limited.nope" ? RpcError.RateLimited(TimeSpan.FromSeconds(2)) : null };
        var harness = new DispatchHarness(new RpcDispatcherOptions { Hooks = hooks });

        var unknown = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "nope", "id": 1}"""));
        var limited = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "limited.nope", "id": 2}"""));
        await harness.SendAsync("""{"jsonrpc": "1.0", "method": "echo", "id": 1}""");

        RpcAssert.Error(unknown, "1", RpcErrorCodes.MethodNotFound);
        RpcAssert.Error(limited, "2", RpcErrorCodes.RateLimited); // an unknown name is no way around the rate limit
        Assert.Equal([("nope", Role.None, false), ("limited.nope", Role.None, false)], hooks.Before);
    }

    [Fact]
    public async Task Dispatch_AfterCall_SeesEveryCallsOutcomeCode()
    {
        var hooks = new RecordingHooks { Refuse = (context, _) => context.Method == "greet" ? RpcError.RateLimited(TimeSpan.FromSeconds(1)) : null };
        var harness = new DispatchHarness(new RpcDispatcherOptions { Hooks = hooks });

        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "nope", "id": 2}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 1}, "id": 3}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "admin.users", "id": 4}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "admin.users", "id": 5}""", new Principal("user:v", Role.Viewer));
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.other.async"}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "greet", "id": 7}""");
        await harness.SendAsync("""{"jsonrpc": "2.0", "method": "fail.result", "id": 8}""");

        Assert.Equal(
            [
                ("echo", (int?)null),
                ("nope", RpcErrorCodes.MethodNotFound),
                ("subtract", RpcErrorCodes.InvalidParams),
                ("admin.users", RpcErrorCodes.Unauthenticated),
                ("admin.users", RpcErrorCodes.Forbidden),
                ("fail.other.async", RpcErrorCodes.InternalError),
                ("greet", RpcErrorCodes.RateLimited),
                ("fail.result", RpcErrorCodes.InternalError),
            ],
            hooks.After.Select(a => (a.Method, a.Code)));
        Assert.All(hooks.After, a => Assert.True(a.Elapsed >= TimeSpan.Zero));
    }

    [Fact]
    public async Task Dispatch_AfterCall_SeesEachBatchMember()
    {
        var hooks = new RecordingHooks();
        var harness = new DispatchHarness(new RpcDispatcherOptions { Hooks = hooks });

        await harness.SendAsync("""
            [
              {"jsonrpc": "2.0", "method": "echo", "params": {"text": "a"}, "id": 1},
              {"jsonrpc": "2.0", "method": "fail.rpc", "id": 2},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": {"value": 1}}
            ]
            """);

        Assert.Equal(
            [("echo", (int?)null), ("fail.rpc", RpcErrorCodes.Conflict), ("notify_hello", null)],
            hooks.After.Select(a => (a.Method, a.Code)).OrderBy(a => a.Method, StringComparer.Ordinal));
    }
}
