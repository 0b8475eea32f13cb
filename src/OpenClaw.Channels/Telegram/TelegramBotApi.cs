using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenClaw.Channels.Telegram;

/// <summary>
/// The few Bot API methods the adapter uses, over a shared <see cref="HttpClient"/>: JSON bodies written by hand, answers
/// read through <see cref="TelegramJsonContext"/>. Errors never carry the URL (it contains the token).
/// </summary>
/// <remarks>
/// Ours rather than Telegram.Bot's: that package's request serialisation and JSON converters are not trim/AOT-safe,
/// and the gateway ships as one NativeAOT binary with zero warnings. Thread-safe.
/// </remarks>
internal sealed class TelegramBotApi
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly string _methodBase;
    private readonly string _fileBase;

    public TelegramBotApi(HttpClient http, string apiBaseUrl, string token)
    {
        _http = http;
        var root = apiBaseUrl.TrimEnd('/');
        _methodBase = root + "/bot" + token + "/";
        _fileBase = root + "/file/bot" + token + "/";
    }

    /// <summary>Whether <paramref name="token"/> has the shape BotFather gives (digits, a colon, URL-safe characters), so it is safe in a URL.</summary>
    public static bool IsWellFormedToken(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < token.Length - 1
            && token.AsSpan(0, colon).IndexOfAnyExceptInRange('0', '9') < 0
            && token.AsSpan(colon + 1).ContainsOnlyUrlSafe();
    }

    public Task<TelegramUser> GetMeAsync(CancellationToken cancellationToken) =>
        CallAsync("getMe", null, TelegramJsonContext.Default.TelegramApiResponseTelegramUser, cancellationToken);

    public Task<TelegramUpdate[]> GetUpdatesAsync(long? offset, int limit, int timeoutSeconds, IReadOnlyList<string> allowedUpdates, CancellationToken cancellationToken) =>
        CallAsync("getUpdates", w =>
        {
            if (offset is { } o)
            {
                w.WriteNumber("offset", o);
            }

            w.WriteNumber("limit", limit);
            w.WriteNumber("timeout", timeoutSeconds);
            WriteStrings(w, "allowed_updates", allowedUpdates);
        }, TelegramJsonContext.Default.TelegramApiResponseTelegramUpdateArray, cancellationToken);

    public Task<TelegramMessage> SendMessageAsync(string chatId, string text, string? parseMode, long? replyToMessageId, CancellationToken cancellationToken) =>
        CallAsync("sendMessage", w =>
        {
            WriteChatId(w, chatId);
            w.WriteString("text", text);
            if (parseMode is not null)
            {
                w.WriteString("parse_mode", parseMode);
            }

            if (replyToMessageId is { } replyTo)
            {
                w.WriteStartObject("reply_parameters");
                w.WriteNumber("message_id", replyTo);
                w.WriteBoolean("allow_sending_without_reply", true);
                w.WriteEndObject();
            }
        }, TelegramJsonContext.Default.TelegramApiResponseTelegramMessage, cancellationToken);

    public Task<JsonElement> EditMessageTextAsync(string chatId, long messageId, string text, string? parseMode, CancellationToken cancellationToken) =>
        CallAsync("editMessageText", w =>
        {
            WriteChatId(w, chatId);
            w.WriteNumber("message_id", messageId);
            w.WriteString("text", text);
            if (parseMode is not null)
            {
                w.WriteString("parse_mode", parseMode);
            }
        }, TelegramJsonContext.Default.TelegramApiResponseJsonElement, cancellationToken);

    public Task<bool> SendChatActionAsync(string chatId, string action, CancellationToken cancellationToken) =>
        CallAsync("sendChatAction", w =>
        {
            WriteChatId(w, chatId);
            w.WriteString("action", action);
        }, TelegramJsonContext.Default.TelegramApiResponseBoolean, cancellationToken);

    public Task<TelegramFile> GetFileAsync(string fileId, CancellationToken cancellationToken) =>
        CallAsync("getFile", w => w.WriteString("file_id", fileId), TelegramJsonContext.Default.TelegramApiResponseTelegramFile, cancellationToken);

    public Task<bool> SetWebhookAsync(string url, string secretToken, IReadOnlyList<string> allowedUpdates, CancellationToken cancellationToken) =>
        CallAsync("setWebhook", w =>
        {
            w.WriteString("url", url);
            w.WriteString("secret_token", secretToken);
            WriteStrings(w, "allowed_updates", allowedUpdates);
            w.WriteBoolean("drop_pending_updates", false);
        }, TelegramJsonContext.Default.TelegramApiResponseBoolean, cancellationToken);

    public Task<bool> DeleteWebhookAsync(bool dropPendingUpdates, CancellationToken cancellationToken) =>
        CallAsync("deleteWebhook", w => w.WriteBoolean("drop_pending_updates", dropPendingUpdates), TelegramJsonContext.Default.TelegramApiResponseBoolean, cancellationToken);

    /// <summary>Copies the file at <paramref name="filePath"/> (from <c>getFile</c>) into <paramref name="destination"/>.</summary>
    public async Task DownloadFileAsync(string filePath, Stream destination, CancellationToken cancellationToken)
    {
        var path = string.Join('/', filePath.Split('/').Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(HttpMethod.Get, _fileBase + path);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            throw new TelegramApiException(status, $"the file download answered HTTP {status}", null);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new TelegramTransportException(ex.HttpRequestError);
            }
        }
    }

    private async Task<T> CallAsync<T>(string method, Action<Utf8JsonWriter>? writeBody, JsonTypeInfo<TelegramApiResponse<T>> answer, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeBody?.Invoke(writer);
            writer.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _methodBase + method)
        {
            Content = new ReadOnlyMemoryContent(buffer.WrittenMemory) { Headers = { ContentType = s_json } },
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] bytes;
        try
        {
            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new TelegramTransportException(ex.HttpRequestError);
        }

        var status = (int)response.StatusCode;
        TelegramApiResponse<T>? parsed = null;
        try
        {
            parsed = JsonSerializer.Deserialize(bytes, answer);
        }
        catch (JsonException)
        {
        }

        if (parsed is null || (!parsed.Ok && parsed.ErrorCode is null && parsed.Description is null))
        {
            // Not the Bot API (a proxy's error page, a wrong apiBaseUrl): report the HTTP status only.
            throw new TelegramApiException(status == 200 ? 502 : status, $"HTTP {status} without a Bot API answer", null);
        }

        if (!parsed.Ok)
        {
            throw new TelegramApiException(parsed.ErrorCode ?? status, parsed.Description ?? $"HTTP {status}", parsed.Parameters?.RetryAfter);
        }

        return parsed.Result!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            // Its message can name the URL, which carries the token: only the kind of failure goes on.
            throw new TelegramTransportException(ex.HttpRequestError);
        }
    }

    private static void WriteChatId(Utf8JsonWriter w, string chatId)
    {
        if (long.TryParse(chatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            w.WriteNumber("chat_id", id);
        }
        else
        {
            w.WriteString("chat_id", chatId);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}

/// <summary>Telegram answered <c>ok: false</c> (or not as the Bot API); the message is Telegram's description, never the URL.</summary>
internal sealed class TelegramApiException : Exception
{
    public TelegramApiException(int errorCode, string description, int? retryAfter)
        : base(description)
    {
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    public TelegramApiException()
    {
    }

    public TelegramApiException(string message)
        : base(message)
    {
    }

    public TelegramApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Telegram's <c>error_code</c> (the HTTP status when the answer was not the Bot API's).</summary>
    public int ErrorCode { get; }

    /// <summary><c>parameters.retry_after</c> in seconds, for 429.</summary>
    public int? RetryAfter { get; }
}

/// <summary>The Bot API could not be reached; only the kind of failure is kept (an <see cref="HttpRequestException"/>'s message can carry the URL and so the token).</summary>
internal sealed class TelegramTransportException : Exception
{
    public TelegramTransportException(HttpRequestError error)
        : base($"cannot reach the Telegram Bot API ({error})") => Error = error;

    public TelegramTransportException()
    {
    }

    public TelegramTransportException(string message)
        : base(message)
    {
    }

    public TelegramTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What kind of failure it was.</summary>
    public HttpRequestError Error { get; }
}

/// <summary>Span helpers for checking a token before it goes into a URL.</summary>
internal static class TelegramTokenSpan
{
    public static bool ContainsOnlyUrlSafe(this ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
