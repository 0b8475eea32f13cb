using Microsoft.Extensions.Time.Testing;
using OpenClaw.Core.Events;
using OpenClaw.Testing;
using static OpenClaw.Core.Tests.Events.EventTestData;

namespace OpenClaw.Core.Tests.Events;

/// <summary>Appended events' timestamps follow their seqs, so last-write-wins by timestamp agrees with the log.</summary>
public sealed class SqliteEventStoreOrderingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_ClockStepsBackwards_TimestampsFollowSeqAndProjectionShowsTheLastWrite()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var key = await StartAsync(store);
        clock.Advance(TimeSpan.FromSeconds(10));
        var running = await store.AppendAsync(new StateChanged { SessionKey = key, Key = "run.status", Value = JsonOf("\"running\"") }, Ct);

        // NTP (or a VM resume) steps the wall clock back five seconds before the run finishes.
        clock.AdjustTime(clock.GetUtcNow() - TimeSpan.FromSeconds(5));
        var done = await store.AppendAsync(new StateChanged { SessionKey = key, Key = "run.status", Value = JsonOf("\"done\"") }, Ct);

        Assert.True(done.Seq > running.Seq);
        Assert.True(done.Timestamp > running.Timestamp, $"done at {done.Timestamp:O} is not after running at {running.Timestamp:O}");
        var stored = await store.ReadAllEventsAsync(key, null, Ct);
        AssertTimestampsIncreaseWithSeq(stored);
        Assert.Equal(ToJson(done), ToJson(stored[^1]));
        Assert.Equal(done.Timestamp.ToUnixTimeMilliseconds(), UuidMillis(done.EventId));

        var projection = await store.GetProjectionAsync(key, null, Ct);
        Assert.Equal("done", projection!.GetState("run.status")!.Value!.Value.GetString());
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersOnAStoppedClock_TimestampsStrictlyIncreaseInSeqOrder()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start); // every caller reads the same instant, as racing callers can
        await using var store = await OpenAsync(dir.Combine("events.db"), clock);
        var keys = new List<Core.Identifiers.SessionKey>();
        for (var i = 0; i < 4; i++)
        {
            keys.Add(await StartAsync(store));
        }

        var acked = await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var mine = new List<SessionEvent>();
            for (var i = 0; i < 25; i++)
            {
                mine.Add(await store.AppendAsync(new StateChanged { SessionKey = keys[w % keys.Count], Key = "k", Value = JsonOf($"{(w * 100) + i}") }, Ct)
                    .WaitAsync(TestTimeouts.Default, Ct));
            }

            return mine;
        })));

        var stored = new List<SessionEvent>();
        foreach (var key in keys)
        {
            var events = await store.ReadAllEventsAsync(key, null, Ct);
            AssertTimestampsIncreaseWithSeq(events);

            // The projection's latest value is the one the log wrote last.
            var projection = await store.GetProjectionAsync(key, null, Ct);
            Assert.Equal(events[^1].Seq, projection!.GetState("k")!.Seq);
            stored.AddRange(events);
        }

        AssertTimestampsIncreaseWithSeq([.. stored.OrderBy(e => e.Seq)]);
        Assert.Equal(stored.Count, stored.Select(e => e.EventId).Distinct().Count());
        var bySeq = stored.ToDictionary(e => e.Seq);
        Assert.All(acked.SelectMany(a => a), e => Assert.Equal(ToJson(bySeq[e.Seq]), ToJson(e)));
    }

    [Fact]
    public async Task AppendAsync_AfterReopenWithTheClockBehindTheNewestEvent_StillSortsAfterIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("events.db");
        var key = Key();
        var future = Start + TimeSpan.FromHours(1);

        // An import keeps the times it is given, even ones ahead of this machine's clock.
        await using (var store = await OpenAsync(path, new FakeTimeProvider(Start)))
        {
            var imported = await store.ImportAsync([new SessionStarted { SessionKey = key, Timestamp = future }], Ct);
            Assert.Equal(future, imported[0].Timestamp);
        }

        await using var reopened = await OpenAsync(path, new FakeTimeProvider(Start));
        var appended = await reopened.AppendAsync(new MessageReceived { SessionKey = key, Text = "hi" }, Ct);

        Assert.True(appended.Timestamp > future, $"appended at {appended.Timestamp:O}, not after {future:O}");
        AssertTimestampsIncreaseWithSeq(await reopened.ReadAllEventsAsync(key, null, Ct));
    }

    private static void AssertTimestampsIncreaseWithSeq(IReadOnlyList<SessionEvent> bySeq)
    {
        for (var i = 1; i < bySeq.Count; i++)
        {
            Assert.True(bySeq[i - 1].Seq < bySeq[i].Seq);
            Assert.True(
                bySeq[i - 1].Timestamp < bySeq[i].Timestamp,
                $"seq {bySeq[i].Seq} at {bySeq[i].Timestamp:O} is not after seq {bySeq[i - 1].Seq} at {bySeq[i - 1].Timestamp:O}");
        }
    }

    private static long UuidMillis(Guid id)
    {
        var bytes = id.ToByteArray(bigEndian: true);
        return ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
    }
}
