using System.Diagnostics;
using System.Reflection;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Testing;
using static OpenClaw.Core.Tests.Events.EventTestData;

namespace OpenClaw.Core.Tests.Events;

/// <summary>Kills a real writer process with SIGKILL mid-append and checks what the next open finds.</summary>
public sealed class CrashRecoveryTests
{
    private const int Rounds = 4;
    private const int Writers = 6;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillDuringConcurrentAppends_KeepsEveryAcknowledgedEvent_AndNothingHalfWritten()
    {
        var writer = typeof(CrashRecoveryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashWriterPath").Value!;
        Assert.True(File.Exists(writer), $"The crash writer was not built at {writer}; build tests/OpenClaw.Core.Tests (it builds the writer first).");
        using var dir = new TempDirectory();
        var path = dir.Combine("state", "events.db");
        var acked = new Dictionary<Guid, Ack>();
        // Seeded and printed, so a failing kill point can be replayed.
        var seed = Environment.TickCount;
        TestContext.Current.TestOutputHelper?.WriteLine($"crash test seed: {seed}");
        var random = new Random(seed);

        for (var round = 0; round < Rounds; round++)
        {
            var killAfter = random.Next(50, 1500);
            foreach (var ack in await RunAndKillAsync(writer, path, killAfter))
            {
                acked.Add(ack.EventId, ack);
            }

            await using var store = await OpenAsync(path, TimeProvider.System);
            await VerifyAsync(store, path, acked);
        }
    }

    private static async Task<List<Ack>> RunAndKillAsync(string writer, string path, int killAfter)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(Writers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(Ct);
        var acks = new List<Ack>();
        try
        {
            while (acks.Count < killAfter)
            {
                var line = await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);
                if (line is null)
                {
                    Assert.Fail($"The crash writer exited early: {await errors}");
                }

                if (Ack.TryParse(line!, out var ack))
                {
                    acks.Add(ack);
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no dispose, no checkpoint.
        }

        // Lines already written before the kill are acknowledged appends too.
        var rest = await process.StandardOutput.ReadToEndAsync(Ct).WaitAsync(TestTimeouts.Default, Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TestTimeouts.Default, Ct);
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Ack.TryParse(line, out var ack))
            {
                acks.Add(ack);
            }
        }

        return acks;
    }

    private static async Task VerifyAsync(Core.Events.Sqlite.SqliteEventStore store, string path, Dictionary<Guid, Ack> acked)
    {
        var sessions = new List<SessionSummary>();
        string? cursor = null;
        do
        {
            var page = await store.ListSessionsAsync(new SessionQuery { Limit = SessionQuery.MaxLimit, Cursor = cursor }, Ct);
            sessions.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var all = new Dictionary<Guid, SessionEvent>();
        foreach (var summary in sessions)
        {
            var events = await store.ReadAllEventsAsync(summary.SessionKey, null, Ct);

            // The summary was written in the same transaction as the events, so it matches a recount exactly.
            Assert.IsType<SessionStarted>(events[0]);
            Assert.Equal(events.Count, summary.EventCount);
            Assert.Equal(events.Count(e => e is MessageReceived or AgentResponse or MessageSent), summary.MessageCount);
            Assert.Equal(events.OfType<AgentResponse>().Select(e => e.Usage).Aggregate(TokenUsage.Zero, TokenUsage.Add), summary.Usage);
            Assert.Equal(events[^1].Seq, summary.LastSeq);
            Assert.Equal(events.Max(e => e.Timestamp), summary.LastActivity);
            Assert.Equal(events[^1] is SessionEnded ? SessionState.Ended : SessionState.Active, summary.State);
            Assert.Equal(events.OfType<MessageReceived>().FirstOrDefault()?.Text, summary.Title);
            foreach (var e in events)
            {
                all.Add(e.EventId, e);
            }
        }

        // Every acknowledged event is there, intact, at the seq it was acknowledged with.
        foreach (var ack in acked.Values)
        {
            Assert.True(all.TryGetValue(ack.EventId, out var stored), $"acknowledged event {ack.EventId} (seq {ack.Seq}) is missing");
            Assert.Equal(ack.Seq, stored!.Seq);
            Assert.Equal(ack.SessionKey, stored.SessionKey);
            Assert.Equal(ack.Type, stored.Type);
            var text = stored switch { MessageReceived m => m.Text, AgentResponse r => r.Text, ToolCalled t => t.ToolCallId, _ => "-" };
            Assert.Equal(ack.Text, text);
        }

        // Seqs are gap-free: a transaction cut short by the kill left nothing behind.
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Values.Select(e => e.Seq).Order());
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Ct);

        // No event sits outside a listed session (an orphan would escape the checks above).
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) || ':' || coalesce(max(seq), 0) FROM events";
        Assert.Equal($"{all.Count}:{all.Count}", await count.ExecuteScalarAsync(Ct));
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", await check.ExecuteScalarAsync(Ct));
        // The search index holds exactly the stored messages (FTS5 compares its index with the events' text).
        await using var writable = new SqliteConnection($"Data Source={path};Pooling=False");
        await writable.OpenAsync(Ct);
        await using var ftsCheck = writable.CreateCommand();
        ftsCheck.CommandText = "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)";
        await ftsCheck.ExecuteNonQueryAsync(Ct);
    }

    private sealed record Ack(long Seq, Guid EventId, SessionKey SessionKey, string Type, string Text)
    {
        public static bool TryParse(string line, out Ack ack)
        {
            ack = null!;
            var parts = line.Split(' ', 6);
            if (parts.Length != 6 || parts[0] != "ack")
            {
                return false;
            }

            ack = new Ack(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), Guid.Parse(parts[2]), SessionKey.Parse(parts[3]), parts[4], parts[5]);
            return true;
        }
    }
}
