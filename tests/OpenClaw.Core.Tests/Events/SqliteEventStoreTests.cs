using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Testing;
using static OpenClaw.Core.Tests.Events.EventTestData;

namespace OpenClaw.Core.Tests.Events;

public sealed class SqliteEventStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_EveryKindWithEveryField_ReadsBackExactly()
    {
        using var dir = new TempDirectory();
        var key = Key();
        var appended = new List<SessionEvent>();
        await using (var store = await OpenAsync(dir.Combine("events.db")))
        {
            foreach (var e in EveryKind(key, forkedFrom: Key(id: "origin1")))
            {
                appended.Add(await store.AppendAsync(e, Ct));
            }
        }

        // Reopened from disk, every field of every kind comes back as it was acknowledged.
        await using var reopened = await OpenAsync(dir.Combine("events.db"));
        var read = await reopened.ReadEventsAsync(key, 0, 100, Ct);
        Assert.Equal(appended.Select(ToJson), read.Select(ToJson));
        Assert.Equal(EventTypes.All.Count, read.Select(e => e.Type).Distinct().Count());
        var message = Assert.IsType<MessageReceived>(read[1]);
        Assert.Equal("a.png", Assert.Single(message.Attachments).FileName);
        Assert.Equal(-100, message.ChannelMetadata!.Value.GetProperty("chat").GetProperty("id").GetInt32());
        Assert.Equal("Zürich", Assert.IsType<ToolCalled>(read[2]).Params.GetProperty("city").GetString());
        Assert.Equal("timeout after 30 s", Assert.IsType<ToolResult>(read[4]).Error);
        Assert.Equal(new TokenUsage(100, 20, 30, 40), Assert.IsType<AgentResponse>(read[5]).Usage);
        Assert.Null(Assert.IsType<StateChanged>(read[8]).Value);
        Assert.Equal("user typed /new", Assert.IsType<SessionEnded>(read[9]).Reason);
        Assert.Equal(7, Assert.IsType<SessionStarted>(read[0]).ForkedFrom!.AtSeq);
    }

    [Fact]
    public async Task AppendAsync_StampsSeqUuidV7AndTimestampFromTheClock()
    {
        using var dir = new TempDirectory();
        var clock = Clock();
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var key = await StartAsync(store);
        var before = clock.GetUtcNow();

        var stored = await store.AppendAsync(new MessageReceived { SessionKey = key, Text = "hi" }, Ct);

        Assert.Equal(2, stored.Seq);
        Assert.Equal(7, stored.EventId.Version);
        Assert.True(stored.Timestamp >= before && stored.Timestamp <= clock.GetUtcNow());
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);

        // UUIDv7 carries the Unix milliseconds of the timestamp in its first 48 bits.
        var bytes = stored.EventId.ToByteArray(bigEndian: true);
        var millis = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(stored.Timestamp.ToUnixTimeMilliseconds(), millis);
    }

    [Fact]
    public async Task AppendAsync_Wire_HasEnvelopeFieldsAndTypeDiscriminator()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store, Key(id: "abc"));
        var stored = await store.AppendAsync(new ToolCalled { SessionKey = key, ToolCallId = "c1", Tool = "t", Params = JsonOf("{}") }, Ct);

        using var wire = JsonDocument.Parse(ToJson(stored));
        var root = wire.RootElement;
        Assert.Equal(2, root.GetProperty("seq").GetInt64());
        Assert.Equal(stored.EventId, root.GetProperty("eventId").GetGuid());
        Assert.Equal("agent:default:telegram:42:abc", root.GetProperty("sessionKey").GetString());
        Assert.Equal("default", root.GetProperty("agentId").GetString());
        Assert.Equal("tool_called", root.GetProperty("type").GetString());
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("c1", root.GetProperty("toolCallId").GetString());

        // A client may send the discriminator anywhere in the object.
        var reordered = """{"seq":5,"sessionKey":"agent:default:telegram:42:abc","reason":"x","type":"session_ended","timestamp":"2026-11-24T12:00:00Z"}""";
        var parsed = Assert.IsType<SessionEnded>(JsonSerializer.Deserialize(reordered, EventJsonContext.Default.SessionEvent));
        Assert.Equal("x", parsed.Reason);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentWriters_AllAckedAllPresentInOneConsistentOrder()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"), TimeProvider.System);
        var keys = new List<Core.Identifiers.SessionKey>();
        for (var i = 0; i < 16; i++)
        {
            keys.Add(await StartAsync(store));
        }

        var acked = await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            var mine = new List<SessionEvent>();
            for (var i = 0; i < 40; i++)
            {
                mine.Add(await store.AppendAsync(new MessageReceived { SessionKey = keys[w % keys.Count], Text = $"w{w} i{i}" }, Ct)
                    .WaitAsync(TestTimeouts.Default, Ct));
            }

            return mine;
        })));

        var all = acked.SelectMany(a => a).ToList();
        Assert.Equal(64 * 40, all.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(64 * 40, all.Select(e => e.EventId).Distinct().Count());
        foreach (var mine in acked)
        {
            // Each writer's own appends are ordered as it made them.
            Assert.True(mine.Zip(mine.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        }

        var stored = new List<SessionEvent>();
        foreach (var key in keys)
        {
            stored.AddRange(await store.ReadAllEventsAsync(key, null, Ct));
        }

        Assert.Equal(all.Count + keys.Count, stored.Count);
        var bySeq = stored.ToDictionary(e => e.Seq);
        Assert.All(all, e => Assert.Equal(ToJson(e), ToJson(bySeq[e.Seq])));
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(e => e.Seq).Order());
    }

    [Fact]
    public async Task AppendAsync_ToEndedSession_IsConflictAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store);
        await store.EndSessionAsync(key, "bye", Ct);

        var ex = await Assert.ThrowsAsync<EventStoreException>(() => store.AppendAsync(new MessageReceived { SessionKey = key, Text = "late" }, Ct));

        Assert.Equal(EventStoreErrorKind.Conflict, ex.Kind);
        Assert.Contains("has ended", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.ReadEventsAsync(key, 0, 10, Ct)).Count);
        var summary = await store.GetSessionAsync(key, Ct);
        Assert.Equal(SessionState.Ended, summary!.State);
        Assert.Equal("bye", summary.EndedReason);
        Assert.Equal(2, summary.EventCount);

        // The refused append did not use up a seq: the next event elsewhere follows without a gap.
        var other = await StartAsync(store);
        Assert.Equal(3, (await store.ReadEventsAsync(other, 0, 10, Ct))[0].Seq);
    }

    [Fact]
    public async Task AppendAsync_UnknownSessionOrSecondStart_AreClearErrors()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = Key();

        var missing = await Assert.ThrowsAsync<EventStoreException>(() => store.AppendAsync(new MessageSent { SessionKey = key, Text = "x" }, Ct));
        Assert.Equal(EventStoreErrorKind.NotFound, missing.Kind);
        Assert.Contains("session_started", missing.Message, StringComparison.Ordinal);

        await StartAsync(store, key);
        var twice = await Assert.ThrowsAsync<EventStoreException>(() => store.AppendAsync(new SessionStarted { SessionKey = key }, Ct));
        Assert.Equal(EventStoreErrorKind.Conflict, twice.Kind);
        Assert.Contains("already exists", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_InvalidEvent_IsRefusedWithTheFieldNamed()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store);

        var noParams = await Assert.ThrowsAsync<EventStoreException>(() =>
            store.AppendAsync(new ToolCalled { SessionKey = key, ToolCallId = "c", Tool = "t", Params = default }, Ct));
        var badKey = await Assert.ThrowsAsync<EventStoreException>(() =>
            store.AppendAsync(new StateChanged { SessionKey = key, Key = "" }, Ct));
        var negative = await Assert.ThrowsAsync<EventStoreException>(() =>
            store.AppendAsync(new AgentResponse { SessionKey = key, Text = "", Model = "m", Usage = new TokenUsage(-1, 0, 0, 0) }, Ct));

        Assert.Contains("params", noParams.Message, StringComparison.Ordinal);
        Assert.Contains("key", badKey.Message, StringComparison.Ordinal);
        Assert.Contains("negative", negative.Message, StringComparison.Ordinal);
        Assert.Single(await store.ReadEventsAsync(key, 0, 10, Ct));
    }

    [Fact]
    public async Task AppendAsync_CancelledAfterQueueing_OutcomeMatchesWhatIsStored()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store);

        // Hold the acknowledgement of the first append in its fsync, queue a second append and cancel it: whatever the
        // caller is told (cancelled, or stored) must be what the store holds.
        var flushing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.FlushWal = wal =>
        {
            flushing.TrySetResult();
            release.Task.Wait(TestTimeouts.Default);
            wal.Flush(flushToDisk: true);
        };
        var blocker = store.AppendAsync(new MessageReceived { SessionKey = key, Text = "kept" }, Ct);
        await flushing.Task.WaitAsync(TestTimeouts.Default, Ct);

        using var cancelled = new CancellationTokenSource();
        var queued = store.AppendAsync(new MessageReceived { SessionKey = key, Text = "dropped" }, cancelled.Token);
        await cancelled.CancelAsync();
        release.SetResult();

        await blocker.WaitAsync(TestTimeouts.Default, Ct);
        try
        {
            await queued.WaitAsync(TestTimeouts.Default, Ct);

            // The writer may already have taken it before the cancel: then it is stored and was reported as stored.
            Assert.Contains(await store.ReadEventsAsync(key, 0, 10, Ct), e => e is MessageReceived { Text: "dropped" });
        }
        catch (OperationCanceledException)
        {
            Assert.DoesNotContain(await store.ReadEventsAsync(key, 0, 10, Ct), e => e is MessageReceived { Text: "dropped" });
        }
    }

    [Fact]
    public async Task Summary_TracksCountsTokensTitleAndActivityInStepWithEvents()
    {
        using var dir = new TempDirectory();
        var clock = Clock();
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var key = Key();
        foreach (var e in EveryKind(key).SkipLast(1))
        {
            await store.AppendAsync(e, Ct);
        }

        await store.AppendAsync(new MessageReceived { SessionKey = key, Text = "second message" }, Ct);
        await store.AppendAsync(new AgentResponse { SessionKey = key, Text = "ok", Model = "m", Usage = new TokenUsage(1, 2, 3, 4) }, Ct);
        var last = await store.AppendAsync(new StateChanged { SessionKey = key, Key = "channel.delivered", Value = JsonOf("true") }, Ct);

        var summary = (await store.GetSessionAsync(key, Ct))!;
        Assert.Equal(SessionState.Active, summary.State);
        Assert.Equal(12, summary.EventCount);
        Assert.Equal(5, summary.MessageCount);
        Assert.Equal(new TokenUsage(101, 22, 33, 44), summary.Usage);
        Assert.Equal("Hello there, what's the weather in Zürich?", summary.Title);
        Assert.Equal(last.Seq, summary.LastSeq);
        Assert.Equal(last.Timestamp, summary.LastActivity);
        Assert.Equal("telegram", summary.Channel.Value);
        Assert.Null(await store.GetSessionAsync(Key(), Ct));
    }

    [Fact]
    public async Task ReadEventsAsync_AfterSeq_PagesThroughTheSessionOnly()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var a = await StartAsync(store);
        var b = await StartAsync(store);
        for (var i = 0; i < 25; i++)
        {
            await store.AppendAsync(new MessageReceived { SessionKey = i % 2 == 0 ? a : b, Text = $"m{i}" }, Ct);
        }

        var pages = new List<IReadOnlyList<SessionEvent>>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadEventsAsync(a, after, 5, Ct);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            after = page[^1].Seq;
        }

        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(14, all.Count);
        Assert.All(all, e => Assert.Equal(a, e.SessionKey));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal([5, 5, 4], pages.Select(p => p.Count));
        await Assert.ThrowsAsync<EventStoreException>(() => store.ReadEventsAsync(a, 0, 0, Ct));
    }

    [Fact]
    public async Task ListSessionsAsync_CursorPages_CoverEverySessionOnceByLatestActivity()
    {
        using var dir = new TempDirectory();
        var clock = Clock();
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var keys = new List<Core.Identifiers.SessionKey>();
        for (var i = 0; i < 23; i++)
        {
            keys.Add(await StartAsync(store, Key(agent: i % 2 == 0 ? "default" : "ops", channel: i % 3 == 0 ? "web" : "telegram")));
        }

        // Touching a session moves it to the front; ending one changes its state.
        await store.AppendAsync(new MessageReceived { SessionKey = keys[3], Text = "bump" }, Ct);
        await store.EndSessionAsync(keys[4], null, Ct);

        var seen = new List<SessionSummary>();
        string? cursor = null;
        do
        {
            var page = await store.ListSessionsAsync(new SessionQuery { Limit = 5, Cursor = cursor }, Ct);
            Assert.True(page.Sessions.Count <= 5);
            seen.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(23, seen.Select(s => s.SessionKey).Distinct().Count());
        Assert.Equal(keys[4], seen[0].SessionKey);
        Assert.Equal(keys[3], seen[1].SessionKey);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.LastActivity >= p.Second.LastActivity));

        var endedOps = await store.ListSessionsAsync(new SessionQuery { State = SessionState.Ended }, Ct);
        Assert.Equal(keys[4], Assert.Single(endedOps.Sessions).SessionKey);
        Assert.Null(endedOps.NextCursor);

        var opsOnWeb = await store.ListSessionsAsync(
            new SessionQuery { AgentId = Core.Identifiers.AgentId.From("ops"), Channel = Core.Identifiers.ChannelId.From("web"), State = SessionState.Active, Limit = 2 }, Ct);
        var expected = keys.Where((k, i) => i % 2 == 1 && i % 3 == 0).ToHashSet();
        Assert.All(opsOnWeb.Sessions, s => Assert.Contains(s.SessionKey, expected));
        var rest = await store.ListSessionsAsync(
            new SessionQuery { AgentId = Core.Identifiers.AgentId.From("ops"), Channel = Core.Identifiers.ChannelId.From("web"), State = SessionState.Active, Limit = 2, Cursor = opsOnWeb.NextCursor }, Ct);
        Assert.Equal(expected, opsOnWeb.Sessions.Concat(rest.Sessions).Select(s => s.SessionKey).ToHashSet());
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    public async Task ListSessionsAsync_ForeignCursor_IsAClearError(string cursor)
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));

        var ex = await Assert.ThrowsAsync<EventStoreException>(() => store.ListSessionsAsync(new SessionQuery { Cursor = cursor }, Ct));

        Assert.Equal(EventStoreErrorKind.Invalid, ex.Kind);
        Assert.Contains("first page", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAsync_FindsSessionsByMessageWords_WithSnippets()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var weather = Key();
        foreach (var e in EveryKind(weather))
        {
            await store.AppendAsync(e, Ct);
        }

        var cooking = await StartAsync(store);
        await store.AppendAsync(new MessageReceived { SessionKey = cooking, Text = "How long do I boil an egg?" }, Ct);
        await store.AppendAsync(new AgentResponse { SessionKey = cooking, Text = "About seven minutes for a firm egg.", Model = "m" }, Ct);
        await store.AppendAsync(new StateChanged { SessionKey = cooking, Key = "note", Value = JsonOf("\"zurich egg\"") }, Ct);

        var hits = await store.SearchAsync("zurich", 10, Ct);
        var hit = Assert.Single(hits);
        Assert.Equal(weather, hit.Session.SessionKey);
        Assert.Contains("«Zürich»", hit.Snippet, StringComparison.Ordinal);

        var egg = Assert.Single(await store.SearchAsync("EGG minutes", 10, Ct));
        Assert.Equal(cooking, egg.Session.SessionKey);
        Assert.Empty(await store.SearchAsync("egg weather", 10, Ct));
        Assert.Equal(2, (await store.SearchAsync("a", 10, Ct)).Count + (await store.SearchAsync("in", 10, Ct)).Count);
    }

    [Fact]
    public async Task SearchAsync_ManyHitsInOneSession_StillFindsTheOtherSessionsOncePerSession()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var chatty = await StartAsync(store);
        for (var i = 0; i < 40; i++)
        {
            await store.AppendAsync(new MessageReceived { SessionKey = chatty, Text = "egg" }, Ct);
        }

        var others = new List<Core.Identifiers.SessionKey>();
        for (var i = 0; i < 3; i++)
        {
            var key = await StartAsync(store);
            others.Add(key);
            await store.AppendAsync(new AgentResponse { SessionKey = key, Text = $"a much longer answer {i} that mentions an egg only once among many other words", Model = "m" }, Ct);
        }

        var hits = await store.SearchAsync("egg", 3, Ct);

        // The 40 short, better-ranked messages of one session do not crowd the others out of the page.
        Assert.Equal(3, hits.Select(h => h.Session.SessionKey).Distinct().Count());
        Assert.Equal(chatty, hits[0].Session.SessionKey);
        Assert.Equal("«egg»", hits[0].Snippet);
        Assert.Equal(2, hits.Skip(1).Count(h => others.Contains(h.Session.SessionKey)));
        Assert.Equal(4, (await store.SearchAsync("egg", 10, Ct)).Count);
    }

    [Theory]
    [InlineData("\"unbalanced", false)]
    [InlineData("egg*", true)]
    [InlineData("egg AND", false)]
    [InlineData("OR egg", false)]
    [InlineData("NOT", false)]
    [InlineData("NEAR(egg boil", false)]
    [InlineData("text:egg", false)]
    [InlineData("session_id:1", false)]
    [InlineData("^egg", true)]
    [InlineData("-egg +boil", true)]
    [InlineData("(egg) {boil}", true)]
    [InlineData("\"egg\"", true)]
    [InlineData("egg\0boil", false)]
    [InlineData("'; DROP TABLE events; --", false)]
    [InlineData("\U0001F95A egg", false)]
    [InlineData("EGG Boil", true)]
    public async Task SearchAsync_HostileQuery_IsTakenLiterallyNeverASyntaxError(string query, bool matches)
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store);
        await store.AppendAsync(new MessageReceived { SessionKey = key, Text = "boil the egg" }, Ct);

        var hits = await store.SearchAsync(query, 10, Ct);

        // Words that occur in the text match; operators, column filters and punctuation are just characters.
        Assert.Equal(matches, hits.Count == 1);
        Assert.Equal(2, (await store.GetSessionAsync(key, Ct))!.EventCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\"")]
    [InlineData("*** ---")]
    public async Task SearchAsync_NoWords_IsAClearError(string query)
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));

        var ex = await Assert.ThrowsAsync<EventStoreException>(() => store.SearchAsync(query, 10, Ct));

        Assert.Contains("at least one word", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatsAsync_TotalsByStateChannelAgentWithMessagesAndTokens()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var full = Key(agent: "ops", channel: "web");
        foreach (var e in EveryKind(full))
        {
            await store.AppendAsync(e, Ct);
        }

        await StartAsync(store, Key(agent: "default", channel: "telegram"));
        var third = await StartAsync(store, Key(agent: "default", channel: "web"));
        await store.AppendAsync(new AgentResponse { SessionKey = third, Text = "x", Model = "m", Usage = new TokenUsage(1, 1, 1, 1) }, Ct);

        var stats = await store.GetStatsAsync(Ct);

        Assert.Equal(3, stats.Total);
        Assert.Equal(2, stats.Active);
        Assert.Equal(1, stats.Ended);
        Assert.Equal(new NamedCount("web", 2, 4), stats.ByChannel[0]);
        Assert.Equal(new NamedCount("telegram", 1, 0), stats.ByChannel[1]);
        Assert.Equal(new NamedCount("default", 2, 1), stats.ByAgent[0]);
        Assert.Equal(new NamedCount("ops", 1, 3), stats.ByAgent[1]);
        Assert.Equal(4, stats.MessageCount);
        Assert.Equal(10 + 1 + 2, stats.EventCount);
        Assert.Equal(new TokenUsage(101, 21, 31, 41), stats.Usage);
    }

    [Fact]
    public async Task GetUsageAsync_SumsModelTurnsByModelAgentAndDay_SinceAGivenTime()
    {
        using var dir = new TempDirectory();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var ops = await StartAsync(store, Key(agent: "ops"));
        var home = await StartAsync(store, Key(agent: "default"));
        await store.AppendAsync(new AgentResponse { SessionKey = ops, Text = "a", Model = "anthropic/claude", Usage = new TokenUsage(10, 20, 30, 40) }, Ct);
        await store.AppendAsync(new MessageReceived { SessionKey = ops, Text = "not a model turn" }, Ct);
        clock.Advance(TimeSpan.FromHours(2)); // past midnight UTC: the next turns are on 2026-03-02
        var secondDay = clock.GetUtcNow();
        await store.AppendAsync(new AgentResponse { SessionKey = home, Text = "b", Model = "openai/gpt", Usage = new TokenUsage(1, 2, 3, 4) }, Ct);
        await store.AppendAsync(new AgentResponse { SessionKey = ops, Text = "c", Model = "anthropic/claude", Usage = new TokenUsage(100, 200, 0, 0) }, Ct);

        var byModel = await store.GetUsageAsync(null, UsageGroupBy.Model, Ct);
        var byAgent = await store.GetUsageAsync(null, UsageGroupBy.Agent, Ct);
        var byDay = await store.GetUsageAsync(null, UsageGroupBy.Day, Ct);
        var since = await store.GetUsageAsync(secondDay, UsageGroupBy.Model, Ct);

        Assert.Equal(
            [new UsageRow("anthropic/claude", 2, new TokenUsage(110, 220, 30, 40)), new UsageRow("openai/gpt", 1, new TokenUsage(1, 2, 3, 4))],
            byModel.Rows);
        Assert.Equal(3, byModel.Requests);
        Assert.Equal(new TokenUsage(111, 222, 33, 44), byModel.Total);
        Assert.Equal(["default", "ops"], byAgent.Rows.Select(r => r.Key));
        Assert.Equal(new TokenUsage(110, 220, 30, 40), byAgent.Rows[1].Usage);
        Assert.Equal([new UsageRow("2026-03-01", 1, new TokenUsage(10, 20, 30, 40)), new UsageRow("2026-03-02", 2, new TokenUsage(101, 202, 3, 4))], byDay.Rows);
        Assert.Equal(2, since.Requests);
        Assert.Equal(new TokenUsage(101, 202, 3, 4), since.Total);
    }

    [Fact]
    public async Task ImportAsync_KeepsIdsAndTimes_AndIsAllOrNothing()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = Key();
        var time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var batch = EveryKind(key)
            .Select((e, i) => e with { Timestamp = time.AddSeconds(i), EventId = Guid.CreateVersion7(time.AddSeconds(i)) })
            .ToList();

        var imported = await store.ImportAsync(batch, Ct);

        Assert.Equal(batch.Select(e => e.EventId), imported.Select(e => e.EventId));
        Assert.Equal(batch.Select(e => e.Timestamp), imported.Select(e => e.Timestamp));
        Assert.Equal(Enumerable.Range(1, batch.Count).Select(i => (long)i), imported.Select(e => e.Seq));
        Assert.Equal(imported.Select(ToJson), (await store.ReadEventsAsync(key, 0, 100, Ct)).Select(ToJson));

        // A bad event in the middle of an import (here: after the session ended) rolls the whole import back.
        var other = Key();
        var failing = new SessionEvent[]
        {
            new SessionStarted { SessionKey = other },
            new MessageReceived { SessionKey = other, Text = "kept?" },
            new MessageReceived { SessionKey = key, Text = "to an ended session" },
        };
        var ex = await Assert.ThrowsAsync<EventStoreException>(() => store.ImportAsync(failing, Ct));
        Assert.Equal(EventStoreErrorKind.Conflict, ex.Kind);
        Assert.Null(await store.GetSessionAsync(other, Ct));
        Assert.Empty(await store.SearchAsync("kept", 10, Ct));

        var next = await StartAsync(store, other);
        Assert.Equal(batch.Count + 1, (await store.ReadEventsAsync(next, 0, 10, Ct))[0].Seq);
    }

    [Fact]
    public async Task ImportAsync_ThousandsOfEventsOfEveryKind_StoresExactlyWhatTheSerializerWrites()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("events.db");
        var batch = new List<SessionEvent>();
        var origin = Key();
        for (var i = 0; batch.Count < 3000; i++)
        {
            // Some events carry their identity already (kept as given), others are stamped on import; a non-UTC
            // offset is normalised to UTC.
            var time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(i % 3 - 1)).AddMinutes(i);
            batch.AddRange(EveryKind(Key(), forkedFrom: i % 2 == 0 ? origin : null)
                .Select((e, n) => n % 2 == 0 ? e with { Timestamp = time.AddSeconds(n), EventId = Guid.CreateVersion7(time) } : e));
        }

        IReadOnlyList<SessionEvent> imported;
        await using (var store = await OpenAsync(path))
        {
            imported = await store.ImportAsync(batch, Ct);
        }

        Assert.Equal(Enumerable.Range(1, batch.Count).Select(i => (long)i), imported.Select(e => e.Seq));
        Assert.All(imported, e => Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset));
        Assert.Equal(batch.Select(e => e.Timestamp.UtcTicks).Where((_, i) => i % 2 == 0), imported.Select(e => e.Timestamp.UtcTicks).Where((_, i) => i % 2 == 0));
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, data FROM events ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var stored = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            stored.Add(reader.GetString(1));
        }

        Assert.Equal(imported.Select(e => ToJson(e with { Seq = 0 })), stored);
    }

    [Fact]
    public async Task ImportAsync_InvalidEventFarIntoALargeImport_ReportsItAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var batch = new List<SessionEvent>();
        var keys = new List<OpenClaw.Core.Identifiers.SessionKey>();
        while (batch.Count < 3000)
        {
            keys.Add(Key());
            batch.AddRange(EveryKind(keys[^1]));
        }

        batch[2500] = new ToolCalled { SessionKey = batch[2500].SessionKey, ToolCallId = "call-9", Tool = " ", Params = JsonOf("{}") };

        var ex = await Assert.ThrowsAsync<EventStoreException>(() => store.ImportAsync(batch, Ct));

        Assert.Equal(EventStoreErrorKind.Invalid, ex.Kind);
        Assert.Contains("tool", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetSessionAsync(keys[0], Ct));
        Assert.Empty(await store.SearchAsync("weather", 10, Ct));
    }

    [Fact]
    public async Task ForkAsync_CopiesThePrefixIntoANewActiveSession()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = Key();
        var original = new List<SessionEvent>();
        foreach (var e in EveryKind(key))
        {
            original.Add(await store.AppendAsync(e, Ct));
        }

        var atSeq = original[5].Seq; // through the agent_response
        var fork = await store.ForkAsync(key, atSeq, Ct);

        Assert.NotEqual(key, fork);
        Assert.Equal((key.Agent, key.Channel, key.Peer), (fork.Agent, fork.Channel, fork.Peer));
        var copied = await store.ReadAllEventsAsync(fork, null, Ct);
        var started = Assert.IsType<SessionStarted>(copied[0]);
        Assert.Equal(new ForkOrigin(key, atSeq), started.ForkedFrom);
        Assert.Equal(original.Skip(1).Take(5).Select(e => e.Type), copied.Skip(1).Select(e => e.Type));
        Assert.True(copied.Zip(copied.Skip(1)).All(p => p.Second.Seq == p.First.Seq + 1));
        Assert.True(copied[0].Seq > original[^1].Seq);
        Assert.DoesNotContain(copied, c => original.Any(o => o.EventId == c.EventId));
        Assert.Equal(
            original.Skip(1).Take(5).Select(e => ToJson(e with { Seq = 0, EventId = Guid.Empty, SessionKey = fork })),
            copied.Skip(1).Select(e => ToJson(e with { Seq = 0, EventId = Guid.Empty })));

        // The fork is its own active session, even though the original has since ended.
        var summary = (await store.GetSessionAsync(fork, Ct))!;
        Assert.Equal(SessionState.Active, summary.State);
        Assert.Equal(6, summary.EventCount);
        Assert.Equal(new ForkOrigin(key, atSeq), summary.ForkedFrom);
        await store.AppendAsync(new MessageReceived { SessionKey = fork, Text = "and then?" }, Ct);

        // Forking at the very end drops the session_ended, so the copy is active too.
        var whole = await store.ForkAsync(key, long.MaxValue, Ct);
        Assert.Equal(SessionState.Active, (await store.GetSessionAsync(whole, Ct))!.State);
        Assert.Equal(original.Count - 1, (await store.GetSessionAsync(whole, Ct))!.EventCount);
        Assert.Equal(original[^1].Seq, (await store.GetSessionAsync(whole, Ct))!.ForkedFrom!.AtSeq);
    }

    [Fact]
    public async Task ForkAsync_UnknownSessionOrSeqBeforeIt_AreClearErrors()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        await StartAsync(store);
        var later = await StartAsync(store);

        var missing = await Assert.ThrowsAsync<EventStoreException>(() => store.ForkAsync(Key(), 1, Ct));
        var early = await Assert.ThrowsAsync<EventStoreException>(() => store.ForkAsync(later, 1, Ct));

        Assert.Equal(EventStoreErrorKind.NotFound, missing.Kind);
        Assert.Equal(EventStoreErrorKind.Invalid, early.Kind);
        Assert.Contains("seq 1", early.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsEverythingAndContinuesTheSeq()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state", "events.db");
        Core.Identifiers.SessionKey key;
        await using (var store = await OpenAsync(path))
        {
            key = await StartAsync(store);
            await store.AppendAsync(new MessageReceived { SessionKey = key, Text = "before restart" }, Ct);
        }

        await using var reopened = await OpenAsync(path);
        var next = await reopened.AppendAsync(new MessageReceived { SessionKey = key, Text = "after restart" }, Ct);

        Assert.Equal(3, next.Seq);
        Assert.Equal(3, (await reopened.GetSessionAsync(key, Ct))!.EventCount);

        // The rules hold across restarts: the session still exists, and one ended before stays ended.
        var again = await Assert.ThrowsAsync<EventStoreException>(() => reopened.AppendAsync(new SessionStarted { SessionKey = key }, Ct));
        Assert.Equal(EventStoreErrorKind.Conflict, again.Kind);
        Assert.Single(await reopened.SearchAsync("restart before", 5, Ct));
    }
}
