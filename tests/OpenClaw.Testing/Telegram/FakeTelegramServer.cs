using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Testing.Telegram;

/// <summary>
/// A fake Telegram Bot API on 127.0.0.1:0 speaking the real wire format (<c>{"ok":true,"result":…}</c> and
/// <c>{"ok":false,"error_code":…,"description":…}</c>) at <c>/bot{token}/{method}</c> and <c>/file/bot{token}/{path}</c>,
/// so the real Telegram.Bot client runs end to end.
/// </summary>
/// <remarks>
/// Methods: getMe, getUpdates (offset confirms and forgets, limit, a real long-poll hold released by a push, 409 for a
/// second concurrent poller or an active webhook), sendMessage, editMessageText (Telegram's HTML check, "message is
/// not modified", "message is too long"), sendChatAction, getFile and the download, setWebhook, deleteWebhook,
/// getWebhookInfo. Bodies are read as JSON, form-urlencoded or multipart, and the query string. Thread-safe: tests
/// push and read while the adapter calls. Pending updates are kept as UTF-8 bytes, so 10,000 of them cost a few MB.
/// </remarks>
public sealed class FakeTelegramServer : IAsyncDisposable
{
    /// <summary>The token the fake accepts unless <see cref="Token"/> is changed (Telegram's format: id, colon, 35 characters).</summary>
    public const string DefaultToken = "4242424242:AAFakeTokenForTestsOnly_abcdefghijkl";

    private readonly object _gate = new();
    private readonly List<(long Id, byte[] Json)> _pending = [];
    private readonly List<FakeSentMessage> _sent = [];
    private readonly List<FakeEdit> _edits = [];
    private readonly List<FakeChatAction> _actions = [];
    private readonly Dictionary<(long Chat, long Message), FakeBotMessage> _botMessages = [];
    private readonly Dictionary<long, string> _chatTypes = [];
    private readonly Dictionary<string, (byte[] Content, string Path, long? ReportedSize)> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<FakeTelegramFault>> _faults = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _updatePushed = NewSignal();
    private CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private long _nextUpdateId = 1000;
    private long _nextMessageId = 1;
    private long _confirmedOffset;
    private int _pollGeneration;
    private int _port;
    private string? _webhookUrl;
    private string? _webhookSecret;
    private string[] _webhookAllowedUpdates = [];

    private FakeTelegramServer()
    {
    }

    /// <summary>The root URL to give the client as its Bot API base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The token the fake accepts; any other gets 401 Unauthorized, as Telegram answers.</summary>
    public string Token { get; set; } = DefaultToken;

    /// <summary>The bot's user id (what <c>getMe</c> returns).</summary>
    public long BotId { get; set; } = 4242424242;

    /// <summary>The bot's username without the @ (what <c>getMe</c> returns).</summary>
    public string BotUsername { get; set; } = "openclaw_test_bot";

    /// <summary>The bot's first name.</summary>
    public string BotFirstName { get; set; } = "OpenClaw Test";

    /// <summary>Whether the fake checks HTML as Telegram does and answers 400 "can't parse entities" for bad markup.</summary>
    public bool ValidateHtml { get; set; } = true;

    /// <summary>The URL set by <c>setWebhook</c>, or <see langword="null"/>.</summary>
    public string? WebhookUrl
    {
        get
        {
            lock (_gate)
            {
                return _webhookUrl;
            }
        }
    }

    /// <summary>The <c>secret_token</c> given to <c>setWebhook</c>, or <see langword="null"/>.</summary>
    public string? WebhookSecretToken
    {
        get
        {
            lock (_gate)
            {
                return _webhookSecret;
            }
        }
    }

    /// <summary>The <c>allowed_updates</c> given to <c>setWebhook</c>.</summary>
    public IReadOnlyList<string> WebhookAllowedUpdates
    {
        get
        {
            lock (_gate)
            {
                return _webhookAllowedUpdates;
            }
        }
    }

    /// <summary>How many updates wait to be confirmed (pushed and not below a <c>getUpdates</c> offset).</summary>
    public int PendingUpdateCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The highest offset a <c>getUpdates</c> call confirmed (updates below it are forgotten).</summary>
    public long ConfirmedOffset
    {
        get
        {
            lock (_gate)
            {
                return _confirmedOffset;
            }
        }
    }

    /// <summary>Every message the bot sent, in order.</summary>
    public IReadOnlyList<FakeSentMessage> SentMessages
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Every edit the bot made, in order.</summary>
    public IReadOnlyList<FakeEdit> Edits
    {
        get
        {
            lock (_gate)
            {
                return [.. _edits];
            }
        }
    }

    /// <summary>Every chat action the bot sent, in order.</summary>
    public IReadOnlyList<FakeChatAction> ChatActions
    {
        get
        {
            lock (_gate)
            {
                return [.. _actions];
            }
        }
    }

    /// <summary>Starts a fake on a free loopback port.</summary>
    public static async Task<FakeTelegramServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new FakeTelegramServer();
        await server.StartCoreAsync(0, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>How many calls of <paramref name="method"/> arrived (failed and faulted ones included).</summary>
    public int CallCount(string method) => _calls.TryGetValue(method, out var n) ? n : 0;

    /// <summary>The call counts of every method called so far.</summary>
    public IReadOnlyDictionary<string, int> CallCounts => new Dictionary<string, int>(_calls, StringComparer.OrdinalIgnoreCase);

    /// <summary>The bot's messages in <paramref name="chatId"/> as they stand now (after edits), in the order sent.</summary>
    public IReadOnlyList<FakeBotMessage> Transcript(long chatId)
    {
        lock (_gate)
        {
            return [.. _botMessages.Values.Where(m => m.ChatId == chatId).OrderBy(m => m.MessageId)];
        }
    }

    /// <summary>Makes the next <paramref name="count"/> calls of <paramref name="method"/> fail with <paramref name="fault"/>.</summary>
    public void FailNext(string method, int count, FakeTelegramFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            if (!_faults.TryGetValue(method, out var queue))
            {
                _faults[method] = queue = new Queue<FakeTelegramFault>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Drops every scripted failure not yet used.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Queues an update; <paramref name="updateJson"/> is the update object, and gets a fresh <c>update_id</c> unless it has one.</summary>
    /// <returns>The update id.</returns>
    public long PushUpdate(string updateJson)
    {
        ArgumentNullException.ThrowIfNull(updateJson);
        using var document = JsonDocument.Parse(updateJson);
        var root = document.RootElement;
        long id;
        byte[] bytes;
        lock (_gate)
        {
            if (root.TryGetProperty("update_id", out var given))
            {
                id = given.GetInt64();
                _nextUpdateId = Math.Max(_nextUpdateId, id + 1);
                bytes = Encoding.UTF8.GetBytes(updateJson);
            }
            else
            {
                id = _nextUpdateId++;
                bytes = WithUpdateId(root, id);
            }

            RememberChat(root);
            var index = _pending.Count;
            while (index > 0 && _pending[index - 1].Id > id)
            {
                index--;
            }

            _pending.Insert(index, (id, bytes));
            var pushed = _updatePushed;
            _updatePushed = NewSignal();
            pushed.TrySetResult();
        }

        Changed();
        return id;
    }

    /// <summary>A private (direct) text message from <paramref name="userId"/>; entities for @mentions and /commands are added.</summary>
    public long PushPrivateText(long userId, string text, string firstName = "Ada", string? lastName = null, string? username = null) =>
        PushMessage(userId, "private", userId, text, firstName, lastName, username, replyTo: null, media: null);

    /// <summary>A text message in the group <paramref name="groupId"/> (negative, like Telegram's); entities for @mentions and /commands are added.</summary>
    public long PushGroupText(long groupId, long userId, string text, string firstName = "Ada", string? lastName = null, string? username = null, string chatType = "supergroup") =>
        PushMessage(groupId, chatType, userId, text, firstName, lastName, username, replyTo: null, media: null);

    /// <summary>A message replying to <paramref name="replyToMessageId"/>, which the bot wrote when <paramref name="toBot"/>.</summary>
    public long PushReply(long chatId, long userId, string text, long replyToMessageId, bool toBot = true, string firstName = "Ada") =>
        PushMessage(chatId, chatId < 0 ? "supergroup" : "private", userId, text, firstName, null, null, (replyToMessageId, toBot), media: null);

    /// <summary>A photo (with an optional caption); the fake keeps <paramref name="content"/> for download and lists a small and a large size.</summary>
    /// <returns>The update id; the large size's file id is <see cref="LastFileId"/>.</returns>
    public long PushPhoto(long chatId, long userId, byte[] content, string? caption = null, long? reportedSize = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var thumb = AddFile([1, 2, 3], "photos/thumb.jpg");
        var large = AddFile(content, "photos/file_" + Interlocked.Read(ref _nextMessageId) + ".jpg", reportedSize);
        var media = new Action<Utf8JsonWriter>(w =>
        {
            w.WriteStartArray("photo");
            WritePhotoSize(w, thumb, 90, 3);
            WritePhotoSize(w, large, 1280, reportedSize ?? content.Length);
            w.WriteEndArray();
        });
        return PushMessage(chatId, chatId < 0 ? "supergroup" : "private", userId, caption, "Ada", null, null, null, media);
    }

    /// <summary>A document (with an optional caption); the fake keeps <paramref name="content"/> for download.</summary>
    public long PushDocument(long chatId, long userId, string fileName, string mimeType, byte[] content, string? caption = null, long? reportedSize = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Like Telegram, the stored path is the server's own name, not the sender's file name.
        var fileId = AddFile(content, "documents/file_" + Guid.NewGuid().ToString("N")[..8] + Path.GetExtension(fileName), reportedSize);
        var media = new Action<Utf8JsonWriter>(w =>
        {
            w.WriteStartObject("document");
            w.WriteString("file_id", fileId);
            w.WriteString("file_unique_id", "u" + fileId);
            w.WriteString("file_name", fileName);
            w.WriteString("mime_type", mimeType);
            w.WriteNumber("file_size", reportedSize ?? content.Length);
            w.WriteEndObject();
        });
        return PushMessage(chatId, chatId < 0 ? "supergroup" : "private", userId, caption, "Ada", null, null, null, media);
    }

    /// <summary>The file id of the last file added (by <see cref="AddFile"/>, <see cref="PushPhoto"/> or <see cref="PushDocument"/>).</summary>
    public string? LastFileId { get; private set; }

    /// <summary>Stores a file for <c>getFile</c> and the download; <paramref name="reportedSize"/> overrides the size <c>getFile</c> reports.</summary>
    /// <returns>Its file id.</returns>
    public string AddFile(byte[] content, string path, long? reportedSize = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            var id = "file" + _files.Count.ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
            _files[id] = (content, path, reportedSize);
            LastFileId = id;
            return id;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; it is checked now and after every call, push and record.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            await changed.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a bot message in <paramref name="chatId"/> shows text containing <paramref name="contains"/> (sent or edited so); returns it as it stands.</summary>
    public async Task<FakeBotMessage> WaitForMessageAsync(long chatId, string contains, CancellationToken cancellationToken)
    {
        FakeBotMessage? found = null;
        await WaitUntilAsync(
            () => (found = Transcript(chatId).FirstOrDefault(m => m.PlainText.Contains(contains, StringComparison.Ordinal))) is not null,
            cancellationToken).ConfigureAwait(false);
        return found!;
    }

    /// <summary>Waits until <paramref name="method"/> was called at least <paramref name="count"/> times.</summary>
    public Task WaitForCallsAsync(string method, int count, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => CallCount(method) >= count, cancellationToken);

    /// <summary>Stops listening (in-flight calls end; a held long poll is cut), keeping updates, files and records.</summary>
    public async Task StopAsync()
    {
        var app = _app;
        _app = null;
        if (app is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Listens again on the same port after <see cref="StopAsync"/>, with everything it held before.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _stopping = new CancellationTokenSource();
        await StartCoreAsync(_port, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StartCoreAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, port);
            o.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _app = app;
        var uri = new Uri(address);
        _port = uri.Port;
        BaseUrl = new Uri($"http://127.0.0.1:{_port}");
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var ct = linked.Token;
        try
        {
            if (path.StartsWith("/file/bot", StringComparison.Ordinal))
            {
                await DownloadAsync(context, path["/file/bot".Length..], ct).ConfigureAwait(false);
                return;
            }

            if (!path.StartsWith("/bot", StringComparison.Ordinal) || path.IndexOf('/', 4) is var slash && slash < 0)
            {
                await WriteErrorAsync(context, 404, "Not Found", null, ct).ConfigureAwait(false);
                return;
            }

            var token = path[4..slash];
            var method = path[(slash + 1)..];
            _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
            Changed();
            if (!string.Equals(token, Token, StringComparison.Ordinal))
            {
                await WriteErrorAsync(context, 401, "Unauthorized", null, ct).ConfigureAwait(false);
                return;
            }

            if (NextFault(method) is { } fault)
            {
                if (fault.Hang)
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }

                await WriteErrorAsync(context, fault.StatusCode, fault.Description, fault.RetryAfterSeconds, ct).ConfigureAwait(false);
                return;
            }

            var args = await FakeTelegramArgs.ReadAsync(context.Request, ct).ConfigureAwait(false);
            await DispatchAsync(context, method.ToLowerInvariant(), args, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the server is stopping: nothing to answer.
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            if (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context, 400, "Bad Request: " + ex.Message, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private Task DispatchAsync(HttpContext context, string method, FakeTelegramArgs args, CancellationToken ct) => method switch
    {
        "getme" => WriteResultAsync(context, w => WriteBotUser(w, null), ct),
        "getupdates" => GetUpdatesAsync(context, args, ct),
        "sendmessage" => SendMessageAsync(context, args, ct),
        "editmessagetext" => EditMessageTextAsync(context, args, ct),
        "sendchataction" => SendChatActionAsync(context, args, ct),
        "getfile" => GetFileAsync(context, args, ct),
        "setwebhook" => SetWebhookAsync(context, args, ct),
        "deletewebhook" => DeleteWebhookAsync(context, args, ct),
        "getwebhookinfo" => GetWebhookInfoAsync(context, ct),
        _ => WriteErrorAsync(context, 404, "Not Found: method not found", null, ct),
    };

    private async Task GetUpdatesAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var offset = args.Long("offset") ?? 0;
        var limit = (int)Math.Clamp(args.Long("limit") ?? 100, 1, 100);
        var timeout = Math.Max(0, args.Long("timeout") ?? 0);
        int generation;
        bool webhookActive;
        lock (_gate)
        {
            webhookActive = _webhookUrl is not null;
        }

        if (webhookActive)
        {
            await WriteErrorAsync(context, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", null, ct).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            generation = ++_pollGeneration;

            // Telegram ends an older poll with 409 when a newer one arrives: wake it so it notices.
            var superseded = _updatePushed;
            _updatePushed = NewSignal();
            superseded.TrySetResult();
            if (offset > 0)
            {
                var forget = 0;
                while (forget < _pending.Count && _pending[forget].Id < offset)
                {
                    forget++;
                }

                _pending.RemoveRange(0, forget);
                _confirmedOffset = Math.Max(_confirmedOffset, offset);
            }
        }

        Changed();
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hold.CancelAfter(TimeSpan.FromSeconds(timeout));
        while (true)
        {
            List<byte[]> batch = [];
            Task pushed;
            lock (_gate)
            {
                if (generation != _pollGeneration)
                {
                    break;
                }

                foreach (var (id, json) in _pending)
                {
                    if (id >= offset && batch.Count < limit)
                    {
                        batch.Add(json);
                    }
                }

                pushed = _updatePushed.Task;
            }

            if (batch.Count > 0 || hold.IsCancellationRequested)
            {
                await WriteResultAsync(context, w =>
                {
                    w.WriteStartArray();
                    foreach (var json in batch)
                    {
                        w.WriteRawValue(json, skipInputValidation: true);
                    }

                    w.WriteEndArray();
                }, ct).ConfigureAwait(false);
                return;
            }

            try
            {
                await pushed.WaitAsync(hold.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The long-poll timeout: answer with what there is (nothing).
            }
        }

        await WriteErrorAsync(context, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", null, ct).ConfigureAwait(false);
    }

    private async Task SendMessageAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var chatId = args.Long("chat_id") ?? throw new FormatException("chat_id is required");
        var text = args.String("text") ?? "";
        var parseMode = args.String("parse_mode");
        long? replyTo = args.Object("reply_parameters") is { } rp && rp.TryGetProperty("message_id", out var mid)
            ? mid.GetInt64()
            : args.Long("reply_to_message_id");
        if (CheckText(text, parseMode) is { } problem)
        {
            await WriteErrorAsync(context, 400, problem, null, ct).ConfigureAwait(false);
            return;
        }

        var plain = PlainTextOf(text, parseMode);
        FakeSentMessage sent;
        lock (_gate)
        {
            var id = _nextMessageId++;
            sent = new FakeSentMessage(chatId, id, text, plain, parseMode, replyTo);
            _sent.Add(sent);
            _botMessages[(chatId, id)] = new FakeBotMessage(chatId, id, text, plain, parseMode, 0);
        }

        Changed();
        await WriteResultAsync(context, w => WriteBotMessage(w, chatId, sent.MessageId, plain), ct).ConfigureAwait(false);
    }

    private async Task EditMessageTextAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var chatId = args.Long("chat_id") ?? throw new FormatException("chat_id is required");
        var messageId = args.Long("message_id") ?? throw new FormatException("message_id is required");
        var text = args.String("text") ?? "";
        var parseMode = args.String("parse_mode");
        if (CheckText(text, parseMode) is { } problem)
        {
            await WriteErrorAsync(context, 400, problem, null, ct).ConfigureAwait(false);
            return;
        }

        var plain = PlainTextOf(text, parseMode);
        string? error = null;
        lock (_gate)
        {
            if (!_botMessages.TryGetValue((chatId, messageId), out var current))
            {
                error = "Bad Request: message to edit not found";
            }
            else if (current.Text == text && current.ParseMode == parseMode)
            {
                error = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
            }
            else
            {
                _edits.Add(new FakeEdit(chatId, messageId, text, plain, parseMode));
                _botMessages[(chatId, messageId)] = current with { Text = text, PlainText = plain, ParseMode = parseMode, EditCount = current.EditCount + 1 };
            }
        }

        if (error is not null)
        {
            await WriteErrorAsync(context, 400, error, null, ct).ConfigureAwait(false);
            return;
        }

        Changed();
        await WriteResultAsync(context, w => WriteBotMessage(w, chatId, messageId, plain), ct).ConfigureAwait(false);
    }

    private async Task SendChatActionAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var chatId = args.Long("chat_id") ?? throw new FormatException("chat_id is required");
        var action = args.String("action") ?? throw new FormatException("action is required");
        lock (_gate)
        {
            _actions.Add(new FakeChatAction(chatId, action));
        }

        Changed();
        await WriteResultAsync(context, w => w.WriteBooleanValue(true), ct).ConfigureAwait(false);
    }

    private async Task GetFileAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var fileId = args.String("file_id") ?? "";
        (byte[] Content, string Path, long? ReportedSize) file;
        lock (_gate)
        {
            if (!_files.TryGetValue(fileId, out file))
            {
                file = default;
            }
        }

        if (file.Content is null)
        {
            await WriteErrorAsync(context, 400, "Bad Request: invalid file_id", null, ct).ConfigureAwait(false);
            return;
        }

        await WriteResultAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("file_id", fileId);
            w.WriteString("file_unique_id", "u" + fileId);
            w.WriteNumber("file_size", file.ReportedSize ?? file.Content.Length);
            w.WriteString("file_path", file.Path);
            w.WriteEndObject();
        }, ct).ConfigureAwait(false);
    }

    private async Task DownloadAsync(HttpContext context, string rest, CancellationToken ct)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !string.Equals(rest[..slash], Token, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 401, "Unauthorized", null, ct).ConfigureAwait(false);
            return;
        }

        _calls.AddOrUpdate("download", 1, (_, n) => n + 1);
        Changed();
        var filePath = Uri.UnescapeDataString(rest[(slash + 1)..]);
        byte[]? content;
        lock (_gate)
        {
            content = _files.Values.FirstOrDefault(f => f.Path == filePath).Content;
        }

        if (content is null)
        {
            await WriteErrorAsync(context, 404, "Not Found", null, ct).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content, ct).ConfigureAwait(false);
    }

    private async Task SetWebhookAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        var url = args.String("url") ?? "";
        var secret = args.String("secret_token");
        if (url.Length > 0 && !url.StartsWith("https://", StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook", null, ct).ConfigureAwait(false);
            return;
        }

        if (secret is not null && (secret.Length is 0 or > 256 || secret.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))))
        {
            await WriteErrorAsync(context, 400, "Bad Request: secret token contains unallowed characters", null, ct).ConfigureAwait(false);
            return;
        }

        var allowed = args.StringArray("allowed_updates");
        lock (_gate)
        {
            _webhookUrl = url.Length == 0 ? null : url;
            _webhookSecret = url.Length == 0 ? null : secret;
            _webhookAllowedUpdates = allowed ?? _webhookAllowedUpdates;
            if (args.Bool("drop_pending_updates") == true)
            {
                _pending.Clear();
            }

            _pollGeneration++;
            var pushed = _updatePushed;
            _updatePushed = NewSignal();
            pushed.TrySetResult();
        }

        Changed();
        await WriteResultAsync(context, w => w.WriteBooleanValue(true), ct).ConfigureAwait(false);
    }

    private async Task DeleteWebhookAsync(HttpContext context, FakeTelegramArgs args, CancellationToken ct)
    {
        lock (_gate)
        {
            _webhookUrl = null;
            _webhookSecret = null;
            if (args.Bool("drop_pending_updates") == true)
            {
                _pending.Clear();
            }
        }

        Changed();
        await WriteResultAsync(context, w => w.WriteBooleanValue(true), ct).ConfigureAwait(false);
    }

    private async Task GetWebhookInfoAsync(HttpContext context, CancellationToken ct)
    {
        string? url;
        int pending;
        lock (_gate)
        {
            url = _webhookUrl;
            pending = _pending.Count;
        }

        await WriteResultAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("url", url ?? "");
            w.WriteBoolean("has_custom_certificate", false);
            w.WriteNumber("pending_update_count", pending);
            w.WriteEndObject();
        }, ct).ConfigureAwait(false);
    }

    private long PushMessage(
        long chatId, string chatType, long userId, string? text, string firstName, string? lastName, string? username,
        (long MessageId, bool ToBot)? replyTo, Action<Utf8JsonWriter>? media)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("message");
            w.WriteNumber("message_id", Interlocked.Increment(ref _nextMessageId) + 100_000);
            w.WriteNumber("date", 1_700_000_000);
            w.WriteStartObject("from");
            w.WriteNumber("id", userId);
            w.WriteBoolean("is_bot", false);
            w.WriteString("first_name", firstName);
            if (lastName is not null)
            {
                w.WriteString("last_name", lastName);
            }

            if (username is not null)
            {
                w.WriteString("username", username);
            }

            w.WriteEndObject();
            w.WriteStartObject("chat");
            w.WriteNumber("id", chatId);
            w.WriteString("type", chatType);
            if (chatType != "private")
            {
                w.WriteString("title", "Test group");
            }
            else
            {
                w.WriteString("first_name", firstName);
            }

            w.WriteEndObject();
            if (replyTo is { } r)
            {
                w.WriteStartObject("reply_to_message");
                w.WriteNumber("message_id", r.MessageId);
                w.WriteNumber("date", 1_700_000_000);
                w.WriteStartObject("chat");
                w.WriteNumber("id", chatId);
                w.WriteString("type", chatType);
                w.WriteEndObject();
                if (r.ToBot)
                {
                    WriteBotUser(w, "from");
                }
                else
                {
                    w.WriteStartObject("from");
                    w.WriteNumber("id", userId + 1);
                    w.WriteBoolean("is_bot", false);
                    w.WriteString("first_name", "Someone");
                    w.WriteEndObject();
                }

                w.WriteString("text", "earlier message");
                w.WriteEndObject();
            }

            media?.Invoke(w);
            if (text is not null)
            {
                var isCaption = media is not null;
                w.WriteString(isCaption ? "caption" : "text", text);
                WriteEntities(w, isCaption ? "caption_entities" : "entities", text);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return PushUpdate(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void WriteEntities(Utf8JsonWriter w, string name, string text)
    {
        var entities = new List<(string Type, int Offset, int Length)>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var atWordStart = i == 0 || char.IsWhiteSpace(text[i - 1]);
            if (!atWordStart || (c != '@' && c != '/'))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_' || (c == '/' && text[end] == '@')))
            {
                end++;
            }

            if (end - i < 2 || (c == '/' && i != 0))
            {
                continue;
            }

            entities.Add((c == '@' ? "mention" : "bot_command", i, end - i));
            i = end - 1;
        }

        if (entities.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var (type, offset, length) in entities)
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("offset", offset);
            w.WriteNumber("length", length);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePhotoSize(Utf8JsonWriter w, string fileId, int width, long size)
    {
        w.WriteStartObject();
        w.WriteString("file_id", fileId);
        w.WriteString("file_unique_id", "u" + fileId);
        w.WriteNumber("width", width);
        w.WriteNumber("height", width * 3 / 4);
        w.WriteNumber("file_size", size);
        w.WriteEndObject();
    }

    private void WriteBotUser(Utf8JsonWriter w, string? propertyName)
    {
        if (propertyName is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(propertyName);
        }

        w.WriteNumber("id", BotId);
        w.WriteBoolean("is_bot", true);
        w.WriteString("first_name", BotFirstName);
        w.WriteString("username", BotUsername);
        w.WriteBoolean("can_join_groups", true);
        w.WriteBoolean("can_read_all_group_messages", false);
        w.WriteBoolean("supports_inline_queries", false);
        w.WriteEndObject();
    }

    private void WriteBotMessage(Utf8JsonWriter w, long chatId, long messageId, string plain)
    {
        string type;
        lock (_gate)
        {
            type = _chatTypes.TryGetValue(chatId, out var known) ? known : chatId < 0 ? "supergroup" : "private";
        }

        w.WriteStartObject();
        w.WriteNumber("message_id", messageId);
        w.WriteNumber("date", 1_700_000_000);
        WriteBotUser(w, "from");
        w.WriteStartObject("chat");
        w.WriteNumber("id", chatId);
        w.WriteString("type", type);
        w.WriteEndObject();
        w.WriteString("text", plain);
        w.WriteEndObject();
    }

    private void RememberChat(JsonElement update)
    {
        if (update.TryGetProperty("message", out var message) && message.TryGetProperty("chat", out var chat)
            && chat.TryGetProperty("id", out var id) && chat.TryGetProperty("type", out var type))
        {
            _chatTypes[id.GetInt64()] = type.GetString() ?? "private";
        }
    }

    private string? CheckText(string text, string? parseMode)
    {
        if (text.Trim().Length == 0)
        {
            return "Bad Request: message text is empty";
        }

        var isHtml = string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase);
        if (isHtml && ValidateHtml && FakeTelegramHtml.Check(text) is { } htmlProblem)
        {
            return "Bad Request: can't parse entities: " + htmlProblem;
        }

        return PlainTextOf(text, parseMode).Length > 4096 ? "Bad Request: message is too long" : null;
    }

    private static string PlainTextOf(string text, string? parseMode) =>
        string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase) ? FakeTelegramHtml.ToPlainText(text) : text;

    private FakeTelegramFault? NextFault(string method)
    {
        lock (_gate)
        {
            return _faults.TryGetValue(method, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static byte[] WithUpdateId(JsonElement update, long id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("update_id", id);
            foreach (var property in update.EnumerateObject())
            {
                property.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task WriteResultAsync(HttpContext context, Action<Utf8JsonWriter> writeResult, CancellationToken ct)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WritePropertyName("result");
            writeResult(w);
            w.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
    }

    private async Task WriteErrorAsync(HttpContext context, int status, string description, int? retryAfter, CancellationToken ct)
    {
        if (status == 409 && description.StartsWith("Conflict: terminated", StringComparison.Ordinal))
        {
            Changed();
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", false);
            w.WriteNumber("error_code", status);
            w.WriteString("description", description);
            if (retryAfter is { } seconds)
            {
                w.WriteStartObject("parameters");
                w.WriteNumber("retry_after", seconds);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
    }
}
