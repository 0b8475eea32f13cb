using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Channels.Inbound;
using OpenClaw.Core;
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

    /// <summary>How long one Bot API call may take (a long poll gets its own wait on top) before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest webhook body read; a bigger one is refused as not an update.</summary>
    public int MaxWebhookBodyBytes { get; init; } = 1024 * 1024;
}

/// <summary>The Telegram channel over the Bot API (our own AOT-clean client): long polling or webhook, replies streamed by edits.</summary>
/// <remarks>
/// Thread-safe. Polling confirms an update to Telegram (advances the offset persisted in <c>offset.json</c>) only after
/// the gateway has processed it, in order, so a restart neither replays nor loses updates. The token is resolved on
/// start and probe and never appears in a log, a status or an exception.
/// </remarks>
public sealed partial class TelegramChannel : IChannelAdapter
{
    /// <summary>The channel id.</summary>
    public static readonly ChannelId ChannelIdValue = ChannelId.From("telegram");

    internal const string Html = "HTML";

    private const string PathSecretPrefix = "openclaw-telegram-webhook-path:";
    private static readonly string[] s_allowedUpdates = ["message"];

    private readonly Func<TelegramOptions> _options;
    private readonly SecretResolver _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly TelegramChannelLimits _limits;
    private readonly TelegramOffsetStore _offsets;
    private readonly TelegramDuplicateWindow _seen;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private volatile bool _closed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Task<InboundOutcome>> _webhookInFlight = new();
    private ChannelStatus _status;
    private Connection? _connection;
    private InboundBuffer? _inbound;
    private CancellationTokenSource? _pollStop;
    private CancellationTokenSource? _drainStop;
    private Task? _loop;
    private TelegramMode? _runningMode;
    private string? _startedWebhookUrl;
    private bool _offsetDurable = true;
    private byte[]? _webhookSecret;
    private string? _pathSecret;
    private long _offset;
    private bool _lastConfirmFailed;

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
        _options = options;
        _secrets = secrets;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TelegramChannel>();
        _limits = limits ?? new TelegramChannelLimits();
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // every call has its own timeout (RequestTimeout, plus the poll wait)
        _offsets = new TelegramOffsetStore(stateDirectory);
        _seen = new TelegramDuplicateWindow(Math.Max(1, _limits.DuplicateWindow));
        var current = options();
        _status = new ChannelStatus { Id = ChannelIdValue.Value, Enabled = current.Enabled, Connected = false, Mode = ModeName(current.Mode) };
    }

    /// <inheritdoc/>
    public event Action<ChannelStatus>? StatusChanged;

    /// <inheritdoc/>
    public ChannelId Id => ChannelIdValue;

    /// <inheritdoc/>
    public ChannelCapabilities Capabilities { get; } = new(EditMessages: true, Typing: true, Media: true, Groups: true, TelegramChunker.MaxLength);

    /// <inheritdoc/>
    public ChannelStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>
    /// The last path segment of the webhook URL (<c>/hooks/telegram/{WebhookPathSecret}</c>), derived from the webhook secret
    /// so the URL never carries the secret itself; <see langword="null"/> until started in webhook mode with a secret.
    /// </summary>
    public string? WebhookPathSecret
    {
        get
        {
            lock (_gate)
            {
                return _pathSecret;
            }
        }
    }

    /// <summary>The path segment for <paramref name="webhookSecret"/>: base64url of SHA-256 over a fixed prefix and the secret (43 characters).</summary>
    public static string DerivePathSecret(string webhookSecret)
    {
        ArgumentNullException.ThrowIfNull(webhookSecret);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(PathSecretPrefix + webhookSecret));
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Takes one webhook call (<c>POST /hooks/telegram/{pathSecret}</c>): checks the path and Telegram's
    /// <c>X-Telegram-Bot-Api-Secret-Token</c> header in constant time, then queues the update and waits until it is processed.
    /// </summary>
    public async Task<WebhookOutcome> HandleWebhookAsync(string pathSecret, string? secretTokenHeader, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? expectedPath;
        byte[]? expectedSecret;
        InboundBuffer? inbound;
        lock (_gate)
        {
            expectedPath = _pathSecret;
            expectedSecret = _webhookSecret;
            inbound = _inbound;
            if (_runningMode != TelegramMode.Webhook || inbound is null || expectedPath is null || expectedSecret is null)
            {
                return WebhookOutcome.NotEnabled;
            }
        }

        // Both checks always run, so the time taken says nothing about which one failed.
        var pathOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(pathSecret ?? ""), Encoding.UTF8.GetBytes(expectedPath));
        var headerOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretTokenHeader ?? ""), expectedSecret);
        if (!(pathOk & headerOk))
        {
            TelegramLog.WebhookRefused(_logger, pathOk ? "wrong secret-token header" : "wrong path");
            return WebhookOutcome.Unauthorized;
        }

        var bytes = await ReadCappedAsync(body, _limits.MaxWebhookBodyBytes, cancellationToken).ConfigureAwait(false);
        TelegramUpdate? update = null;
        if (bytes is not null)
        {
            try
            {
                update = JsonSerializer.Deserialize(bytes, TelegramJsonContext.Default.TelegramUpdate);
            }
            catch (JsonException)
            {
            }
        }

        if (update is null || update.UpdateId <= 0)
        {
            TelegramLog.WebhookRefused(_logger, bytes is null ? "body too large" : "not a Telegram update");
            return WebhookOutcome.BadRequest;
        }

        if (!_seen.TryAdd(update.UpdateId))
        {
            TelegramLog.UpdateDuplicate(_logger, update.UpdateId);

            // Telegram's retry of a call it gave up on while the first copy is still being processed: answer with
            // that copy's outcome, so a failure is not confirmed by the retry.
            if (_webhookInFlight.TryGetValue(update.UpdateId, out var first))
            {
                return await first.WaitAsync(cancellationToken).ConfigureAwait(false) == InboundOutcome.Failed
                    ? WebhookOutcome.TooManyRequests
                    : WebhookOutcome.Accepted;
            }

            return WebhookOutcome.Accepted;
        }

        var me = Volatile.Read(ref _connection)?.Me;
        var message = TelegramUpdateNormalizer.Normalize(update, me?.Username, me?.Id);
        if (message is null)
        {
            TelegramLog.UpdateSkipped(_logger, update.UpdateId);
            return WebhookOutcome.Accepted;
        }

        if (!inbound.TryEnqueue(message, out var item))
        {
            _seen.Remove(update.UpdateId);
            return WebhookOutcome.TooManyRequests;
        }

        LogInbound(message);
        var updateId = update.UpdateId;
        _webhookInFlight[updateId] = item.Processed;
        _ = item.Processed.ContinueWith(
            done =>
            {
                // Whether or not Telegram still waits for this call: a failed copy leaves the duplicate window, so
                // Telegram's next delivery of it is processed.
                if (done.Result == InboundOutcome.Failed)
                {
                    _seen.Remove(updateId);
                    TelegramLog.UpdateFailed(_logger, updateId);
                }

                _webhookInFlight.TryRemove(updateId, out _);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        // A cancelled wait (Telegram gave up on this call) ends here; the queued copy is still processed.
        var outcome = await item.Processed.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Not recorded: a non-2xx answer makes Telegram deliver it again later.
        return outcome == InboundOutcome.Failed ? WebhookOutcome.TooManyRequests : WebhookOutcome.Accepted;
    }

    /// <inheritdoc/>
    public async Task StartAsync(InboundBuffer inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loop is not null)
            {
                return;
            }

            var options = _options();
            lock (_gate)
            {
                _inbound = inbound;
                _runningMode = options.Mode;
                _startedWebhookUrl = options.WebhookUrl;
            }

            SetStatus(s => s with { Enabled = options.Enabled, Mode = ModeName(options.Mode), Error = null });
            if (options.Mode == TelegramMode.Polling)
            {
                try
                {
                    _offset = _offsets.Read();
                }
                catch (ChannelDeliveryException ex)
                {
                    Fail(ex.Message);
                    return; // no polling: a damaged offset must not silently replay or skip updates
                }
            }

            _pollStop = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            _drainStop = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            var connected = await TryConnectAsync(options, cancellationToken).ConfigureAwait(false);
            var stop = _pollStop.Token;
            var drain = _drainStop.Token;
            _loop = options.Mode == TelegramMode.Polling
                ? Task.Run(() => PollLoopAsync(inbound, connected, stop, drain), CancellationToken.None)
                : connected ? Task.CompletedTask : Task.Run(() => ConnectLoopAsync(stop), CancellationToken.None);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<ChannelStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var options = _options();
        SetStatus(s => s with { Enabled = options.Enabled });
        try
        {
            var token = await ResolveTokenAsync(cancellationToken).ConfigureAwait(false);
            var client = ClientFor(token);
            var me = await CallOnceAsync(client, "getMe", (c, ct) => c.GetMeAsync(ct), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _connection, client with { Me = me });
            SetStatus(s => s with { Connected = true, Account = "@" + me.Username, Error = null });
        }
        catch (TelegramCallException ex)
        {
            Fail(ex.Message);
        }

        return Status;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SendTextAsync(string chatId, string markdown, string? replyToMessageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chatId);
        ArgumentNullException.ThrowIfNull(markdown);
        var chunks = FormatReply(markdown);
        var ids = new List<string>(chunks.Count);
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var sent = await SendHtmlChunkAsync(chatId, chunks[i], i == 0 ? ReplyTo(replyToMessageId) : null, cancellationToken).ConfigureAwait(false);
                ids.Add(sent.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (TelegramCallException ex)
        {
            throw Delivery(ex, ids.Count, chunks.Count);
        }

        LogOutbound(chatId, markdown);
        return ids;
    }

    /// <inheritdoc/>
    public IStreamingReply BeginReply(string chatId, string? replyToMessageId)
    {
        ArgumentNullException.ThrowIfNull(chatId);
        return new TelegramStreamingReply(this, chatId, ReplyTo(replyToMessageId));
    }

    /// <inheritdoc/>
    public async Task SendTypingAsync(string chatId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chatId);
        try
        {
            var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
            await CallOnceAsync(client, "sendChatAction", (c, ct) => c.SendChatActionAsync(chatId, "typing", ct), cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramCallException ex)
        {
            TelegramLog.TypingFailed(_logger, ex.Message);
        }
    }

    /// <inheritdoc/>
    public async Task<long> DownloadAsync(InboundAttachment attachment, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(destination);
        if (attachment.SizeBytes > maxBytes)
        {
            throw TooLarge(attachment.SizeBytes.Value, maxBytes);
        }

        TelegramFile file;
        try
        {
            file = await CallAsync("getFile", (c, ct) => c.GetFileAsync(attachment.FileId, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramCallException ex)
        {
            throw new ChannelDeliveryException($"Telegram did not give the file: {ex.Message}.", ex);
        }

        if (file.FileSize > maxBytes)
        {
            throw TooLarge(file.FileSize.Value, maxBytes);
        }

        if (string.IsNullOrEmpty(file.FilePath))
        {
            throw new ChannelDeliveryException("Telegram did not give a download path for the file (it may be larger than the 20 MB bots may download).");
        }

        var limited = new TelegramLimitedStream(destination, maxBytes);
        Connection client;
        try
        {
            client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramCallException ex)
        {
            throw new ChannelDeliveryException($"Telegram did not give the file: {ex.Message}.", ex);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.RequestTimeout * 4);
        try
        {
            await client.Client.DownloadFileAsync(file.FilePath, limited, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (limited.LimitExceeded)
            {
                throw TooLarge(limited.Written, maxBytes);
            }

            var failure = TelegramFailure.From(ex, timeout.IsCancellationRequested);
            throw new ChannelDeliveryException($"Telegram did not give the file: {failure.Description}.");
        }

        return limited.Written;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            // A consumer that has stopped must not hold disposal forever: wait a little for processed updates, then go.
            using var drainLimit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopCoreAsync(drainLimit.Token).ConfigureAwait(false);
            await _disposed.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }

        _closed = true;
        _http.Dispose();
        _disposed.Dispose();
    }

    /// <summary>Markdown to Telegram HTML chunks (TelegramMarkdown then TelegramChunker); tests may stand in for it.</summary>
    internal Func<string, IReadOnlyList<string>> FormatReply { get; set; } = static markdown => TelegramChunker.Split(TelegramMarkdown.ToHtml(markdown));

    internal TelegramChannelLimits Limits => _limits;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal CancellationToken DisposedToken => _disposed.Token;

    /// <summary>Sends one HTML chunk; if Telegram cannot parse it, sends its plain text instead of losing it.</summary>
    internal async Task<long> SendHtmlChunkAsync(string chat, string html, long? replyTo, CancellationToken cancellationToken)
    {
        try
        {
            var message = await CallAsync("sendMessage", (c, ct) => c.SendMessageAsync(chat, html, Html, replyTo, ct), cancellationToken).ConfigureAwait(false);
            return message.MessageId;
        }
        catch (TelegramCallException ex) when (ex.Failure.IsParseError)
        {
            TelegramLog.SentPlainAfterParseError(_logger);
            var message = await CallAsync("sendMessage", (c, ct) => c.SendMessageAsync(chat, TelegramPlainText.FromHtml(html), null, replyTo, ct), cancellationToken).ConfigureAwait(false);
            return message.MessageId;
        }
    }

    /// <summary>Sends plain text (a streaming preview).</summary>
    internal async Task<long> SendPlainAsync(string chat, string text, long? replyTo, CancellationToken cancellationToken)
    {
        var message = await CallAsync("sendMessage", (c, ct) => c.SendMessageAsync(chat, text, null, replyTo, ct), cancellationToken).ConfigureAwait(false);
        return message.MessageId;
    }

    /// <summary>Edits a message; "message is not modified" counts as success, and unparsable HTML is sent as its plain text.</summary>
    internal async Task EditAsync(string chat, long messageId, string text, string? parseMode, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("editMessageText", (c, ct) => c.EditMessageTextAsync(chat, messageId, text, parseMode, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramCallException ex) when (ex.Failure.IsNotModified)
        {
        }
        catch (TelegramCallException ex) when (ex.Failure.IsParseError && parseMode == Html)
        {
            TelegramLog.SentPlainAfterParseError(_logger);
            await EditAsync(chat, messageId, TelegramPlainText.FromHtml(text), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A user-facing delivery error for a failed reply.</summary>
    internal static ChannelDeliveryException Delivery(TelegramCallException ex, int sent, int total) => new(
        total > 1
            ? $"Telegram did not take part {sent + 1} of {total} of the reply: {ex.Message}."
            : $"Telegram did not take the reply: {ex.Message}.",
        ex);

    internal void LogOutbound(string chatId, string text)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            TelegramLog.OutboundSensitive(_logger, chatId, text);
        }
    }

    /// <summary>Calls the Bot API with the retry rules: 429 waits <c>retry_after</c> (up to MaxRetryAfter), 5xx and network errors back off, up to MaxSendAttempts.</summary>
    /// <exception cref="TelegramCallException">Not retryable, or out of attempts (the message is safe to show).</exception>
    internal async Task<T> CallAsync<T>(string method, Func<TelegramBotApi, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var backoff = _limits.InitialBackoff;
        var attempts = Math.Max(1, _limits.MaxSendAttempts);
        for (var attempt = 1; ; attempt++)
        {
            // After disposal (the gateway stopping) nothing can be sent: say so at once instead of retrying a closed client.
            if (_closed)
            {
                var stopped = new TelegramFailure(TelegramFailureKind.Permanent, null, null, "the Telegram channel has stopped");
                throw new TelegramCallException(stopped, stopped.Description);
            }

            var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
            TelegramFailure failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_limits.RequestTimeout);
                try
                {
                    return await call(client.Client, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    failure = _closed
                        ? new TelegramFailure(TelegramFailureKind.Permanent, null, null, "the Telegram channel has stopped")
                        : TelegramFailure.From(ex, timeout.IsCancellationRequested);
                }
            }

            if (failure.Kind == TelegramFailureKind.Unauthorized)
            {
                Fail(failure.Description);
            }

            if (failure.Kind is TelegramFailureKind.Unauthorized or TelegramFailureKind.Permanent)
            {
                TelegramLog.CallFailed(_logger, method, failure.Description);
                throw new TelegramCallException(failure, failure.Description);
            }

            if (failure.RetryAfter > _limits.MaxRetryAfter)
            {
                var message = $"{failure.Description}, longer than the {_limits.MaxRetryAfter.TotalSeconds:0}s the adapter waits";
                TelegramLog.CallFailed(_logger, method, message);
                throw new TelegramCallException(failure, message);
            }

            if (attempt >= attempts)
            {
                var message = $"gave up after {attempts} attempts; the last: {failure.Description}";
                TelegramLog.CallFailed(_logger, method, message);
                throw new TelegramCallException(failure, message);
            }

            var delay = failure.Kind == TelegramFailureKind.RateLimited && failure.RetryAfter is { } after ? after : backoff;
            if (failure.Kind != TelegramFailureKind.RateLimited || failure.RetryAfter is null)
            {
                backoff = Min(backoff * 2, _limits.MaxBackoff);
            }

            TelegramLog.CallRetrying(_logger, method, attempt, failure.Description, delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> CallOnceAsync<T>(Connection client, string method, Func<TelegramBotApi, CancellationToken, Task<T>> call, CancellationToken cancellationToken, TimeSpan? extra = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.RequestTimeout + (extra ?? TimeSpan.Zero));
        try
        {
            return await call(client.Client, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var failure = TelegramFailure.From(ex, timeout.IsCancellationRequested);
            throw new TelegramCallException(failure, failure.Description);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var loop = _loop;
        if (loop is null)
        {
            lock (_gate)
            {
                _runningMode = null;
                _inbound = null;
            }

            return;
        }

        await _pollStop!.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller will not wait for processed updates any longer: stop waiting for them (the offset keeps
            // what was confirmed; the rest comes again after a restart).
            await _drainStop!.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _loop = null;
        _pollStop.Dispose();
        _drainStop!.Dispose();
        _pollStop = null;
        _drainStop = null;
        lock (_gate)
        {
            _runningMode = null;
            _inbound = null;
            _pathSecret = null;
            _webhookSecret = null;
        }

        SetStatus(s => s with { Connected = false });
    }

    /// <summary>Resolves the token, checks it with getMe, and prepares the mode (deleteWebhook or setWebhook); a failure is a status.</summary>
    // The current options with the mode and webhook URL the channel started with: those need a restart to change
    // (a reconnect must not switch a running poller to a webhook, or the other way round).
    private TelegramOptions StartedOptions()
    {
        var current = _options();
        return _runningMode is { } mode ? current with { Mode = mode, WebhookUrl = _startedWebhookUrl } : current;
    }

    private async Task<bool> TryConnectAsync(TelegramOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TelegramCallException ex)
        {
            Fail(ex.Message);
            return false;
        }
    }

    private async Task ConnectAsync(TelegramOptions options, CancellationToken cancellationToken)
    {
        var token = await ResolveTokenAsync(cancellationToken).ConfigureAwait(false);
        var client = ClientFor(token);
        var me = await CallOnceAsync(client, "getMe", (c, ct) => c.GetMeAsync(ct), cancellationToken).ConfigureAwait(false);
        var connection = client with { Me = me };
        Volatile.Write(ref _connection, connection);
        if (options.Mode == TelegramMode.Polling)
        {
            // Keep pending updates: they are exactly what polling is about to fetch.
            await CallOnceAsync(connection, "deleteWebhook", (c, ct) => c.DeleteWebhookAsync(dropPendingUpdates: false, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SetWebhookAsync(connection, options, cancellationToken).ConfigureAwait(false);
        }

        SetStatus(s => s with { Connected = true, Account = "@" + me.Username, Error = null });
        var mode = options.Mode == TelegramMode.Webhook ? "webhook" : "polling";
        TelegramLog.Connected(_logger, me.Username ?? "", mode);
    }

    private async Task SetWebhookAsync(Connection connection, TelegramOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.WebhookUrl))
        {
            throw Setup("channels.telegram.webhookUrl is required in webhook mode; set it to the gateway's public https URL, or set channels.telegram.mode to \"polling\"");
        }

        var resolution = await _secrets.ResolveAsync(options.WebhookSecret, cancellationToken).ConfigureAwait(false);
        if (resolution.Secret is not { } secret)
        {
            throw Setup($"the Telegram webhook secret is missing: {resolution.Message}");
        }

        var pathSecret = DerivePathSecret(secret.Reveal());
        lock (_gate)
        {
            _pathSecret = pathSecret;
            _webhookSecret = Encoding.UTF8.GetBytes(secret.Reveal());
        }

        var url = options.WebhookUrl.TrimEnd('/') + "/hooks/telegram/" + pathSecret;
        await CallOnceAsync(connection, "setWebhook", (c, ct) => c.SetWebhookAsync(url, secret.Reveal(), s_allowedUpdates, ct), cancellationToken).ConfigureAwait(false);
        TelegramLog.WebhookSet(_logger);
    }

    private async Task ConnectLoopAsync(CancellationToken stop)
    {
        var backoff = _limits.InitialBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
                if (await TryConnectAsync(StartedOptions(), stop).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            backoff = Min(backoff * 2, _limits.MaxBackoff);
        }
    }

    private async Task PollLoopAsync(InboundBuffer inbound, bool connected, CancellationToken stop, CancellationToken drain)
    {
        var backoff = _limits.InitialBackoff;
        while (!stop.IsCancellationRequested)
        {
            TimeSpan? wait = null;
            try
            {
                if (!connected)
                {
                    await ConnectAsync(StartedOptions(), stop).ConfigureAwait(false);
                    connected = true;
                }

                var connection = Volatile.Read(ref _connection)!;
                var offset = _offset;
                var updates = await CallOnceAsync(
                    connection,
                    "getUpdates",
                    (c, ct) => c.GetUpdatesAsync(offset > 0 ? offset : null, Math.Clamp(_limits.PollBatchSize, 1, 100), _limits.PollTimeoutSeconds, s_allowedUpdates, ct),
                    stop,
                    TimeSpan.FromSeconds(_limits.PollTimeoutSeconds)).ConfigureAwait(false);
                SetStatus(s => s with { Connected = true, Error = null });
                backoff = _limits.InitialBackoff;
                if (!await HandleBatchAsync(inbound, connection, updates, stop, drain).ConfigureAwait(false))
                {
                    wait = _limits.InitialBackoff; // an update failed to record: fetch it again, but not in a hot loop
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (TelegramCallException ex)
            {
                Fail(ex.Message);
                if (ex.Failure.Kind == TelegramFailureKind.Unauthorized || ex.Failure.StatusCode == 409)
                {
                    // Connect again: resolve the token (the user may have set a new one) and delete a webhook set meanwhile.
                    connected = false;
                }

                wait = ex.Failure.RetryAfter is { } after ? Max(after, backoff) : backoff;
                backoff = Min(backoff * 2, _limits.MaxBackoff);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never let the loop die: an unexpected failure is a status and a back-off, like any other.
                Fail($"the Telegram poll loop failed ({ex.GetType().Name}); retrying");
                wait = _limits.MaxBackoff;
            }

            if (wait is { } delay)
            {
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Hands a batch over in order (waiting while the buffer is full), then confirms each update once processed, writing
    /// the offset whenever it would otherwise wait; returns false when an update could not be recorded.
    /// </summary>
    private async Task<bool> HandleBatchAsync(InboundBuffer inbound, Connection connection, TelegramUpdate[] updates, CancellationToken stop, CancellationToken drain)
    {
        var handed = new List<(long Id, Task<InboundOutcome>? Processed)>(updates.Length);
        try
        {
            foreach (var update in updates.OrderBy(u => u.UpdateId))
            {
                if (update.UpdateId < _offset)
                {
                    continue; // confirmed before (Telegram should not send it again)
                }

                if (!_seen.TryAdd(update.UpdateId))
                {
                    TelegramLog.UpdateDuplicate(_logger, update.UpdateId);
                    handed.Add((update.UpdateId, null));
                    continue;
                }

                var message = TelegramUpdateNormalizer.Normalize(update, connection.Me?.Username, connection.Me?.Id);
                if (message is null)
                {
                    TelegramLog.UpdateSkipped(_logger, update.UpdateId);
                    handed.Add((update.UpdateId, null));
                    continue;
                }

                InboundItem item;
                try
                {
                    item = await inbound.EnqueueAsync(message, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _seen.Remove(update.UpdateId); // not handed over: the next run fetches it again
                    throw;
                }

                LogInbound(message);
                handed.Add((update.UpdateId, item.Processed));
            }
        }
        finally
        {
            // Runs on stop too: what was handed over is confirmed once processed, so a restart does not replay it.
            await ConfirmAsync(handed, drain).ConfigureAwait(false);
        }

        return !_lastConfirmFailed;
    }

    private async Task ConfirmAsync(List<(long Id, Task<InboundOutcome>? Processed)> handed, CancellationToken drain)
    {
        _lastConfirmFailed = false;
        var offset = _offset;
        var failed = false;
        try
        {
            foreach (var (id, processed) in handed)
            {
                if (processed is not null)
                {
                    if (!processed.IsCompleted)
                    {
                        await processed.WaitAsync(drain).ConfigureAwait(false);
                    }

                    if (processed.Result == InboundOutcome.Failed)
                    {
                        // Out of the duplicate window, so it is processed when it comes again; every later outcome is
                        // still looked at: a later failure must come again too, a later success only be confirmed.
                        _seen.Remove(id);
                        TelegramLog.UpdateFailed(_logger, id);
                        failed = true;
                        continue;
                    }
                }

                if (!failed)
                {
                    // Written after every update (without waiting for the disk: a crash of the process replays at most
                    // the update being handled), and flushed to the disk at the end of the batch below.
                    offset = Math.Max(offset, id + 1);
                    if (!PersistOffset(offset, durable: false))
                    {
                        _lastConfirmFailed = true; // back off rather than fetch the same updates in a tight loop
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped without waiting for the rest: they come again after a restart.
        }

        // The batch's last offset goes to the disk before the next getUpdates confirms it to Telegram.
        _lastConfirmFailed = failed | !PersistOffset(offset);
    }

    private bool PersistOffset(long offset, bool durable = true)
    {
        if (offset == _offset && (_offsetDurable || !durable))
        {
            return true;
        }

        try
        {
            _offsets.Write(offset, durable);
            _offsetDurable = durable;
            _offset = offset;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The in-memory offset stays behind, so nothing is confirmed to Telegram that is not on disk.
            TelegramLog.OffsetWriteFailed(_logger, _offsets.Path, ex.GetType().Name);
            Fail($"Cannot store the Telegram update offset in {_offsets.Path} ({ex.GetType().Name}); check the state directory's permissions and free space");
            return false;
        }
    }

    private async Task<Connection> ClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } connection)
        {
            return connection;
        }

        var token = await ResolveTokenAsync(cancellationToken).ConfigureAwait(false);
        return ClientFor(token);
    }

    private Connection ClientFor(string token)
    {
        if (Volatile.Read(ref _connection) is { } current && string.Equals(current.Token, token, StringComparison.Ordinal))
        {
            return current;
        }

        if (!TelegramBotApi.IsWellFormedToken(token))
        {
            throw Setup("the Telegram bot token is not in the form <digits>:<letters> that BotFather gives; set it again with `openclaw credentials set telegram`");
        }

        return new Connection(token, new TelegramBotApi(_http, _options().ApiBaseUrl, token), null);
    }

    private async Task<string> ResolveTokenAsync(CancellationToken cancellationToken)
    {
        SecretResolution resolution;
        try
        {
            resolution = await _secrets.ResolveAsync(_options().BotToken, cancellationToken).ConfigureAwait(false);
        }
        catch (OpenClawException ex)
        {
            throw Setup($"the Telegram bot token cannot be read: {ex.Message}");
        }

        return resolution.Secret?.Reveal() ?? throw Setup(resolution.Message ?? "the Telegram bot token is not set; set it with `openclaw credentials set telegram`");
    }

    private static TelegramCallException Setup(string message) => new(new TelegramFailure(TelegramFailureKind.Unauthorized, null, null, message), message);

    private void Fail(string error)
    {
        TelegramLog.NotConnected(_logger, error);
        SetStatus(s => s with { Connected = false, Error = error });
    }

    private void SetStatus(Func<ChannelStatus, ChannelStatus> change)
    {
        ChannelStatus next;
        lock (_gate)
        {
            next = change(_status);
            if (next == _status)
            {
                return;
            }

            _status = next;
        }

        OnStatusChanged(next);
    }

    private void LogInbound(InboundMessage message)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            TelegramLog.InboundSensitive(_logger, message.SenderId, message.ChatId, message.Text);
        }
    }

    private static ChannelDeliveryException TooLarge(long size, long maxBytes) =>
        new($"The file is larger than the {maxBytes:N0}-byte limit for attachments (at least {size:N0} bytes); it was not downloaded.");

    private static async Task<byte[]?> ReadCappedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }
    }

    internal static long? ReplyTo(string? messageId) =>
        long.TryParse(messageId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string ModeName(TelegramMode mode) => mode == TelegramMode.Webhook ? "webhook" : "polling";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void OnStatusChanged(ChannelStatus status) => StatusChanged?.Invoke(status);

    /// <summary>A client for one token, with the bot it belongs to (once getMe answered).</summary>
    private sealed record Connection(string Token, TelegramBotApi Client, TelegramUser? Me);
}
