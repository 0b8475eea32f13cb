using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Agents.Tools;
using OpenClaw.Channels.Telegram;
using OpenClaw.Gateway.Tests.Chat;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Gateway.Tests.Channels;

/// <summary>
/// A Telegram user talks to the assistant through the real gateway, the real Telegram adapter and the fake Bot API:
/// pairing, allowlists, group mention gating, tool-using replies streamed by edits, commands, long replies, attachments,
/// failed deliveries and the webhook route.
/// </summary>
public sealed class TelegramGatewayTests : IAsyncLifetime
{
    private const long Owner = 4242;
    private const long Stranger = 777;
    private const string ProviderKey = "sk-telegram-tests-secret-0123456789";

    private readonly RecordingTool _echo = new("echo");
    private readonly RecordingTool _slow = new("slow");
    private FakeOpenAIServer _model = null!;
    private FakeTelegramServer _telegram = null!;
    private TestGateway? _gateway;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _model = await FakeOpenAIServer.StartAsync(Ct);
        _telegram = await FakeTelegramServer.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _telegram.DisposeAsync();
        await _model.DisposeAsync();
    }

    private async Task<TestGateway> StartAsync(string telegram = "", string extra = "", string? webhookSecret = null)
    {
        var environment = new Dictionary<string, string> { ["TG_TOKEN"] = _telegram.Token };
        if (webhookSecret is not null)
        {
            environment["TG_WEBHOOK"] = webhookSecret;
        }

        _gateway = await TestGateway.StartAsync(
            $$"""
            {
              providers: { local: { type: "openai-compatible", baseUrl: "{{_model.BaseUrl.AbsoluteUri}}", maxRetries: 0, apiKey: "{{ProviderKey}}" } },
              agents: { default: { model: "local/fake-model", tools: { approval: "never" } } },
              channels: { telegram: { enabled: true, apiBaseUrl: "{{_telegram.BaseUrl.AbsoluteUri.TrimEnd('/')}}", botToken: "${TG_TOKEN}", {{telegram}} } },
              {{extra}}
            }
            """,
            environment: environment,
            services: s =>
            {
                s.AddSingleton(new ToolRegistry([_echo, _slow]));
                s.AddSingleton(new TelegramChannelLimits { EditInterval = TimeSpan.FromMilliseconds(50), PollTimeoutSeconds = 2 });
            });
        return _gateway;
    }

    private static async Task<List<JsonElement>> SessionsAsync(HttpRpcTestClient rpc, string channel = "telegram") =>
        [.. (await rpc.ResultAsync("sessions.list", $$"""{"channel":"{{channel}}"}""", Ct)).GetProperty("sessions").EnumerateArray()];

    private static async Task<List<JsonElement>> EventsAsync(HttpRpcTestClient rpc, string sessionKey) =>
        [.. (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{sessionKey}}"}""", Ct)).GetProperty("events").EnumerateArray()];

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    [Fact]
    public async Task A_stranger_pairs_gets_a_tool_using_reply_streamed_by_edits_then_uses_new_and_stop()
    {
        var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        // First contact: a pairing code, and nothing reaches the model.
        _telegram.PushPrivateText(Owner, "hello?");
        var codeMessage = await _telegram.WaitForMessageAsync(Owner, "pairing code", Ct);
        var code = (await rpc.ResultAsync("pairing.list", null, Ct)).GetProperty("pending")[0].GetProperty("code").GetString()!;
        Assert.Contains(code, codeMessage.PlainText, StringComparison.Ordinal);
        Assert.Contains($"openclaw pairing approve telegram {code}", codeMessage.PlainText, StringComparison.Ordinal);
        Assert.Empty(await SessionsAsync(rpc));

        // The owner approves; the sender is told.
        var approved = await rpc.ResultAsync("pairing.approve", $$"""{"channel":"telegram","code":"{{code}}"}""", Ct);
        Assert.Equal(Owner.ToString(System.Globalization.CultureInfo.InvariantCulture), approved.GetProperty("senderId").GetString());
        await _telegram.WaitForMessageAsync(Owner, "You are paired", Ct);

        // A reply that uses a tool streams into one message by edits and ends as the model's final text.
        _model.Enqueue(
            new FakeReply { Blocks = [new FakeText("Let me check that for you."), new FakeToolCall("call_1", "echo", """{"text":"ping"}""")], DeltaChars = 4 },
            new FakeReply { Blocks = [new FakeText("The tool answered: **ping**. Anything else?")], DeltaChars = 4 });
        _telegram.PushPrivateText(Owner, "please use the tool");
        var reply = await _telegram.WaitForMessageAsync(Owner, "The tool answered: ping. Anything else?", Ct);
        Assert.True(reply.EditCount >= 1, "the reply was streamed by editing the message");
        Assert.Contains("<b>ping</b>", reply.Text, StringComparison.Ordinal);
        Assert.Single(_echo.Calls);
        Assert.Contains(_telegram.ChatActions, a => a.ChatId == Owner && a.Action == "typing");

        // The session shows up in sessions.list, and its log holds what was said and sent.
        var session = Assert.Single(await SessionsAsync(rpc));
        var key = session.GetProperty("sessionKey").GetString()!;
        Assert.StartsWith("agent:default:telegram:4242:", key, StringComparison.Ordinal);
        await WaitForEventAsync(rpc, key, "message_sent");
        var events = await EventsAsync(rpc, key);
        Assert.Equal("please use the tool", events.First(e => Type(e) == "message_received").GetProperty("text").GetString());
        Assert.Contains(events, e => Type(e) == "tool_result");
        var sent = events.Last(e => Type(e) == "message_sent");
        Assert.Equal(reply.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), sent.GetProperty("channelMessageId").GetString());

        // /stop while a tool holds the run: the run is aborted, the chat says so.
        _slow.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Enqueue(new FakeReply { Blocks = [new FakeText("Working on it."), new FakeToolCall("call_2", "slow", """{"text":"slow"}""")] });
        _telegram.PushPrivateText(Owner, "do the slow thing");
        await _slow.Entered.Task.WaitAsync(TestTimeouts.Default, Ct);
        _telegram.PushPrivateText(Owner, "/stop");
        await _telegram.WaitForMessageAsync(Owner, "Stopping.", Ct);
        var stopped = await _telegram.WaitForMessageAsync(Owner, "Stopped.", Ct);
        Assert.StartsWith("Working on it.", stopped.PlainText, StringComparison.Ordinal); // what streamed stays, the reason under it
        await _slow.Cancelled.Task.WaitAsync(TestTimeouts.Default, Ct);
        await WaitForEventAsync(rpc, key, "state_changed", e => e.GetProperty("key").GetString() == "run.aborted");

        // /new ends the session and starts another for the next message.
        _telegram.PushPrivateText(Owner, "/new");
        await _telegram.WaitForMessageAsync(Owner, "Started a new conversation.", Ct);
        var sessions = await SessionsAsync(rpc);
        Assert.Equal(2, sessions.Count);
        Assert.Contains(sessions, s => s.GetProperty("sessionKey").GetString() == key && s.GetProperty("state").GetString() == "ended");
        Assert.Contains(sessions, s => s.GetProperty("sessionKey").GetString() != key && s.GetProperty("state").GetString() == "active");
        _model.Enqueue(FakeReply.Text("Fresh start."));
        _telegram.PushPrivateText(Owner, "hi again");
        await _telegram.WaitForMessageAsync(Owner, "Fresh start.", Ct);
        var fresh = sessions.Single(s => s.GetProperty("state").GetString() == "active").GetProperty("sessionKey").GetString()!;
        Assert.Contains(await EventsAsync(rpc, fresh), e => Type(e) == "message_received" && e.GetProperty("text").GetString() == "hi again");
    }

    [Fact]
    public async Task A_stranger_who_keeps_writing_gets_the_code_once_not_once_per_message()
    {
        await StartAsync();

        _telegram.PushPrivateText(Stranger, "hello?");
        _telegram.PushPrivateText(Stranger, "anyone there?");
        _telegram.PushPrivateText(Stranger, "hello???");
        await _telegram.WaitForMessageAsync(Stranger, "pairing code", Ct);
        _telegram.PushPrivateText(Owner, "hi");
        await _telegram.WaitForMessageAsync(Owner, "pairing code", Ct); // updates are handled in order: the stranger's are done

        Assert.Single(_telegram.Transcript(Stranger), m => m.PlainText.Contains("pairing code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allowlist_admits_listed_ids_only_and_strangers_get_no_answer_and_no_code()
    {
        var gateway = await StartAsync("""dmPolicy: "allowlist", allowFrom: ["4242"]""");
        using var rpc = gateway.Rpc();

        _telegram.PushPrivateText(Stranger, "let me in", username: "mallory");
        _model.Enqueue(FakeReply.Text("Hello owner."));
        _telegram.PushPrivateText(Owner, "hi");
        await _telegram.WaitForMessageAsync(Owner, "Hello owner.", Ct);

        // Updates are handled in order, so the stranger's came and went before the owner's answer.
        Assert.Empty(_telegram.Transcript(Stranger));
        var session = Assert.Single(await SessionsAsync(rpc));
        Assert.StartsWith("agent:default:telegram:4242:", session.GetProperty("sessionKey").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await rpc.ResultAsync("pairing.list", null, Ct)).GetProperty("pending").GetArrayLength());
    }

    [Fact]
    public async Task In_groups_only_messages_that_mention_the_bot_are_answered_and_pairing_grants_nothing_there()
    {
        const long group = -1001234;
        var gateway = await StartAsync("""groups: { policy: "allowlist", allowFrom: ["4242"], requireMention: true }""");
        using var rpc = gateway.Rpc();

        _telegram.PushGroupText(group, Owner, "just chatting among ourselves");
        _telegram.PushGroupText(group, Stranger, $"@{_telegram.BotUsername} let me in too");
        _model.Enqueue(FakeReply.Text("Hello group."));
        _telegram.PushGroupText(group, Owner, $"@{_telegram.BotUsername} what time is it?");
        await _telegram.WaitForMessageAsync(group, "Hello group.", Ct);

        var session = Assert.Single(await SessionsAsync(rpc));
        var key = session.GetProperty("sessionKey").GetString()!;
        Assert.StartsWith("agent:default:telegram:-1001234:", key, StringComparison.Ordinal);
        var received = (await EventsAsync(rpc, key)).Where(e => Type(e) == "message_received").ToList();
        Assert.Contains("what time is it?", Assert.Single(received).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Single(_telegram.Transcript(group));
        Assert.Equal(0, (await rpc.ResultAsync("pairing.list", null, Ct)).GetProperty("pending").GetArrayLength());
    }

    [Fact]
    public async Task A_20000_character_reply_arrives_whole_in_messages_within_telegrams_limit()
    {
        var gateway = await StartAsync("""dmPolicy: "allowlist", allowFrom: ["4242"]""");
        var paragraphs = Enumerable.Range(1, 100).Select(i => $"Paragraph {i}: " + new string((char)('a' + (i % 26)), 180) + ".");
        var text = string.Join("\n\n", paragraphs);
        Assert.True(text.Length >= 18_000);
        _model.Enqueue(new FakeReply { Blocks = [new FakeText(text)], DeltaChars = 2000 });

        _telegram.PushPrivateText(Owner, "write a lot");
        await _telegram.WaitForMessageAsync(Owner, "Paragraph 100:", Ct);
        using var rpc = gateway.Rpc();
        var key = Assert.Single(await SessionsAsync(rpc)).GetProperty("sessionKey").GetString()!;
        await WaitForEventAsync(rpc, key, "message_sent");

        var parts = _telegram.Transcript(Owner);
        Assert.True(parts.Count >= 5, $"split into {parts.Count} messages");
        Assert.All(parts, p => Assert.True(p.Text.Length <= 4096, $"a part of {p.Text.Length} characters"));
        static string Squash(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c))]);
        Assert.Equal(Squash(text), Squash(string.Concat(parts.Select(p => p.PlainText))));
    }

    [Fact]
    public async Task A_document_is_saved_in_the_workspace_and_recorded_with_its_path()
    {
        var gateway = await StartAsync("""dmPolicy: "allowlist", allowFrom: ["4242"]""");
        using var rpc = gateway.Rpc();
        var content = Encoding.UTF8.GetBytes("quarterly numbers: 1, 2, 3");
        _model.Enqueue(FakeReply.Text("Got your file."));

        _telegram.PushDocument(Owner, Owner, "../../report.txt", "text/plain", content, caption: "please read");
        await _telegram.WaitForMessageAsync(Owner, "Got your file.", Ct);

        var key = Assert.Single(await SessionsAsync(rpc)).GetProperty("sessionKey").GetString()!;
        var received = (await EventsAsync(rpc, key)).Single(e => Type(e) == "message_received");
        Assert.Equal("please read", received.GetProperty("text").GetString());
        var attachment = received.GetProperty("attachments")[0];
        var relative = attachment.GetProperty("url").GetString()!;
        Assert.StartsWith("inbox/telegram/4242/", relative, StringComparison.Ordinal); // one folder per chat
        Assert.DoesNotContain("..", relative, StringComparison.Ordinal);
        var saved = Path.Combine(gateway.Paths.WorkspaceDirectory, relative);
        Assert.Equal(content, await File.ReadAllBytesAsync(saved, Ct));

        // The model was told where the file is.
        Assert.Contains(relative, _model.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_that_cannot_be_delivered_is_recorded_as_failed_not_lost()
    {
        var gateway = await StartAsync("""dmPolicy: "allowlist", allowFrom: ["4242"]""");
        using var rpc = gateway.Rpc();
        _telegram.FailNext("sendMessage", 1000, FakeTelegramFault.Blocked());
        _model.Enqueue(FakeReply.Text("You will never see this."));

        _telegram.PushPrivateText(Owner, "hello");

        var key = "";
        await _telegram.WaitUntilAsync(() => _telegram.CallCount("sendMessage") >= 1, Ct);
        await WaitUntilAsync(async () => (await SessionsAsync(rpc)).Count == 1, Ct);
        key = (await SessionsAsync(rpc))[0].GetProperty("sessionKey").GetString()!;
        var failure = await WaitForEventAsync(rpc, key, "state_changed", e => e.GetProperty("key").GetString() == "channel.delivery");
        Assert.Equal("failed", failure.GetProperty("value").GetProperty("status").GetString());
        Assert.DoesNotContain(_telegram.Token, failure.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(await EventsAsync(rpc, key), e => Type(e) == "message_sent");
    }

    [Fact]
    public async Task Channel_status_reports_the_bot_and_a_rejected_token_says_how_to_fix_it()
    {
        var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var probe = await rpc.ResultAsync("channels.probe", """{"channelId":"telegram"}""", Ct);
        Assert.True(probe.GetProperty("connected").GetBoolean());
        Assert.Equal("@" + _telegram.BotUsername, probe.GetProperty("account").GetString());

        _telegram.Token = "999:rotated-away";
        var failed = await rpc.ResultAsync("channels.probe", """{"channelId":"telegram"}""", Ct);
        Assert.False(failed.GetProperty("connected").GetBoolean());
        Assert.Contains("openclaw credentials set", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_telegram.Token, failed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribers_of_the_channels_topic_see_status_changes_and_new_pairing_requests()
    {
        var gateway = await StartAsync();
        await using var ws = await gateway.RpcSocketAsync(Ct);
        await ws.ResultAsync("events.subscribe", """{"topics":["channels"]}""", Ct);

        _telegram.PushPrivateText(Stranger, "hi");
        var pairing = await ws.WaitForNotificationAsync(p => TypeOf(p) == "pairing", Ct);
        Assert.Equal(1, pairing.GetProperty("params").GetProperty("pending").GetInt32());

        _telegram.Token = "999:rotated-away";
        await ws.ResultAsync("channels.probe", """{"channelId":"telegram"}""", Ct);
        var status = await ws.WaitForNotificationAsync(
            p => TypeOf(p) == "status" && !p.GetProperty("channel").GetProperty("connected").GetBoolean(),
            Ct);
        Assert.Equal("channels", status.GetProperty("params").GetProperty("topic").GetString());
        Assert.Equal("telegram", status.GetProperty("params").GetProperty("channel").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Webhook_calls_are_taken_only_with_the_right_path_and_secret_header()
    {
        const string secret = "webhook-secret-0123456789abcdef";
        await StartAsync(
            """mode: "webhook", webhookUrl: "https://bot.example.test", webhookSecret: "${TG_WEBHOOK}", dmPolicy: "allowlist", allowFrom: ["4242"]""",
            webhookSecret: secret);
        var path = "/hooks/telegram/" + TelegramChannel.DerivePathSecret(secret);
        await _telegram.WaitUntilAsync(() => _telegram.WebhookUrl is not null, Ct);
        Assert.Equal("https://bot.example.test" + path, _telegram.WebhookUrl);
        Assert.DoesNotContain(secret, _telegram.WebhookUrl, StringComparison.Ordinal);

        var update = """{"update_id":10,"message":{"message_id":5,"date":1700000000,"chat":{"id":4242,"type":"private"},"from":{"id":4242,"is_bot":false,"first_name":"Ada"},"text":"over the webhook"}}""";
        Assert.Equal(401, await PostHookAsync(path, update, "wrong-secret"));
        Assert.Equal(401, await PostHookAsync("/hooks/telegram/not-the-path", update, secret));
        Assert.Equal(400, await PostHookAsync(path, "{ not an update", secret));
        _model.Enqueue(FakeReply.Text("Webhook reply."));
        Assert.Equal(200, await PostHookAsync(path, update, secret));
        Assert.Equal(200, await PostHookAsync(path, update, secret)); // Telegram's retry of the same update: taken once

        await _telegram.WaitForMessageAsync(Owner, "Webhook reply.", Ct);
        using var rpc = _gateway!.Rpc();
        var key = Assert.Single(await SessionsAsync(rpc)).GetProperty("sessionKey").GetString()!;
        Assert.Single(await EventsAsync(rpc, key), e => Type(e) == "message_received");
    }

    // The type of a pushed event's params on the channels topic, else null.
    private static string? TypeOf(JsonElement eventParams) =>
        eventParams.TryGetProperty("topic", out var topic) && topic.GetString() == "channels" ? eventParams.GetProperty("type").GetString() : null;

    private async Task<int> PostHookAsync(string path, string body, string secretHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secretHeader);
        using var response = await _gateway!.Http.SendAsync(request, Ct);
        return (int)response.StatusCode;
    }

    private static async Task<JsonElement> WaitForEventAsync(HttpRpcTestClient rpc, string key, string type, Func<JsonElement, bool>? where = null)
    {
        JsonElement found = default;
        await WaitUntilAsync(async () =>
        {
            var match = (await EventsAsync(rpc, key)).Where(e => Type(e) == type && (where is null || where(e))).ToList();
            if (match.Count == 0)
            {
                return false;
            }

            found = match[^1];
            return true;
        }, Ct);
        return found;
    }

    // Polls a store condition: the log has no push to wait on over HTTP. Bounded by the one test timeout.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!await condition())
        {
            await tick.WaitForNextTickAsync(timeout.Token);
        }
    }
}
