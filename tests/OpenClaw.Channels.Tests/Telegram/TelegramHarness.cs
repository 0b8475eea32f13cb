using System.Collections.Concurrent;
using System.Net;
using OpenClaw.Channels.Inbound;
using OpenClaw.Channels.Telegram;
using OpenClaw.Core.Config;
using OpenClaw.Testing;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

/// <summary>A fake Bot API, a state directory, a real <see cref="InboundBuffer"/> and a tiny dispatcher that completes items.</summary>
internal sealed class TelegramHarness : IAsyncDisposable
{
    public const string WebhookSecret = "hook-secret_0123456789abcdef";

    private readonly ConcurrentQueue<InboundMessage> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TelegramChannel> _channels = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _consumer;

    private TelegramHarness(FakeTelegramServer server, int capacity)
    {
        Server = server;
        Inbound = new InboundBuffer(capacity);
        Credentials = new FakeCredentialReader().With("telegram", FakeTelegramServer.DefaultToken).With("telegram-webhook", WebhookSecret);
    }

    public FakeTelegramServer Server { get; }

    public TempDirectory State { get; } = new();

    public InboundBuffer Inbound { get; }

    public FakeCredentialReader Credentials { get; }

    public TelegramOptions Options { get; set; } = null!;

    /// <summary>Decides each item's outcome (Dispatched unless a test says otherwise).</summary>
    public Func<InboundMessage, InboundOutcome> Outcome { get; set; } = _ => InboundOutcome.Dispatched;

    /// <summary>The largest <see cref="InboundBuffer.Count"/> the dispatcher saw.</summary>
    public int MaxQueued { get; private set; }

    public IReadOnlyList<InboundMessage> Received => [.. _received];

    public static TelegramChannelLimits FastLimits { get; } = new()
    {
        PollTimeoutSeconds = 5,
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        EditInterval = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    public static async Task<TelegramHarness> StartAsync(int capacity = 64, TelegramMode mode = TelegramMode.Polling)
    {
        var server = await FakeTelegramServer.StartAsync(TestContext.Current.CancellationToken);
        var harness = new TelegramHarness(server, capacity);
        harness.Options = new TelegramOptions
        {
            Enabled = true,
            ApiBaseUrl = server.BaseUrl.ToString(),
            Mode = mode,
            WebhookUrl = mode == TelegramMode.Webhook ? "https://bot.example.com/" : null,
        };
        return harness;
    }

    /// <summary>A channel over the fake (disposed with the harness); replies are formatted by a stand-in (escape, split at 4096).</summary>
    public TelegramChannel CreateChannel(TimeProvider? time = null, TelegramChannelLimits? limits = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var channel = new TelegramChannel(
            () => Options, new SecretResolver(Credentials, _ => null), State.Path, time ?? TimeProvider.System, loggerFactory, handler: null, limits ?? FastLimits)
        {
            FormatReply = StandInFormat,
        };
        _channels.Add(channel);
        return channel;
    }

    /// <summary>Escapes the text and splits it at 4096 characters (the real TelegramMarkdown/TelegramChunker live elsewhere).</summary>
    public static IReadOnlyList<string> StandInFormat(string markdown)
    {
        var parts = new List<string>();
        for (var i = 0; i < markdown.Length; i += 4000)
        {
            parts.Add(WebUtility.HtmlEncode(markdown.Substring(i, Math.Min(4000, markdown.Length - i))));
        }

        return parts;
    }

    /// <summary>Starts the dispatcher: it takes every item, records it, and completes it with <see cref="Outcome"/>.</summary>
    public void StartConsumer()
    {
        _consumer ??= Task.Run(async () =>
        {
            try
            {
                await foreach (var item in Inbound.ReadAllAsync(_stop.Token))
                {
                    MaxQueued = Math.Max(MaxQueued, Inbound.Count);
                    var outcome = Outcome(item.Message);
                    if (outcome != InboundOutcome.Failed)
                    {
                        _received.Enqueue(item.Message);
                    }

                    item.Complete(outcome);
                    var arrived = Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    arrived.TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Waits until the dispatcher has recorded at least <paramref name="count"/> messages.</summary>
    public async Task<IReadOnlyList<InboundMessage>> WaitForReceivedAsync(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (true)
        {
            var arrived = Volatile.Read(ref _arrived).Task;
            if (_received.Count >= count)
            {
                return Received;
            }

            await arrived.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync();
        }

        await _stop.CancelAsync();
        if (_consumer is not null)
        {
            await _consumer;
        }

        await Server.DisposeAsync();
        State.Dispose();
        _stop.Dispose();
    }
}
