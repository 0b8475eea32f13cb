using Microsoft.Extensions.AI;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Tests.Runtime;

public sealed class ContextBuilderTests
{
    private static readonly SessionKey s_key = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("me"));
    private long _seq;

    private T At<T>(T e)
        where T : SessionEvent => e with { Seq = ++_seq, EventId = Guid.CreateVersion7() };

    [Fact]
    public void A_queued_message_is_not_part_of_the_running_turn_and_enters_where_its_run_took_it()
    {
        var first = At(new MessageReceived { SessionKey = s_key, Text = "first" });
        var second = At(new MessageReceived { SessionKey = s_key, Text = "second" }); // sent while the first ran
        var events = new List<SessionEvent>
        {
            first,
            second,
            At(new StateChanged { SessionKey = s_key, Key = "run.started", Value = RuntimeHarness.Json($$"""{"runId":"r1","messageSeq":{{first.Seq}}}""") }),
            At(new AgentResponse { SessionKey = s_key, Text = "answer one", Model = "m" }),
        };

        var duringFirst = ContextBuilder.Build(events, first.Seq, 100_000).Messages;
        events.Add(At(new StateChanged { SessionKey = s_key, Key = "run.started", Value = RuntimeHarness.Json($$"""{"runId":"r2","messageSeq":{{second.Seq}}}""") }));
        var duringSecond = ContextBuilder.Build(events, second.Seq, 100_000).Messages;

        Assert.Equal(["first", "answer one"], duringFirst.Select(m => m.Text));
        Assert.Equal(["first", "answer one", "second"], duringSecond.Select(m => m.Text));
    }

    [Fact]
    public void A_message_aborted_before_its_turn_is_never_sent_and_one_left_by_a_crash_joins_the_next_turn_whole()
    {
        var first = At(new MessageReceived { SessionKey = s_key, Text = "first" });
        var events = new List<SessionEvent>
        {
            first,
            At(new StateChanged { SessionKey = s_key, Key = "run.started", Value = RuntimeHarness.Json($$"""{"runId":"r1","messageSeq":{{first.Seq}}}""") }),
            At(new AgentResponse { SessionKey = s_key, Text = "", Model = "m" }),
            At(new ToolCalled { SessionKey = s_key, ToolCallId = "c1", Tool = "t", Params = RuntimeHarness.Json("{}") }),
        };
        var aborted = At(new MessageReceived { SessionKey = s_key, Text = "never mind" });
        var leftover = At(new MessageReceived { SessionKey = s_key, Text = "left by a crash" });
        events.Add(aborted);
        events.Add(leftover);
        events.Add(At(new StateChanged { SessionKey = s_key, Key = "run.aborted", Value = RuntimeHarness.Json($$"""{"runId":"r2","messageSeq":{{aborted.Seq}},"started":false}""") }));
        events.Add(At(new ToolResult { SessionKey = s_key, ToolCallId = "c1", Success = true, Result = RuntimeHarness.Json("{\"ok\":1}") }));
        events.Add(At(new AgentResponse { SessionKey = s_key, Text = "done one", Model = "m" }));
        var third = At(new MessageReceived { SessionKey = s_key, Text = "third" });
        events.Add(third);
        events.Add(At(new StateChanged { SessionKey = s_key, Key = "run.started", Value = RuntimeHarness.Json($$"""{"runId":"r3","messageSeq":{{third.Seq}}}""") }));

        var messages = ContextBuilder.Build(events, third.Seq, 100_000).Messages;

        Assert.Equal(["first", "", "", "left by a crash", "done one", "third"], messages.Select(m => m.Text)); // after the exchange it arrived in, never inside it
        var result = messages[2].Contents.OfType<FunctionResultContent>().Single();
        Assert.Contains("\"ok\"", ((System.Text.Json.JsonElement)result.Result!).GetRawText(), StringComparison.Ordinal); // the real result, not "interrupted"
        Assert.DoesNotContain(messages, m => m.Text == "never mind");
    }

    [Fact]
    public void Results_go_back_in_the_order_of_the_calls_whatever_order_they_finished_in()
    {
        var events = new List<SessionEvent>
        {
            At(new MessageReceived { SessionKey = s_key, Text = "go" }),
            At(new AgentResponse { SessionKey = s_key, Text = "", Model = "m" }),
            At(new ToolCalled { SessionKey = s_key, ToolCallId = "a", Tool = "t", Params = RuntimeHarness.Json("{}") }),
            At(new ToolCalled { SessionKey = s_key, ToolCallId = "b", Tool = "t", Params = RuntimeHarness.Json("{}") }),
            At(new ToolResult { SessionKey = s_key, ToolCallId = "b", Success = true, Result = RuntimeHarness.Json("{\"n\":2}") }),
            At(new ToolResult { SessionKey = s_key, ToolCallId = "a", Success = false, Error = "boom" }),
        };

        var messages = ContextBuilder.Build(events, long.MaxValue, 100_000).Messages;

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], messages.Select(m => m.Role));
        var results = messages[2].Contents.OfType<FunctionResultContent>().ToList();
        Assert.Equal(["a", "b"], results.Select(r => r.CallId));
        Assert.Contains("boom", ((System.Text.Json.JsonElement)results[0].Result!).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dropping_old_turns_never_separates_a_call_from_its_result()
    {
        var events = new List<SessionEvent>();
        for (var i = 0; i < 5; i++)
        {
            events.Add(At(new MessageReceived { SessionKey = s_key, Text = $"q{i} " + new string('x', 800) }));
            events.Add(At(new AgentResponse { SessionKey = s_key, Text = "", Model = "m" }));
            events.Add(At(new ToolCalled { SessionKey = s_key, ToolCallId = $"c{i}", Tool = "t", Params = RuntimeHarness.Json("{}") }));
            events.Add(At(new ToolResult { SessionKey = s_key, ToolCallId = $"c{i}", Success = true, Result = RuntimeHarness.Json("{}") }));
        }

        var built = ContextBuilder.Build(events, long.MaxValue, 500);

        Assert.True(built.DroppedMessages > 0);
        Assert.Equal(ChatRole.User, built.Messages[0].Role);
        var calls = built.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        var results = built.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(c => c.CallId).ToList();
        Assert.Equal(calls, results);
        Assert.True(built.EstimatedTokens <= 500, $"{built.EstimatedTokens} tokens kept");
        Assert.StartsWith("q3", built.Messages[0].Text, StringComparison.Ordinal); // two exchanges of about 240 tokens fit
    }
}
