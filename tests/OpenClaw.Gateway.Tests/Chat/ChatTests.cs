using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Agents.Tools;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Gateway.Tests.Chat;

/// <summary>
/// Chat through the real gateway (WebSocket and HTTP) against a loopback fake model: streaming, the tool loop, approvals,
/// abort, queueing, the turn timeout, and that the session's events replay to what the client saw.
/// </summary>
public sealed class ChatTests : IAsyncLifetime
{
    private readonly RecordingTool _echo = new("echo");
    private readonly RecordingTool _danger = new("danger", dangerous: true);
    private FakeOpenAIServer _model = null!;
    private TestGateway? _gateway;

    private const string ProviderKey = "sk-chat-tests-secret-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _model = await FakeOpenAIServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _model.DisposeAsync();
    }

    private async Task<TestGateway> StartAsync(string agentExtra = "approval: \"never\"", string agentTop = "")
    {
        _gateway = await TestGateway.StartAsync(
            $$"""
            {
              providers: { local: { type: "openai-compatible", baseUrl: "{{_model.BaseUrl.AbsoluteUri}}", maxRetries: 0, apiKey: "{{ProviderKey}}" } },
              agents: { default: { model: "local/fake-model", {{agentTop}} tools: { {{agentExtra}} } } },
            }
            """,
            services: s => s.AddSingleton(new ToolRegistry([_echo, _danger])));
        return _gateway;
    }

    private static async Task<string> NewSessionAsync(RpcTestClient rpc) =>
        (await rpc.ResultAsync("sessions.create", null, Ct)).GetProperty("sessionKey").GetString()!;

    private static string Send(string sessionKey, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["sessionKey"] = sessionKey, ["message"] = message });

    // Every chat.event of one run, up to and including done or error.
    private static async Task<List<JsonElement>> RunEventsAsync(WebSocketRpcTestClient ws, string runId)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var n = await ws.WaitForNotificationAsync(p => p.TryGetProperty("runId", out var r) && r.GetString() == runId, Ct);
            Assert.Equal("chat.event", n.GetProperty("method").GetString());
            var p = n.GetProperty("params");
            events.Add(p);
            if (p.GetProperty("kind").GetString() is "done" or "error")
            {
                return events;
            }
        }
    }

    private static string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;

    [Fact]
    public async Task Send_streams_the_reply_and_the_log_replays_to_what_the_client_saw()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _model.Enqueue(new FakeReply { Blocks = [new FakeText("Hello there, how can I help you today?")], DeltaChars = 5, Usage = new(12, 9) });

        var runId = (await ws.ResultAsync("chat.send", Send(session, "hi"), Ct)).GetProperty("runId").GetString()!;
        var events = await RunEventsAsync(ws, runId);

        var deltas = events.Where(e => Kind(e) == "delta").Select(e => e.GetProperty("text").GetString()).ToList();
        Assert.True(deltas.Count > 1, "the reply arrives in pieces");
        var done = events[^1];
        Assert.Equal("done", Kind(done));
        Assert.Equal("Hello there, how can I help you today?", string.Concat(deltas));
        Assert.Equal(string.Concat(deltas), done.GetProperty("reply").GetString());
        Assert.Equal(9, done.GetProperty("usage").GetProperty("outputTokens").GetInt64());

        var log = (await ws.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(
            ["session_started", "message_received", "state_changed", "agent_response", "state_changed"],
            log.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("hi", log[1].GetProperty("text").GetString());
        Assert.Equal("run.started", log[2].GetProperty("key").GetString());
        Assert.Equal(done.GetProperty("reply").GetString(), log[3].GetProperty("text").GetString());
        Assert.Equal("local/fake-model", log[3].GetProperty("model").GetString());
        Assert.Equal(12, log[3].GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal("run.completed", log[4].GetProperty("key").GetString());

        var history = (await ws.ResultAsync("chat.history", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], history.Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Tool_calls_run_in_parallel_and_their_results_go_back_to_the_model_in_its_order()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _echo.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Enqueue(
            new FakeReply { Blocks = [new FakeText("Checking."), new FakeToolCall("call_a", "echo", """{"text":"one"}"""), new FakeToolCall("call_b", "danger", """{"text":"two"}""")] },
            FakeReply.Text("Both done."));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "do two things"), Ct)).GetProperty("runId").GetString()!;

        // The second tool finishes while the first still waits: they run at the same time.
        var events = new List<JsonElement>();
        while (events.Count == 0 || Kind(events[^1]) != "tool_result")
        {
            events.Add((await ws.WaitForNotificationAsync(p => p.GetProperty("runId").GetString() == runId, Ct)).GetProperty("params"));
        }

        Assert.True(_echo.Entered.Task.IsCompleted && !_echo.Gate.Task.IsCompleted, "the first tool is still running");
        _echo.Gate.SetResult();
        events.AddRange(await RunEventsAsync(ws, runId));

        var kinds = events.Select(Kind).Where((k, i) => k != "delta" || i == 0 || Kind(events[i - 1]) != "delta"); // a run of deltas as one
        Assert.Equal(["delta", "tool_call", "tool_call", "tool_result", "tool_result", "delta", "done"], kinds);
        var results = events.Where(e => Kind(e) == "tool_result").ToList();
        Assert.Equal("call_b", results[0].GetProperty("toolCallId").GetString()); // finished first
        Assert.Equal("danger:two", results[0].GetProperty("result").GetProperty("echo").GetString());
        Assert.Equal("Both done.", events[^1].GetProperty("reply").GetString());

        // The model's second request carries both results, in the order it asked for them.
        var second = JsonDocument.Parse(_model.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body).RootElement;
        var toolMessages = second.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "tool").ToList();
        Assert.Equal(["call_a", "call_b"], toolMessages.Select(m => m.GetProperty("tool_call_id").GetString()));
        Assert.Contains("echo:one", toolMessages[0].GetProperty("content").GetString(), StringComparison.Ordinal);

        // The log holds every step the client saw, calls in the model's order.
        var log = (await ws.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["call_a", "call_b"], log.Where(e => e.GetProperty("type").GetString() == "tool_called").Select(e => e.GetProperty("toolCallId").GetString()));
        Assert.Equal(2, log.Count(e => e.GetProperty("type").GetString() == "tool_result" && e.GetProperty("success").GetBoolean()));
        Assert.Equal(["Checking.", "Both done."], log.Where(e => e.GetProperty("type").GetString() == "agent_response").Select(e => e.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_dangerous_call_waits_for_approval_and_runs_with_exactly_the_parameters_shown()
    {
        var gateway = await StartAsync("approval: \"dangerous\"");
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _model.Enqueue(FakeReply.ToolCall("call_1", "danger", """{"text":"rm it"}"""), FakeReply.Text("Done."));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "go"), Ct)).GetProperty("runId").GetString()!;
        var asked = await ws.WaitForNotificationAsync(p => p.GetProperty("kind").GetString() == "approval_required", Ct);
        var approvalId = asked.GetProperty("params").GetProperty("approvalId").GetString()!;
        Assert.Equal("danger", asked.GetProperty("params").GetProperty("tool").GetString());
        Assert.Equal("rm it", asked.GetProperty("params").GetProperty("params").GetProperty("text").GetString());
        Assert.Empty(_danger.Calls); // nothing ran before the decision

        var metrics = await gateway.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        Assert.Contains("openclaw_approvals_pending 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openclaw_agent_runs_active 1", metrics, StringComparison.Ordinal);
        var listed = (await ws.ResultAsync("approvals.list", null, Ct)).GetProperty("approvals").EnumerateArray().Single();
        Assert.Equal(approvalId, listed.GetProperty("approvalId").GetString());

        await ws.ResultAsync("approvals.resolve", $$"""{"approvalId":"{{approvalId}}","decision":"allow"}""", Ct);
        var events = await RunEventsAsync(ws, runId);

        Assert.Equal("done", Kind(events[^1]));
        Assert.Equal("rm it", Assert.Single(_danger.Calls).GetProperty("text").GetString());
        var second = await ws.ErrorAsync("approvals.resolve", $$"""{"approvalId":"{{approvalId}}","decision":"deny"}""", Ct);
        Assert.Equal(-32003, second.Code); // decided once
        var log = (await ws.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["asked", "allowed"], log.Where(e => e.GetProperty("type").GetString() == "state_changed" && e.GetProperty("key").GetString()!.StartsWith("approval.", StringComparison.Ordinal))
            .Select(e => e.GetProperty("value").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_denied_call_does_not_run_and_the_model_is_told_so()
    {
        var gateway = await StartAsync("approval: \"always\"");
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _model.Enqueue(FakeReply.ToolCall("call_1", "echo", """{"text":"x"}"""), FakeReply.Text("Understood."));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "go"), Ct)).GetProperty("runId").GetString()!;
        var asked = await ws.WaitForNotificationAsync(p => p.GetProperty("kind").GetString() == "approval_required", Ct);
        await ws.ResultAsync("approvals.resolve", $$"""{"approvalId":"{{asked.GetProperty("params").GetProperty("approvalId").GetString()}}","decision":"deny"}""", Ct);
        var events = await RunEventsAsync(ws, runId);

        Assert.Empty(_echo.Calls);
        var result = events.Single(e => Kind(e) == "tool_result");
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Contains("Denied", result.GetProperty("result").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Denied by the user", _model.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abort_stops_a_running_tool_within_a_second_and_records_it()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _echo.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // never released
        _model.Enqueue(FakeReply.ToolCall("call_1", "echo", """{"text":"slow"}"""));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "go"), Ct)).GetProperty("runId").GetString()!;
        await _echo.Entered.Task.WaitAsync(TestTimeouts.Default, Ct);
        var clock = Stopwatch.StartNew();
        var aborted = await ws.ResultAsync("chat.abort", $$"""{"runId":"{{runId}}"}""", Ct);
        var events = await RunEventsAsync(ws, runId);
        clock.Stop();

        Assert.True(aborted.GetProperty("aborted").GetBoolean());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"abort took {clock.Elapsed}");
        Assert.True(_echo.Cancelled.Task.IsCompleted);
        Assert.Equal("error", Kind(events[^1]));
        Assert.Equal(-32800, events[^1].GetProperty("code").GetInt32());
        var log = (await ws.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events").EnumerateArray().ToList();
        var result = log.Single(e => e.GetProperty("type").GetString() == "tool_result");
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Equal("run.aborted", log[^1].GetProperty("key").GetString());
        Assert.False((await ws.ResultAsync("chat.abort", $$"""{"runId":"{{runId}}"}""", Ct)).GetProperty("aborted").GetBoolean());
    }

    [Fact]
    public async Task A_second_send_queues_behind_the_running_turn_and_sees_its_answer()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _echo.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Enqueue(FakeReply.ToolCall("call_1", "echo", """{"text":"first"}"""), FakeReply.Text("First answer."), FakeReply.Text("Second answer."));

        var first = (await ws.ResultAsync("chat.send", Send(session, "message one"), Ct)).GetProperty("runId").GetString()!;
        await _echo.Entered.Task.WaitAsync(TestTimeouts.Default, Ct);
        var second = (await ws.ResultAsync("chat.send", Send(session, "message two"), Ct)).GetProperty("runId").GetString()!;
        var requestsWhileFirstRuns = _model.Requests.Count;
        _echo.Gate.SetResult();
        var firstEvents = await RunEventsAsync(ws, first);
        var secondEvents = await RunEventsAsync(ws, second);

        Assert.Equal(1, requestsWhileFirstRuns); // the queued message did not start a model call of its own
        Assert.Equal("First answer.", firstEvents[^1].GetProperty("reply").GetString());
        Assert.Equal("Second answer.", secondEvents[^1].GetProperty("reply").GetString());
        var calls = _model.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.Body).ToList();
        Assert.DoesNotContain("message two", calls[1], StringComparison.Ordinal); // the first turn never saw the second message
        var third = JsonDocument.Parse(calls[2]).RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() is "user" or "assistant" && m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            .Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Equal(["message one", "First answer.", "message two"], third);
    }

    [Fact]
    public async Task Ending_a_session_stops_its_running_turn()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _echo.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Enqueue(FakeReply.ToolCall("call_1", "echo", """{"text":"slow"}"""));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "go"), Ct)).GetProperty("runId").GetString()!;
        await _echo.Entered.Task.WaitAsync(TestTimeouts.Default, Ct);
        await ws.ResultAsync("sessions.end", $$"""{"sessionKey":"{{session}}"}""", Ct);
        var events = await RunEventsAsync(ws, runId);

        Assert.Equal("error", Kind(events[^1]));
        Assert.True(_echo.Cancelled.Task.IsCompleted);
        Assert.Equal("ended", (await ws.ResultAsync("sessions.get", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_turn_timeout_stops_a_run_and_says_which_setting_to_raise()
    {
        var gateway = await StartAsync(agentTop: "turnTimeoutSeconds: 1,");
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = await NewSessionAsync(ws);
        _echo.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Enqueue(FakeReply.ToolCall("call_1", "echo", """{"text":"slow"}"""));

        var runId = (await ws.ResultAsync("chat.send", Send(session, "go"), Ct)).GetProperty("runId").GetString()!;
        var events = await RunEventsAsync(ws, runId);

        Assert.Equal(-32801, events[^1].GetProperty("code").GetInt32());
        Assert.Contains("turnTimeoutSeconds", events[^1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(_echo.Cancelled.Task.IsCompleted);
    }

    [Fact]
    public async Task Wait_over_http_returns_the_reply_and_a_provider_failure_is_its_own_error()
    {
        var gateway = await StartAsync();
        using var http = gateway.Rpc();
        var session = await NewSessionAsync(http);
        _model.Enqueue(FakeReply.Text("Waited reply."), new FakeReply { Status = 500 });

        var result = await http.ResultAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"hi","wait":true}""", Ct);
        var failed = await http.ErrorAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"again","wait":true}""", Ct);

        Assert.Equal("Waited reply.", result.GetProperty("reply").GetString());
        Assert.True(result.GetProperty("usage").GetProperty("outputTokens").GetInt64() > 0);
        Assert.Equal(-32010, failed.Code);
        Assert.DoesNotContain("   at ", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_is_told_that_tool_output_is_data_and_offered_only_allowed_tools()
    {
        var gateway = await StartAsync("approval: \"never\", deny: [\"dan*\"]");
        using var http = gateway.Rpc();
        var session = await NewSessionAsync(http);
        _model.Enqueue(FakeReply.ToolCall("call_1", "danger", """{"text":"x"}"""), FakeReply.Text("ok"));

        await http.ResultAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"hi","wait":true}""", Ct);

        var first = JsonDocument.Parse(_model.Requests[0].Body).RootElement;
        Assert.Contains("data, not instructions", first.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(["echo"], first.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()));
        Assert.Empty(_danger.Calls); // a denied tool the model calls anyway does not run
        Assert.Contains("not allowed", _model.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_get_clear_errors_and_change_nothing()
    {
        var gateway = await StartAsync();
        using var http = gateway.Rpc();
        var session = await NewSessionAsync(http);

        Assert.Equal("message", (await http.ErrorAsync("chat.send", $$"""{"sessionKey":"{{session}}"}""", Ct)).Field);
        Assert.Equal("sessionKey", (await http.ErrorAsync("chat.send", """{"sessionKey":"nope","message":"x"}""", Ct)).Field);
        Assert.Equal(-32602, (await http.ErrorAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":""}""", Ct)).Code);
        Assert.Equal(-32003, (await http.ErrorAsync("chat.send", """{"sessionKey":"agent:default:web:me:zzzzzz","message":"x"}""", Ct)).Code);
        await http.ResultAsync("sessions.end", $$"""{"sessionKey":"{{session}}"}""", Ct);
        Assert.Equal(-32005, (await http.ErrorAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"x"}""", Ct)).Code);
        Assert.Equal(-32602, (await http.ErrorAsync("approvals.resolve", """{"approvalId":"ap_x","decision":"maybe"}""", Ct)).Code);
        Assert.Equal(-32003, (await http.ErrorAsync("approvals.resolve", """{"approvalId":"ap_x","decision":"allow"}""", Ct)).Code);
        Assert.Equal(-32003, (await http.ErrorAsync("agents.get", """{"agentId":"ghost"}""", Ct)).Code);
        Assert.Equal(-32003, (await http.ErrorAsync("tools.execute", """{"tool":"ghost","params":{}}""", Ct)).Code);
        var invalid = await http.ErrorAsync("tools.execute", """{"tool":"echo","params":{"text":5}}""", Ct);
        Assert.Equal(-32602, invalid.Code);
        Assert.Contains("text", invalid.Message, StringComparison.Ordinal);
        Assert.Empty(_echo.Calls);
        Assert.Equal(0, _model.RequestCount);
    }

    [Fact]
    public async Task Agents_and_tools_are_listed_without_keys_and_a_tool_runs_directly()
    {
        var gateway = await StartAsync("approval: \"always\", deny: [\"danger\"]");
        using var http = gateway.Rpc();

        var agents = (await http.ResultAsync("agents.list", null, Ct)).GetProperty("agents").EnumerateArray().ToList();
        var agent = Assert.Single(agents);
        Assert.Equal("local/fake-model", agent.GetProperty("model").GetString());
        Assert.Equal("local", agent.GetProperty("provider").GetString());
        Assert.Equal("strict", agent.GetProperty("sandbox").GetProperty("level").GetString());
        Assert.Equal(["echo"], agent.GetProperty("tools").GetProperty("available").EnumerateArray().Select(t => t.GetString()));
        var tools = (await http.ResultAsync("tools.list", null, Ct)).EnumerateArray().ToList();
        Assert.Equal(["echo", "danger"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("object", tools[0].GetProperty("inputSchema").GetProperty("type").GetString());

        var agentText = (await http.ResultAsync("agents.get", """{"agentId":"default"}""", Ct)).GetRawText();
        Assert.DoesNotContain(ProviderKey, agentText, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, string.Join("", agents.Select(a => a.GetRawText())), StringComparison.Ordinal);
        var executed = await http.ResultAsync("tools.execute", """{"tool":"echo","params":{"text":"direct"}}""", Ct);
        Assert.True(executed.GetProperty("success").GetBoolean());
        Assert.Equal("echo:direct", executed.GetProperty("result").GetProperty("echo").GetString());
        Assert.Equal(-32002, (await http.ErrorAsync("tools.execute", """{"tool":"danger","params":{"text":"x"}}""", Ct)).Code);
    }
}
