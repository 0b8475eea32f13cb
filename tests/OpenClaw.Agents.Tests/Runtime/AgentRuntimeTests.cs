using Microsoft.Extensions.AI;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;
using OpenClaw.Providers;

namespace OpenClaw.Agents.Tests.Runtime;

public sealed class AgentRuntimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tool_call_interrupted_by_a_crash_gets_a_failed_result_on_restart_and_the_next_turn_is_valid()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();

        // What a gateway that died inside exec left behind: the call is recorded, its result never was.
        var message = await h.Store.AppendAsync(new MessageReceived { SessionKey = key, Text = "list my files" }, Ct);
        await h.Store.AppendAsync(new StateChanged { SessionKey = key, Key = "run.started", Value = RuntimeHarness.Json($$"""{"runId":"run_dead","messageSeq":{{message.Seq}}}""") }, Ct);
        await h.Store.AppendAsync(new AgentResponse { SessionKey = key, Text = "Let me look.", Model = "m" }, Ct);
        await h.Store.AppendAsync(new ToolCalled { SessionKey = key, ToolCallId = "call_x", Tool = "exec", Params = RuntimeHarness.Json("""{"command":"ls"}""") }, Ct);
        await h.ReopenAsync();

        // No start-up pass: the next turn repairs the session itself before it builds the model's context.
        h.Model.Say("Here is what I know.");
        var result = await h.ChatAsync(key, "and now?");

        var events = await h.EventsAsync(key);
        var synthetic = Assert.Single(events.OfType<ToolResult>());
        Assert.Equal("call_x", synthetic.ToolCallId);
        Assert.False(synthetic.Success);
        Assert.Contains("gateway stopped", synthetic.Error, StringComparison.Ordinal);
        Assert.Contains(events.OfType<StateChanged>(), s => s.Key == "run.failed" && s.Value!.Value.GetProperty("runId").GetString() == "run_dead");
        Assert.Equal(RunStatus.Completed, result.Status);

        // The transcript the model got pairs the old call with a result, then the new message.
        var sent = h.Model.Calls.Single();
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.User], sent.Select(m => m.Role));
        Assert.Equal("call_x", sent[3].Contents.OfType<FunctionResultContent>().Single().CallId);
        Assert.Equal(0, await h.Runtime.RecoverAsync(Ct)); // nothing left to repair
    }

    [Fact]
    public async Task A_long_history_is_cut_to_the_context_budget_from_the_oldest_turn_and_the_cut_is_recorded()
    {
        await using var h = await RuntimeHarness.StartAsync();
        h.Agent = h.Agent with { ContextTokens = 6000, MaxTokens = 1000 };
        var key = await h.NewSessionAsync();
        for (var i = 0; i < 12; i++)
        {
            h.Model.Say($"answer {i} " + new string('a', 2000));
            await h.ChatAsync(key, $"question {i} " + new string('q', 2000));
        }

        var sent = h.Model.Calls[^1];
        var events = await h.EventsAsync(key);

        var texts = sent.Where(m => m.Role == ChatRole.User).Select(m => m.Text).ToList();
        Assert.StartsWith("question 11", texts[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(texts, t => t.StartsWith("question 0 ", StringComparison.Ordinal));
        Assert.True(sent.Sum(ContextBuilder.Estimate) < 5000, "the messages fit the window less the answer's room");
        var trimmed = events.OfType<StateChanged>().Where(s => s.Key == AgentRuntime.ContextTrimmedKey).ToList();
        Assert.NotEmpty(trimmed);
        Assert.True(trimmed[^1].Value!.Value.GetProperty("droppedMessages").GetInt32() > 0);
        Assert.Contains("left out to fit the context window", sent[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_saying_the_prompt_is_too_long_is_answered_by_cutting_harder_not_by_failing()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();
        for (var i = 0; i < 4; i++)
        {
            h.Model.Say($"answer {i} " + new string('a', 4000));
            await h.ChatAsync(key, $"question {i} " + new string('q', 4000));
        }

        h.Model.Throw(new ProviderException("local", ProviderFailure.Rejected, "Provider 'local' answered HTTP 400: prompt is too long: 250000 tokens > 200000 maximum", 400));
        h.Model.Throw(new ProviderException("local", ProviderFailure.Rejected, "Provider 'local' answered HTTP 400: This model's maximum context length is 8192 tokens", 400));
        h.Model.Say("fits now");
        h.Agent = h.Agent with { ContextTokens = 12000, MaxTokens = 1000 };
        var result = await h.ChatAsync(key, "last question");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("fits now", result.Reply);
        var calls = h.Model.Calls.TakeLast(3).ToList();
        Assert.True(calls[2].Count < calls[0].Count, "the third try sent fewer messages than the first");
        Assert.Equal("last question", calls[2][^1].Text);
    }

    [Fact]
    public async Task A_provider_failure_fails_the_run_with_its_message_and_records_it()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();
        h.Model.Throw(new ProviderException("anthropic", ProviderFailure.Unauthorized, "Provider 'anthropic' refused the key (HTTP 401); set it with `openclaw credentials set anthropic`.", 401));

        var result = await h.ChatAsync(key, "hello");

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(ChatErrorCodes.ProviderFailure, result.ErrorCode);
        Assert.Contains("credentials set anthropic", result.ErrorMessage, StringComparison.Ordinal);
        var failed = (await h.EventsAsync(key)).OfType<StateChanged>().Single(s => s.Key == AgentRuntime.RunFailedKey);
        Assert.Equal(ChatErrorCodes.ProviderFailure, failed.Value!.Value.GetProperty("code").GetInt32());
        Assert.Contains(h.Events, e => e.Kind == ChatEventKind.Error && e.ErrorCode == ChatErrorCodes.ProviderFailure);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_runs_once()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();
        h.Model.Say("once");

        var first = await h.Runtime.SendAsync(key, "hi", null, "k-1", null, Ct);
        var second = await h.Runtime.SendAsync(key, "hi", null, "k-1", null, Ct);
        await first.Completion.WaitAsync(Testing.TestTimeouts.Default, Ct);

        Assert.Equal(first.RunId, second.RunId);
        Assert.Single((await h.EventsAsync(key)).OfType<MessageReceived>());
        Assert.Single(h.Model.Calls);
    }

    [Fact]
    public async Task Runs_of_different_sessions_proceed_side_by_side()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var a = await h.NewSessionAsync();
        var b = await h.NewSessionAsync();
        h.Model.Say("to a");
        h.Model.Say("to b");

        h.Model.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var runA = await h.Runtime.SendAsync(a, "one", null, null, null, Ct);
        var runB = await h.Runtime.SendAsync(b, "two", null, null, null, Ct);
        await h.Model.TwoInFlight.Task.WaitAsync(Testing.TestTimeouts.Default, Ct); // both model calls at once
        h.Model.Hold.SetResult();
        var results = await Task.WhenAll(runA.Completion, runB.Completion).WaitAsync(Testing.TestTimeouts.Default, Ct);

        Assert.All(results, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(["one"], (await h.EventsAsync(a)).OfType<MessageReceived>().Select(m => m.Text));
        Assert.Equal(["two"], (await h.EventsAsync(b)).OfType<MessageReceived>().Select(m => m.Text));
    }

    [Fact]
    public async Task A_repeated_call_id_is_made_unique_so_each_call_pairs_with_one_result_and_the_session_goes_on()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();
        h.Model.CallToolTwice("dup", "ghost", "{}");
        h.Model.Say("after");
        h.Model.Say("next turn works");

        await h.ChatAsync(key, "go");
        var next = await h.ChatAsync(key, "again");

        Assert.Equal("next turn works", next.Reply);
        var events = await h.EventsAsync(key);
        Assert.Equal(["dup", "dup_2"], events.OfType<ToolCalled>().Select(c => c.ToolCallId));
        Assert.Equal(["dup", "dup_2"], events.OfType<ToolResult>().Select(r => r.ToolCallId).Order(StringComparer.Ordinal));
        Assert.All(events.OfType<ToolResult>(), r => Assert.Contains("no tool named", r.Error, StringComparison.Ordinal));
        var transcript = h.Model.Calls[^1];
        Assert.Equal(2, transcript.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Count());
    }

    [Fact]
    public async Task Concurrent_sends_with_one_idempotency_key_store_one_message()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();

        var runtime = h.Runtime; // one runtime for all the senders (the harness creates it lazily, not thread-safely)
        var sends = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => runtime.SendAsync(key, "once", null, "same-key", null, Ct))));
        await sends[0].Completion.WaitAsync(Testing.TestTimeouts.Default, Ct);

        Assert.Single(sends.Select(r => r.RunId).Distinct());
        Assert.Single((await h.EventsAsync(key)).OfType<MessageReceived>());
    }

    [Fact]
    public async Task A_null_attachment_is_refused_before_anything_is_stored()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();

        var error = await Assert.ThrowsAsync<AgentException>(() => h.Runtime.SendAsync(key, "x", [null!], null, null, Ct));

        Assert.Equal("attachments", error.Field);
        Assert.Empty((await h.EventsAsync(key)).OfType<MessageReceived>());
    }
}
