using System.Diagnostics;
using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Bench;

/// <summary>Shared helpers for the event store drivers.</summary>
internal static class EventsBench
{
    public static string TempStore(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "openclaw-bench", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "events.db");
    }

    public static Task<SqliteEventStore> OpenAsync(string path) =>
        SqliteEventStore.OpenAsync(new EventStoreOptions { Path = path }, TimeProvider.System, null, CancellationToken.None);

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static SessionKey Key(int i) =>
        SessionKey.Create(AgentId.From(i % 3 == 0 ? "ops" : "default"), ChannelId.From(i % 2 == 0 ? "telegram" : "web"), PeerId.From($"peer{i % 1000}"), $"s{i}");

    private static readonly JsonElement s_weatherParams = Json("""{"city":"Zürich","day":"tomorrow"}""");
    private static readonly JsonElement s_weatherResult = Json("""{"tempC":4,"sky":"cloudy"}""");

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A realistic turn: user message, tool call and result, model answer, delivery, state change.</summary>
    public static IEnumerable<SessionEvent> Turn(SessionKey key, int turn, DateTimeOffset time)
    {
        var id = $"call-{turn}";
        yield return new MessageReceived { SessionKey = key, Text = $"Question {turn}: what is the weather like in Zürich tomorrow morning?", Timestamp = time };
        yield return new ToolCalled { SessionKey = key, ToolCallId = id, Tool = "weather", Params = s_weatherParams, Timestamp = time.AddMilliseconds(1) };
        yield return new ToolResult { SessionKey = key, ToolCallId = id, Success = true, Result = s_weatherResult, Timestamp = time.AddMilliseconds(2) };
        yield return new AgentResponse { SessionKey = key, Text = "Tomorrow morning it will be cloudy at about 4 °C.", Model = "claude-sonnet", Usage = new TokenUsage(900, 40, 800, 0), Timestamp = time.AddMilliseconds(3) };
        yield return new MessageSent { SessionKey = key, Text = "Tomorrow morning it will be cloudy at about 4 °C.", ChannelMessageId = $"m{turn}", Timestamp = time.AddMilliseconds(4) };
    }

    public static int Report(string name, double value, string unit, double target, bool higherIsBetter)
    {
        var ok = higherIsBetter ? value >= target : value <= target;
        Console.WriteLine($"{name}: {value:N1} {unit} (target {(higherIsBetter ? ">=" : "<=")} {target:N0} {unit}) {(ok ? "OK" : "MISSED")}");
        return ok ? 0 : 1;
    }
}

/// <summary>64 concurrent writers doing durable appends for a fixed time.</summary>
public sealed class EventsAppendDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "events-append";

    /// <inheritdoc />
    public string Description => "durable appends from 64 concurrent writers for 10 s ([seconds] [writers])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var writers = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        var path = EventsBench.TempStore("append");
        try
        {
            await using var store = await EventsBench.OpenAsync(path);
            var keys = new SessionKey[writers];
            for (var i = 0; i < writers; i++)
            {
                keys[i] = EventsBench.Key(i);
                await store.AppendAsync(new SessionStarted { SessionKey = keys[i] }, CancellationToken.None);
            }

            var stop = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(seconds);
            var latencies = new List<double>[writers];
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = new List<double>(100_000);
                var text = $"writer {w} says hello to the event store, a message of ordinary length for a chat.";
                while (stop.Elapsed < deadline)
                {
                    var t = Stopwatch.GetTimestamp();
                    await store.AppendAsync(new MessageReceived { SessionKey = keys[w], Text = text }, CancellationToken.None);
                    mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            })).ToArray();
            await Task.WhenAll(tasks);
            var elapsed = stop.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            Console.WriteLine($"{all.Length:N0} durable appends in {elapsed:N1} s from {writers} writers; latency p50 {all[all.Length / 2]:N2} ms, p99 {all[(int)(all.Length * 0.99)]:N2} ms");
            return EventsBench.Report("events-append", all.Length / elapsed, "events/s", 20_000, higherIsBetter: true);
        }
        finally
        {
            EventsBench.Delete(path);
        }
    }
}

/// <summary>Batch import (migration, fork) of many events per transaction.</summary>
public sealed class EventsImportDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "events-import";

    /// <inheritdoc />
    public string Description => "batch import of 500,000 events in 10,000-event transactions ([events] [batch])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var total = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500_000;
        var batchSize = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        var path = EventsBench.TempStore("import");
        try
        {
            await using var store = await EventsBench.OpenAsync(path);
            await store.ImportAsync(BuildBatches(batchSize, batchSize, prefix: 9_000_000).First(), CancellationToken.None); // warm-up

            var before = GC.GetTotalAllocatedBytes(precise: true);
            foreach (var batch in BuildBatches(total, batchSize))
            {
                GC.KeepAlive(batch);
            }

            Console.WriteLine($"building the input allocates {(GC.GetTotalAllocatedBytes(precise: true) - before) / total:N0} bytes/event (included below)");

            // Like a migration streaming a file: each batch is built just in time (so the input is not all alive at
            // once) and the next one is prepared while the previous one is written.
            var gen0 = GC.CollectionCount(0);
            var gen1 = GC.CollectionCount(1);
            var gen2 = GC.CollectionCount(2);
            var pause = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes();
            var stop = Stopwatch.StartNew();
            Task? inFlight = null;
            var count = 0;
            foreach (var batch in BuildBatches(total, batchSize))
            {
                var next = Task.Run(() => store.ImportAsync(batch, CancellationToken.None));
                if (inFlight is not null)
                {
                    await inFlight;
                }

                inFlight = next;
                count++;
            }

            await inFlight!;
            var elapsed = stop.Elapsed.TotalSeconds;
            Console.WriteLine($"{total:N0} events in {count} imports of {batchSize:N0} (two in flight) in {elapsed:N2} s");
            Console.WriteLine(
                $"GC ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}): gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}, " +
                $"pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:N0} ms, allocated {(GC.GetTotalAllocatedBytes() - allocated) / total:N0} bytes/event");
            return EventsBench.Report("events-import", total / elapsed, "events/s", 150_000, higherIsBetter: true);
        }
        finally
        {
            EventsBench.Delete(path);
        }
    }

    /// <summary>Sessions of 1 start + two 5-event turns, cut into batches of about <paramref name="batchSize"/> events.</summary>
    internal static IEnumerable<List<SessionEvent>> BuildBatches(int total, int batchSize, int prefix = 0)
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var current = new List<SessionEvent>(batchSize + 16);
        var count = 0;
        for (var s = 0; count < total; s++)
        {
            // Cut only between sessions, so batches are independent and may be written in any order.
            if (current.Count >= batchSize)
            {
                yield return current;
                current = new List<SessionEvent>(batchSize + 16);
            }

            var key = EventsBench.Key(prefix + s);
            current.Add(new SessionStarted { SessionKey = key, Timestamp = time });
            count++;
            for (var turn = 0; turn < 2 && count < total; turn++)
            {
                foreach (var e in EventsBench.Turn(key, turn, time.AddSeconds(turn)))
                {
                    if (count < total)
                    {
                        current.Add(e);
                        count++;
                    }
                }
            }

            time = time.AddSeconds(3);
        }

        yield return current;
    }
}

/// <summary>Projection of one 10,000-event session, in memory and from the store.</summary>
public sealed class EventsProjectDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "events-project";

    /// <inheritdoc />
    public string Description => "project a 10,000-event session (pure, and read from the store + project)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var key = EventsBench.Key(1);
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var events = new List<SessionEvent> { new SessionStarted { SessionKey = key, Timestamp = time } };
        for (var turn = 0; events.Count < 10_000; turn++)
        {
            events.AddRange(EventsBench.Turn(key, turn, time.AddSeconds(turn)));
            if (turn % 10 == 0)
            {
                events.Add(new StateChanged { SessionKey = key, Key = $"run.r{turn % 50}", Value = EventsBench.Json("{\"ok\":true}"), Timestamp = time.AddSeconds(turn).AddMilliseconds(5) });
            }
        }

        events = [.. events.Take(10_000)];
        var path = EventsBench.TempStore("project");
        try
        {
            await using var store = await EventsBench.OpenAsync(path);
            var stored = await store.ImportAsync(events, CancellationToken.None);
            var pure = Measure(() => SessionProjector.Project(stored));
            var fromStore = Measure(() => store.GetProjectionAsync(key, null, CancellationToken.None).GetAwaiter().GetResult());
            Console.WriteLine($"10,000 events, {SessionProjector.Project(stored)!.Messages.Count:N0} messages; read from store + project: median {fromStore:N2} ms");
            return EventsBench.Report("events-project (pure)", pure, "ms", 20, higherIsBetter: false);
        }
        finally
        {
            EventsBench.Delete(path);
        }
    }

    private static double Measure(Func<object?> action)
    {
        for (var i = 0; i < 5; i++)
        {
            action();
        }

        var times = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var t = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return times.Order().ElementAt(times.Count / 2);
    }
}

/// <summary>Opening a large store and listing its first page.</summary>
public sealed class EventsOpenListDriver : IDriver
{
    private const int Sessions = 100_000;
    private const int EventsPerSession = 10;

    /// <inheritdoc />
    public string Name => "events-open-list";

    /// <inheritdoc />
    public string Description => "open a 100,000-session / 1,000,000-event store (built once, cached) and list the first page";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var dir = Path.Combine(Path.GetTempPath(), "openclaw-bench", "open-list-v2");
        var path = Path.Combine(dir, "events.db");
        if (!File.Exists(Path.Combine(dir, "complete")))
        {
            await BuildAsync(dir, path);
        }

        // Warm the JIT on a throwaway store so the numbers are about the file, not about start-up code.
        var warm = EventsBench.TempStore("warm");
        await (await EventsBench.OpenAsync(warm)).DisposeAsync();
        EventsBench.Delete(warm);

        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await using var store = await EventsBench.OpenAsync(path);
            var page = await store.ListSessionsAsync(new SessionQuery { Limit = 50 }, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (page.Sessions.Count != 50 || page.NextCursor is null)
            {
                throw new InvalidOperationException("the first page should be full");
            }
        }

        Console.WriteLine($"open + first page of 50 ({Sessions:N0} sessions, {Sessions * EventsPerSession:N0} events): {string.Join(", ", times.Select(t => t.ToString("N1", System.Globalization.CultureInfo.InvariantCulture)))} ms");
        return EventsBench.Report("events-open-list (median)", times.Order().ElementAt(times.Count / 2), "ms", 50, higherIsBetter: false);
    }

    private static async Task BuildAsync(string dir, string path)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var stop = Stopwatch.StartNew();
        await using (var store = await EventsBench.OpenAsync(path))
        {
            var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var batch = new List<SessionEvent>(20_000);
            for (var s = 0; s < Sessions; s++)
            {
                var key = EventsBench.Key(s);
                var at = time.AddSeconds(s * 7);
                batch.Add(new SessionStarted { SessionKey = key, Timestamp = at });
                batch.AddRange(EventsBench.Turn(key, 0, at.AddSeconds(1)));
                batch.Add(new MessageReceived { SessionKey = key, Text = "thanks, and what about the weekend?", Timestamp = at.AddSeconds(2) });
                batch.Add(new AgentResponse { SessionKey = key, Text = "Sunny on Saturday, rain on Sunday.", Model = "claude-sonnet", Usage = new TokenUsage(1000, 20, 900, 0), Timestamp = at.AddSeconds(3) });
                batch.Add(new StateChanged { SessionKey = key, Key = "run.finished", Value = EventsBench.Json("true"), Timestamp = at.AddSeconds(3.5) });
                if (s % 2 == 0)
                {
                    batch.Add(new SessionEnded { SessionKey = key, Reason = "idle", Timestamp = at.AddSeconds(4) });
                }
                else
                {
                    batch.Add(new MessageSent { SessionKey = key, Text = "Anything else?", Timestamp = at.AddSeconds(4) });
                }

                if (batch.Count >= 20_000)
                {
                    await store.ImportAsync(batch, CancellationToken.None);
                    batch.Clear();
                }
            }

            await store.ImportAsync(batch, CancellationToken.None);
        }

        await File.WriteAllTextAsync(Path.Combine(dir, "complete"), "built\n");
        Console.WriteLine($"built {path} ({new FileInfo(path).Length / 1024 / 1024:N0} MiB) in {stop.Elapsed.TotalSeconds:N1} s");
    }
}

/// <summary>Full-text search on the cached 1,000,000-event store of <see cref="EventsOpenListDriver"/>.</summary>
public sealed class EventsSearchDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "events-search";

    /// <inheritdoc />
    public string Description => "search the cached 1,000,000-event store (run events-open-list first) for a rare and a common word";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), "openclaw-bench", "open-list-v2", "events.db");
        if (!File.Exists(path))
        {
            Console.WriteLine("run events-open-list first; it builds the store");
            return 1;
        }

        await using var store = await SqliteEventStore.OpenAsync(new EventStoreOptions { Path = path, ReadOnly = true }, TimeProvider.System, null, CancellationToken.None);
        foreach (var query in new[] { "s4242", "weekend", "weather Zürich" })
        {
            var times = new List<double>();
            var hits = 0;
            for (var i = 0; i < 5; i++)
            {
                var t = Stopwatch.GetTimestamp();
                hits = (await store.SearchAsync(query, 20, CancellationToken.None)).Count;
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            Console.WriteLine($"search '{query}': {hits} sessions, median {times.Order().ElementAt(2):N1} ms");
        }

        return 0;
    }
}
