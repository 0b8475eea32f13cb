using System.Text.Json;
using CsCheck;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Testing;
using static OpenClaw.Core.Tests.Events.EventTestData;

namespace OpenClaw.Core.Tests.Events.Projection;

public sealed class SessionProjectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Project_Conversation_HasMessagesToolPairsStateUsageAndEnd()
    {
        var events = Stamp(EveryKind(Key()));

        var p = SessionProjector.Project(events)!;

        Assert.Equal([MessageRole.User, MessageRole.Assistant, MessageRole.Outbound], p.Messages.Select(m => m.Role));
        Assert.Equal("Hello there, what's the weather in Zürich?", p.Messages[0].Text);
        Assert.Equal("a.png", Assert.Single(p.Messages[0].Attachments!).FileName);
        Assert.Equal("claude-x", p.Messages[1].Model);
        Assert.Equal(new TokenUsage(100, 20, 30, 40), p.Usage);
        var weather = p.ToolCalls.Single(t => t.ToolCallId == "call-1");
        Assert.Equal("weather", weather.Tool);
        Assert.True(weather.Completed);
        Assert.Equal(3.5, weather.Result!.Value.GetProperty("tempC").GetDouble());
        var orphan = p.ToolCalls.Single(t => t.ToolCallId == "call-2");
        Assert.Null(orphan.Tool);
        Assert.Equal("timeout after 30 s", orphan.Error);
        Assert.True(p.GetState("run.finished")!.Value!.Value.GetProperty("ok").GetBoolean());
        Assert.Null(p.GetState("context.summary")!.Value);
        Assert.Null(p.GetState("never.set"));
        Assert.Equal(SessionState.Ended, p.State);
        Assert.Equal("user typed /new", p.EndedReason);
        Assert.Equal(events[^1].Seq, p.LastSeq);
        Assert.Null(SessionProjector.Project([]));
    }

    [Fact]
    public void Project_AtSeq_GivesTheSessionAsItWasThen()
    {
        var key = Key();
        var events = Stamp(
        [
            new SessionStarted { SessionKey = key },
            new StateChanged { SessionKey = key, Key = "run.status", Value = JsonOf("\"started\"") },
            new MessageReceived { SessionKey = key, Text = "one" },
            new ToolCalled { SessionKey = key, ToolCallId = "c", Tool = "t", Params = JsonOf("{}") },
            new ToolResult { SessionKey = key, ToolCallId = "c", Success = true, Result = JsonOf("1") },
            new AgentResponse { SessionKey = key, Text = "two", Model = "m", Usage = new TokenUsage(5, 5, 0, 0) },
            new StateChanged { SessionKey = key, Key = "run.status", Value = JsonOf("\"done\"") },
            new SessionEnded { SessionKey = key },
        ]);

        var atCall = SessionProjector.Project(events, atSeq: events[3].Seq)!;
        var atEnd = SessionProjector.Project(events, atSeq: events[^1].Seq)!;

        Assert.Equal("one", Assert.Single(atCall.Messages).Text);
        Assert.False(Assert.Single(atCall.ToolCalls).Completed);
        Assert.Equal("started", atCall.GetState("run.status")!.Value!.Value.GetString());
        Assert.Equal(TokenUsage.Zero, atCall.Usage);
        Assert.Equal(SessionState.Active, atCall.State);
        Assert.Equal(events[3].Seq, atCall.LastSeq);
        Assert.Equal("done", atEnd.GetState("run.status")!.Value!.Value.GetString());
        Assert.Equal(SessionState.Ended, atEnd.State);
        Assert.Equal(ToJson(SessionProjector.Project(events.Take(4))!), ToJson(atCall));
    }

    [Fact]
    public async Task GetProjectionAsync_FromTheStore_TravelsInTime()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = Key();
        var stored = new List<SessionEvent>();
        foreach (var e in EveryKind(key))
        {
            stored.Add(await store.AppendAsync(e, Ct));
        }

        var now = await store.GetProjectionAsync(key, null, Ct);
        var then = await store.GetProjectionAsync(key, stored[1].Seq, Ct);

        Assert.Equal(ToJson(SessionProjector.Project(stored)!), ToJson(now!));
        Assert.Equal(SessionState.Ended, now!.State);
        Assert.Equal(SessionState.Active, then!.State);
        Assert.Single(then.Messages);
        Assert.Null(await store.GetProjectionAsync(Key(), null, Ct));
    }

    [Fact]
    public void Merge_ProjectionsOfAnySplitInAnyOrder_EqualTheProjectionOfAllEvents()
    {
        var key = Key(id: "merge1");
        var spec = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 12], Gen.Int[0, 3], Gen.Int[0, 4], Gen.Guid, Gen.Int[0, 2]);
        Gen.Select(spec.Array[1, 40], Gen.Int, Gen.Int).Sample((specs, shuffleA, shuffleB) =>
        {
            var events = specs.Select((s, i) => Build(key, i + 1, s.Item1, s.Item2, s.Item3, s.Item4, s.Item5)).ToArray();
            var a = Shuffle(events.Where((e, i) => specs[i].Item6 != 1), shuffleA);
            var b = Shuffle(events.Where((e, i) => specs[i].Item6 != 0), shuffleB);

            var whole = ToJson(SessionProjector.Project(events)!);
            var pa = SessionProjector.Project(a);
            var pb = SessionProjector.Project(b);
            var merged = pa is null ? pb! : pb is null ? pa : SessionProjector.Merge(pa, pb);
            var reversed = pa is null ? pb! : pb is null ? pa : SessionProjector.Merge(pb, pa);

            Assert.Equal(whole, ToJson(merged));
            Assert.Equal(whole, ToJson(reversed));
            Assert.Equal(whole, ToJson(SessionProjector.Merge(merged, merged)));
            Assert.Equal(whole, ToJson(SessionProjector.Project(Shuffle(events, shuffleA ^ shuffleB))!));
        }, iter: 500);
    }

    [Fact]
    public void Merge_ProjectionsOfTwoSessions_IsRefused()
    {
        var a = SessionProjector.Project([new SessionStarted { SessionKey = Key(), EventId = Guid.NewGuid(), Seq = 1 }])!;
        var b = SessionProjector.Project([new SessionStarted { SessionKey = Key(), EventId = Guid.NewGuid(), Seq = 2 }])!;

        Assert.Throws<ArgumentException>(() => SessionProjector.Merge(a, b));
    }

    private static string ToJson(SessionProjection p) => JsonSerializer.Serialize(p, EventJsonContext.Default.SessionProjection);

    private static SessionEvent[] Stamp(IEnumerable<SessionEvent> events) =>
        [.. events.Select((e, i) => e with { Seq = i + 1, Timestamp = Start.AddSeconds(i), EventId = Guid.CreateVersion7(Start.AddSeconds(i)) })];

    private static SessionEvent[] Shuffle(IEnumerable<SessionEvent> events, int seed)
    {
        var array = events.ToArray();
        new Random(seed).Shuffle(array);
        return array;
    }

    // Few distinct times, keys and tool ids, so that ties and overwrites are common.
    private static SessionEvent Build(Core.Identifiers.SessionKey key, long seq, int kind, int millis, int slot, int value, Guid id)
    {
        SessionEvent e = kind switch
        {
            0 => new SessionStarted { SessionKey = key },
            1 => new MessageReceived { SessionKey = key, Text = $"user {value}" },
            2 => new ToolCalled { SessionKey = key, ToolCallId = $"c{slot}", Tool = $"tool{value}", Params = JsonOf($"{{\"v\":{value}}}") },
            3 => new ToolResult { SessionKey = key, ToolCallId = $"c{slot}", Success = value % 2 == 0, Result = JsonOf($"{value}"), Error = value % 2 == 0 ? null : "failed" },
            4 => new AgentResponse { SessionKey = key, Text = $"reply {value}", Model = "m", Usage = new TokenUsage(value, slot, 1, 0) },
            5 => new MessageSent { SessionKey = key, Text = $"sent {value}" },
            6 => new StateChanged { SessionKey = key, Key = $"run.k{slot}", Value = value == 0 ? null : JsonOf($"{value}") },
            7 => new SessionEnded { SessionKey = key, Reason = $"r{value}" },
            _ => new StateChanged { SessionKey = key, Key = $"context.k{slot}", Value = JsonOf($"[{value}]") },
        };
        return e with { Seq = seq, Timestamp = Start.AddMilliseconds(millis), EventId = id };
    }
}
