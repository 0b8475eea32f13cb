using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;

// Usage: OpenClaw.Core.CrashWriter <store path> <writers>
// Appends from several concurrent writers until killed; after each append returns it prints
// "ack <seq> <eventId> <sessionKey> <type> <text>" on one flushed line, so the test knows what was acknowledged.
if (args.Length != 2 || !int.TryParse(args[1], out var writers) || writers < 1)
{
    await Console.Error.WriteLineAsync("usage: OpenClaw.Core.CrashWriter <store path> <writers>");
    return 2;
}

await using var store = await SqliteEventStore.OpenAsync(new EventStoreOptions { Path = args[0] }, TimeProvider.System, null, CancellationToken.None);
var output = Console.Out;
var gate = new object();
var run = Guid.NewGuid().ToString("N")[..8];
Console.WriteLine("ready");

void Ack(SessionEvent e, string text)
{
    lock (gate)
    {
        output.WriteLine($"ack {e.Seq} {e.EventId} {e.SessionKey} {e.Type} {text}");
        output.Flush();
    }
}

async Task WriteAsync(int writer)
{
    var agent = AgentId.From(writer % 2 == 0 ? "default" : "helper");
    var channel = ChannelId.From(writer % 3 == 0 ? "web" : "telegram");
    for (var session = 0; ; session++)
    {
        var key = SessionKey.Generate(agent, channel, PeerId.From($"peer-{run}-{writer}"));
        Ack(await store.AppendAsync(new SessionStarted { SessionKey = key }, CancellationToken.None), "-");
        for (var turn = 0; turn < 1 + ((writer + session) % 7); turn++)
        {
            var text = $"w{writer}-s{session}-t{turn}";
            Ack(await store.AppendAsync(new MessageReceived { SessionKey = key, Text = text }, CancellationToken.None), text);
            using var args = JsonDocument.Parse($$"""{"turn":{{turn}}}""");
            Ack(await store.AppendAsync(new ToolCalled { SessionKey = key, ToolCallId = text, Tool = "echo", Params = args.RootElement.Clone() }, CancellationToken.None), text);
            Ack(await store.AppendAsync(new AgentResponse { SessionKey = key, Text = "re " + text, Model = "m", Usage = new TokenUsage(turn + 1, 2, 3, 4) }, CancellationToken.None), "re " + text);
        }

        Ack(await store.AppendAsync(new SessionEnded { SessionKey = key, Reason = "done" }, CancellationToken.None), "-");
    }
}

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))));
return 0;
