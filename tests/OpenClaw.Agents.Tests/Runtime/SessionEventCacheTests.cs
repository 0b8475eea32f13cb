using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;

namespace OpenClaw.Agents.Tests.Runtime;

public sealed class SessionEventCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Later_reads_see_every_event_appended_since_whoever_appended_it_and_past_a_page()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var key = await h.NewSessionAsync();
        var cache = new SessionEventCache(h.Store, capacity: 2);

        var first = await cache.ReadAsync(key, Ct);
        for (var i = 0; i < 1500; i++)
        {
            await h.Store.AppendAsync(new StateChanged { SessionKey = key, Key = "n", Value = RuntimeHarness.Json(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) }, Ct);
        }

        var second = await cache.ReadAsync(key, Ct);

        Assert.Single(first);
        Assert.Equal(1501, second.Count);
        Assert.Equal((await h.EventsAsync(key)).Select(e => e.Seq), second.Select(e => e.Seq));
    }

    [Fact]
    public async Task Past_its_capacity_it_forgets_the_least_recently_read_session_and_reads_it_whole_again()
    {
        await using var h = await RuntimeHarness.StartAsync();
        var a = await h.NewSessionAsync();
        var b = await h.NewSessionAsync();
        var c = await h.NewSessionAsync();
        var cache = new SessionEventCache(h.Store, capacity: 2);

        await cache.ReadAsync(a, Ct);
        await cache.ReadAsync(b, Ct);
        await cache.ReadAsync(c, Ct); // a is dropped
        await h.Store.AppendAsync(new MessageReceived { SessionKey = a, Text = "later" }, Ct);
        var again = await cache.ReadAsync(a, Ct);

        Assert.Equal(["session_started", "message_received"], again.Select(e => e.Type));
    }
}
