using System.Text.Json;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Gateway.Tests.Chat;

/// <summary>
/// The issue's "done when": from a WebSocket client, the fake model asks for <c>exec</c> and then <c>write_file</c>;
/// both run (exec under real bubblewrap) in the agent's workspace, the reply streams back, and the session's events
/// replay to exactly what the client saw. Plus escapes tried through the gateway's own exec.
/// </summary>
public sealed class ChatWithToolsTests : IAsyncLifetime
{
    private FakeOpenAIServer _model = null!;
    private TestGateway? _gateway;

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

    private async Task<TestGateway> StartAsync(string approval = "never") =>
        _gateway = await TestGateway.StartAsync(
            $$"""
            {
              providers: { local: { type: "openai-compatible", baseUrl: "{{_model.BaseUrl.AbsoluteUri}}", maxRetries: 0 } },
              agents: { default: { model: "local/fake-model", tools: { approval: "{{approval}}" }, sandbox: { timeoutSeconds: 20, maxProcesses: 64 } } },
            }
            """);

    private static string Arguments(object value) => JsonSerializer.Serialize(value, TestJson.Default.DictionaryStringString);

    private static async Task<List<JsonElement>> RunEventsAsync(WebSocketRpcTestClient ws, string runId)
    {
        var events = new List<JsonElement>();
        while (events.Count == 0 || events[^1].GetProperty("kind").GetString() is not ("done" or "error"))
        {
            events.Add((await ws.WaitForNotificationAsync(p => p.GetProperty("runId").GetString() == runId, Ct)).GetProperty("params"));
        }

        return events;
    }

    [Fact]
    public async Task Exec_then_write_file_run_in_the_sandbox_the_reply_streams_and_the_log_replays_to_what_the_client_saw()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = (await ws.ResultAsync("sessions.create", null, Ct)).GetProperty("sessionKey").GetString()!;
        _model.Enqueue(
            FakeReply.ToolCall("call_exec", "exec", Arguments(new Dictionary<string, string?> { ["command"] = "echo made-in-sandbox > from-exec.txt && cat from-exec.txt && pwd" }), "Let me run that."),
            FakeReply.ToolCall("call_write", "write_file", Arguments(new Dictionary<string, string?> { ["path"] = "notes/summary.md", ["content"] = "# Summary\nexec said hello\n" })),
            new FakeReply { Blocks = [new FakeText("Both steps are done: the command ran and the notes are written.")], DeltaChars = 6 });

        var runId = (await ws.ResultAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"Run it and write notes."}""", Ct)).GetProperty("runId").GetString()!;
        var seen = await RunEventsAsync(ws, runId);

        // What the user notices: the reply, and the two files in the workspace on the host.
        var done = seen[^1];
        Assert.Equal("done", done.GetProperty("kind").GetString());
        Assert.Equal("Both steps are done: the command ran and the notes are written.", done.GetProperty("reply").GetString());
        var workspace = Path.Combine(gateway.Paths.Root, "workspace");
        Assert.Equal("made-in-sandbox\n", await File.ReadAllTextAsync(Path.Combine(workspace, "from-exec.txt"), Ct));
        Assert.Equal("# Summary\nexec said hello\n", await File.ReadAllTextAsync(Path.Combine(workspace, "notes", "summary.md"), Ct));
        var execResult = seen.Single(e => e.GetProperty("kind").GetString() == "tool_result" && e.GetProperty("toolCallId").GetString() == "call_exec");
        Assert.True(execResult.GetProperty("success").GetBoolean(), execResult.GetRawText());
        Assert.Equal("made-in-sandbox\n/workspace\n", execResult.GetProperty("result").GetProperty("stdout").GetString()); // inside, the workspace is /workspace

        // Replay: the log, read back, gives the same conversation the client saw.
        var log = (await ws.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events").EnumerateArray().ToList();
        var fromLog = new List<string>();
        foreach (var e in log)
        {
            switch (e.GetProperty("type").GetString())
            {
                case "agent_response" when e.GetProperty("text").GetString() is { Length: > 0 } text:
                    fromLog.Add("text:" + text);
                    break;
                case "tool_called":
                    fromLog.Add($"call:{e.GetProperty("toolCallId").GetString()}:{e.GetProperty("tool").GetString()}:{Canonical(e.GetProperty("params"))}");
                    break;
                case "tool_result":
                    fromLog.Add($"result:{e.GetProperty("toolCallId").GetString()}:{e.GetProperty("success").GetBoolean()}");
                    break;
                default:
                    break;
            }
        }

        var fromClient = new List<string>();
        var pending = "";
        foreach (var e in seen)
        {
            var kind = e.GetProperty("kind").GetString();
            if (kind == "delta")
            {
                pending += e.GetProperty("text").GetString();
                continue;
            }

            if (pending.Length > 0)
            {
                fromClient.Add("text:" + pending);
                pending = "";
            }

            if (kind == "tool_call")
            {
                fromClient.Add($"call:{e.GetProperty("toolCallId").GetString()}:{e.GetProperty("tool").GetString()}:{Canonical(e.GetProperty("params"))}");
            }
            else if (kind == "tool_result")
            {
                fromClient.Add($"result:{e.GetProperty("toolCallId").GetString()}:{e.GetProperty("success").GetBoolean()}");
            }
        }

        Assert.Equal(fromLog, fromClient);
        Assert.Equal(6, fromLog.Count); // text, call, result, call, result, text
    }

    // The same JSON however its writer chose to escape it.
    private static string Canonical(JsonElement value) => System.Text.Json.Nodes.JsonNode.Parse(value.GetRawText())!.ToJsonString();

    [Fact]
    public async Task Abort_kills_a_running_exec_within_a_second()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        var session = (await ws.ResultAsync("sessions.create", null, Ct)).GetProperty("sessionKey").GetString()!;
        _model.Enqueue(FakeReply.ToolCall("call_sleep", "exec", Arguments(new Dictionary<string, string?> { ["command"] = "echo started > started.txt; exec sleep 61.4321" })));
        var workspace = Path.Combine(gateway.Paths.Root, "workspace");
        Directory.CreateDirectory(workspace);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(workspace, "started.txt") { EnableRaisingEvents = true };
        watcher.Created += (_, _) => running.TrySetResult();

        var runId = (await ws.ResultAsync("chat.send", $$"""{"sessionKey":"{{session}}","message":"sleep"}""", Ct)).GetProperty("runId").GetString()!;
        await running.Task.WaitAsync(TestTimeouts.Default, Ct); // the command is running inside the sandbox

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ws.ResultAsync("chat.abort", $$"""{"runId":"{{runId}}"}""", Ct);
        var events = await RunEventsAsync(ws, runId);
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"abort took {clock.Elapsed}");
        Assert.Equal(-32800, events[^1].GetProperty("code").GetInt32());
        Assert.Empty(LiveProcessesWithArgument("61.4321")); // the sandboxed sleep is gone, not left running
    }

    // Processes (not zombies) whose command line has this argument; the odd number makes the test's own sleep unique.
    private static List<int> LiveProcessesWithArgument(string argument)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (args.Contains(argument) && state != 'Z')
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours to read
            }
        }

        return found;
    }

    [Fact]
    public async Task Exec_cannot_reach_the_state_directory_the_network_or_the_gateways_environment()
    {
        var gateway = await StartAsync();
        using var http = gateway.Rpc();
        var masterKey = Path.Combine(gateway.Paths.Root, "master.key");
        Assert.True(File.Exists(masterKey), "the gateway's key file exists on the host");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Environment.SetEnvironmentVariable("OPENCLAW_TEST_CANARY", "canary-9f3e2d1c");
        try
        {
            var attempt = $"cat {masterKey} ../master.key 2>&1; ls {gateway.Paths.Root} 2>&1; " +
                $"(exec 3<>/dev/tcp/127.0.0.1/{port} && echo CONNECTED) 2>&1; cat /proc/1/environ 2>&1 | tr '\\0' '\\n'; env; echo end-of-attempt";
            var result = await http.ResultAsync("tools.execute", $$"""{"tool":"exec","params":{{Arguments(new Dictionary<string, string?> { ["command"] = attempt })}}}""", Ct);

            var stdout = result.GetProperty("result").GetProperty("stdout").GetString()!;
            Assert.Contains("end-of-attempt", stdout, StringComparison.Ordinal); // the attempt ran to its end
            Assert.DoesNotContain("CONNECTED", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("canary-9f3e2d1c", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(TestGateway.Token, stdout, StringComparison.Ordinal);
            var key = await File.ReadAllBytesAsync(masterKey, Ct);
            Assert.DoesNotContain(Convert.ToBase64String(key), stdout, StringComparison.Ordinal);
            Assert.Contains("No such file", stdout, StringComparison.Ordinal);
            Assert.False(listener.Pending(), "nothing connected to the host's loopback listener");
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENCLAW_TEST_CANARY", null);
        }

        // The gateway is still healthy afterwards.
        Assert.Contains("\"ok\"", await gateway.Http.GetStringAsync(new Uri("/health", UriKind.Relative), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_made_by_exec_does_not_let_the_file_tools_out_of_the_workspace()
    {
        var gateway = await StartAsync();
        using var http = gateway.Rpc();
        var outside = Path.Combine(gateway.Paths.Root, "outside-secret.txt");
        await File.WriteAllTextAsync(outside, "do-not-leak", Ct);

        await http.ResultAsync("tools.execute", $$"""{"tool":"exec","params":{{Arguments(new Dictionary<string, string?> { ["command"] = $"ln -s {outside} link.txt && ln -s {gateway.Paths.Root} statedir" })}}}""", Ct);
        var read = await http.ResultAsync("tools.execute", """{"tool":"read_file","params":{"path":"link.txt"}}""", Ct);
        var viaDir = await http.ResultAsync("tools.execute", """{"tool":"read_file","params":{"path":"statedir/outside-secret.txt"}}""", Ct);
        var write = await http.ResultAsync("tools.execute", """{"tool":"write_file","params":{"path":"link.txt","content":"overwritten"}}""", Ct);

        Assert.False(read.GetProperty("success").GetBoolean());
        Assert.False(viaDir.GetProperty("success").GetBoolean());
        Assert.False(write.GetProperty("success").GetBoolean());
        Assert.DoesNotContain("do-not-leak", read.GetRawText() + viaDir.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("do-not-leak", await File.ReadAllTextAsync(outside, Ct));
    }

    [Fact]
    public async Task Without_bubblewrap_exec_is_refused_with_how_to_fix_it_and_never_runs_on_the_host()
    {
        var gateway = await TestGatewayWithMissingBubblewrapAsync();
        await using var _ = gateway;
        using var http = gateway.Rpc();
        var marker = Path.Combine(gateway.Paths.Root, "workspace", "ran-on-host");

        var error = await http.ErrorAsync("tools.execute", """{"tool":"exec","params":{"command":"touch ran-on-host"}}""", Ct);

        Assert.Equal(-32011, error.Code);
        Assert.Contains("bubblewrap", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    private async Task<TestGateway> TestGatewayWithMissingBubblewrapAsync() =>
        await TestGateway.StartAsync(
            $$"""
            {
              providers: { local: { type: "openai-compatible", baseUrl: "{{_model.BaseUrl.AbsoluteUri}}", maxRetries: 0 } },
              agents: { default: { model: "local/fake-model" } },
            }
            """,
            services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<OpenClaw.Agents.Sandbox.ISandboxProvider>(
                s, new OpenClaw.Agents.Sandbox.SandboxProvider(bubblewrapPath: "/nonexistent/bwrap")));
}
