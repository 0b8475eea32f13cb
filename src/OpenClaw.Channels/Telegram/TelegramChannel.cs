using Microsoft.Extensions.Logging;
using OpenClaw.Channels.Inbound;
using OpenClaw.Core.Config;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.Telegram;

/// <summary>How a webhook call was taken; the gateway's endpoint turns it into the HTTP status.</summary>
public enum WebhookOutcome
{
    /// <summary>Queued and processed: 200.</summary>
    Accepted,

    /// <summary>The path or the secret-token header is wrong: 401 (nothing read or queued).</summary>
    Unauthorized,

    /// <summary>The inbound queue is full: 429, and Telegram sends it again later.</summary>
    TooManyRequests,

    /// <summary>The body is not a Telegram update: 400.</summary>
    BadRequest,

    /// <summary>The channel is off or in polling mode: 404.</summary>
    NotEnabled,
}

/// <summary>Timing and size limits of the Telegram adapter; tests shorten them.</summary>
public sealed record TelegramChannelLimits
{
    /// <summary>The least time between two edits of a streaming reply (Telegram allows about one per second per chat).</summary>
    public TimeSpan EditInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the typing indicator is renewed while a run is active (Telegram shows it for about 5 s).</summary>
    public TimeSpan TypingInterval { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>The long-poll wait of <c>getUpdates</c>, in seconds.</summary>
    public int PollTimeoutSeconds { get; init; } = 25;

    /// <summary>How many updates one <c>getUpdates</c> asks for.</summary>
    public int PollBatchSize { get; init; } = 100;

    /// <summary>How many times a send is tried before it is reported as failed.</summary>
    public int MaxSendAttempts { get; init; } = 5;

    /// <summary>The longest <c>retry_after</c> honoured by waiting; longer ones fail the send at once.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first back-off after a failed poll or send (doubled up to <see cref="MaxBackoff"/>).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off after failures.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent update ids are remembered to drop duplicates.</summary>
    public int DuplicateWindow { get; init; } = 4096;
}

/// <summary>The Telegram channel over the Bot API (Telegram.Bot): long polling or webhook, replies streamed by edits.</summary>
public sealed partial class TelegramChannel : IChannelAdapter
{
    /// <summary>The channel id.</summary>
    public static readonly ChannelId ChannelIdValue = ChannelId.From("telegram");

    /// <summary>Creates the adapter; nothing is contacted until <see cref="StartAsync"/> or <see cref="ProbeAsync"/>.</summary>
    /// <param name="options">The current <c>channels.telegram</c> (read on each use, so live edits apply where they can).</param>
    /// <param name="secrets">Resolves the bot token and the webhook secret when they are needed.</param>
    /// <param name="stateDirectory">Where the adapter keeps its files (the update offset), e.g. <c>&lt;state&gt;/channels/telegram</c>.</param>
    /// <param name="time">The clock (throttling, back-off).</param>
    /// <param name="loggerFactory">Logs (never the token, never message text above Trace).</param>
    /// <param name="handler">The HTTP handler (tests and proxies); the default when <see langword="null"/>.</param>
    /// <param name="limits">Timing limits; the defaults when <see langword="null"/>.</param>
    public TelegramChannel(
        Func<TelegramOptions> options,
        SecretResolver secrets,
        string stateDirectory,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null,
        HttpMessageHandler? handler = null,
        TelegramChannelLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(stateDirectory);
        ArgumentNullException.ThrowIfNull(time);
        throw new NotImplementedException("The Telegram helper writes this.");
    }

    /// <inheritdoc/>
    public event Action<ChannelStatus>? StatusChanged;

    /// <inheritdoc/>
    public ChannelId Id => ChannelIdValue;

    /// <inheritdoc/>
    public ChannelCapabilities Capabilities { get; } = new(EditMessages: true, Typing: true, Media: true, Groups: true, TelegramChunker.MaxLength);

    /// <inheritdoc/>
    public ChannelStatus Status => throw new NotImplementedException();

    /// <summary>
    /// Takes one webhook call (<c>POST /hooks/telegram/{pathSecret}</c>): checks the path and Telegram's
    /// <c>X-Telegram-Bot-Api-Secret-Token</c> header in constant time, then queues the update and waits until it is processed.
    /// </summary>
    public Task<WebhookOutcome> HandleWebhookAsync(string pathSecret, string? secretTokenHeader, Stream body, CancellationToken cancellationToken)
        => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task StartAsync(InboundBuffer inbound, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<ChannelStatus> ProbeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> SendTextAsync(string chatId, string markdown, string? replyToMessageId, CancellationToken cancellationToken)
        => throw new NotImplementedException();

    /// <inheritdoc/>
    public IStreamingReply BeginReply(string chatId, string? replyToMessageId) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task SendTypingAsync(string chatId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<long> DownloadAsync(InboundAttachment attachment, Stream destination, long maxBytes, CancellationToken cancellationToken)
        => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => throw new NotImplementedException();

    private void OnStatusChanged(ChannelStatus status) => StatusChanged?.Invoke(status);
}
