using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Bench.Gateway;
using OpenClaw.Channels.Inbound;
using OpenClaw.Channels.Telegram;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Channels;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing.Providers;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Bench.Channels;

/// <summary>
/// The channels issue's dispatch number: one Telegram update, from its JSON to "run dispatched" — parsed and normalised
/// by the Telegram adapter's code, then the gateway's dispatcher: access decision, routing, the conversation's session,
/// <c>message_received</c> appended (durable: SQLite WAL with fsync) and the run queued. In-process on a real gateway
/// (real store, real adapter against the fake Bot API, a zero-latency fake model), one update at a time; the runs those
/// messages start proceed in the background, as they would.
/// </summary>
public sealed class ChannelDispatchDriver : IDriver
{
    /// <inheritdoc />
    public string Name => "channel-dispatch";

    /// <inheritdoc />
    public string Description => "inbound Telegram update to run dispatched, p50/p99: --messages 5000 --warmup 500 --senders 500 [--state-root /dev/shm] [--quiet-runs true] [--goal-p50-ms 1]";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args) => DriverMain.RunAsync(Name, async () =>
    {
        var a = new DriverArgs(args);
        var messages = a.Int("messages", 5000, 1, 1_000_000);
        var warmup = a.Int("warmup", 500, 0, 1_000_000);
        var senders = a.Int("senders", 500, 1, 100_000);
        var stateRoot = a.String("state-root", Path.GetTempPath());
        var quietRuns = a.Flag("quiet-runs");
        var goal = a.String("goal-p50-ms") is null ? (double?)null : a.Double("goal-p50-ms", 1, 0, 1e6);
        var record = ResultRecord.From(a, Name);
        a.RejectUnknown();

        await using var model = await FakeOpenAIServer.StartAsync(CancellationToken.None);
        // --quiet-runs: the model holds its answers, so the runs wait instead of competing for the CPU and the store
        // (the dispatch path alone); by default they run at once, as they would.
        model.DefaultReply = quietRuns ? FakeReply.Text("ok") with { HeaderDelay = TimeSpan.FromMinutes(10) } : FakeReply.Text("ok");
        await using var telegram = await FakeTelegramServer.StartAsync(CancellationToken.None);
        telegram.ValidateHtml = false;
        var root = Path.Combine(stateRoot, "openclaw-bench-dispatch-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var paths = new StatePaths(root);
            var allow = string.Join(", ", Enumerable.Range(0, senders).Select(i => $"\"{1_000_000 + i}\""));
            await File.WriteAllTextAsync(paths.ConfigFile, $$"""
                {
                  gateway: { limits: { maxConcurrentRuns: 4 } },
                  providers: { fake: { type: "openai-compatible", baseUrl: "{{model.BaseUrl.AbsoluteUri}}", maxRetries: 0, apiKey: "sk-bench" } },
                  agents: { default: { model: "fake/bench" } },
                  channels: { telegram: { enabled: true, apiBaseUrl: "{{telegram.BaseUrl.AbsoluteUri.TrimEnd('/')}}", botToken: "{{telegram.Token}}",
                                          dmPolicy: "allowlist", allowFrom: [{{allow}}] } },
                  logging: { level: "warn" },
                }
                """);
            var config = await new ConfigLoader(paths, _ => null).LoadAsync(CancellationToken.None);
            config = config with { Gateway = config.Gateway with { Port = 0 } };
            await using var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: name => name == "OPENCLAW_GATEWAY_TOKEN" ? "bench-token-0123456789" : null);
            await app.StartAsync();
            var dispatcher = app.Services.GetRequiredService<ChannelDispatcher>();
            var adapter = app.Services.GetRequiredService<ChannelRegistry>().Telegram ?? throw new BenchException("the Telegram channel did not start");
            await adapter.ProbeAsync(CancellationToken.None);

            // The updates as Telegram sends them (bytes), made before timing starts.
            var updates = Enumerable.Range(0, warmup + messages).Select(i =>
            {
                var id = (i + 1).ToString(CultureInfo.InvariantCulture);
                var sender = (1_000_000 + (i % senders)).ToString(CultureInfo.InvariantCulture);
                return Encoding.UTF8.GetBytes(
                    "{\"update_id\":" + id + ",\"message\":{\"message_id\":" + id + ",\"date\":1700000000," +
                    "\"chat\":{\"id\":" + sender + ",\"type\":\"private\",\"first_name\":\"U\"}," +
                    "\"from\":{\"id\":" + sender + ",\"is_bot\":false,\"first_name\":\"U\"}," +
                    "\"text\":\"message number " + id + " for the assistant\"}}");
            }).ToArray();

            var histogram = new LatencyHistogram();
            for (var i = 0; i < updates.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var update = JsonSerializer.Deserialize(updates[i], TelegramJsonContext.Default.TelegramUpdate)!;
                var inbound = TelegramUpdateNormalizer.Normalize(update, telegram.BotUsername, telegram.BotId)
                    ?? throw new BenchException("an update did not normalise");
                var outcome = await dispatcher.DispatchAsync(inbound, CancellationToken.None);
                if (i >= warmup)
                {
                    histogram.RecordSince(start);
                }

                if (outcome != InboundOutcome.Dispatched)
                {
                    throw new BenchException($"update {i} was {outcome}, not dispatched");
                }
            }

            Console.WriteLine($"{Name}: {messages} updates from {senders} senders (after {warmup} warm-up), one at a time, state in {stateRoot}, " +
                (quietRuns ? "runs held (the model does not answer)" : "runs proceeding in the background"));
            Console.WriteLine($"{Name}: p50 {histogram.PercentileMs(50).ToString("N3", CultureInfo.InvariantCulture)} ms, p99 {histogram.PercentileMs(99).ToString("N3", CultureInfo.InvariantCulture)} ms, max {histogram.MaxMs.ToString("N3", CultureInfo.InvariantCulture)} ms");
            record.Add("p50_ms", histogram.PercentileMs(50));
            record.Add("p99_ms", histogram.PercentileMs(99));
            await app.StopAsync();
            return DriverMain.Goal(Name, "p50", histogram.PercentileMs(50), "ms", goal, higherIsBetter: false, "N3");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    });
}
