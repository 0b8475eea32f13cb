using Microsoft.Extensions.Logging;

namespace OpenClaw.Channels.Telegram;

/// <summary>The Telegram adapter's log messages: never the token, message text only at Trace in ...Sensitive methods.</summary>
internal static partial class TelegramLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Telegram connected as @{Username} ({Mode})")]
    public static partial void Connected(ILogger logger, string username, string mode);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Telegram is not connected: {Error}")]
    public static partial void NotConnected(ILogger logger, string error);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Telegram {Method} failed (attempt {Attempt}): {Error}; trying again in {Delay}")]
    public static partial void CallRetrying(ILogger logger, string method, int attempt, string error, TimeSpan delay);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Telegram {Method} failed: {Error}")]
    public static partial void CallFailed(ILogger logger, string method, string error);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Debug, Message = "Telegram update {UpdateId} skipped (not a new text or media message)")]
    public static partial void UpdateSkipped(ILogger logger, long updateId);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Debug, Message = "Telegram update {UpdateId} dropped as a duplicate")]
    public static partial void UpdateDuplicate(ILogger logger, long updateId);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "Telegram update {UpdateId} could not be recorded; it will be fetched again")]
    public static partial void UpdateFailed(ILogger logger, long updateId);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Error, Message = "Could not store the Telegram update offset in {Path}: {Error}")]
    public static partial void OffsetWriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 6108, Level = LogLevel.Warning, Message = "Telegram could not parse the HTML of a reply chunk; sent it as plain text")]
    public static partial void SentPlainAfterParseError(ILogger logger);

    [LoggerMessage(EventId = 6109, Level = LogLevel.Warning, Message = "Telegram typing indicator failed: {Error}")]
    public static partial void TypingFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 6110, Level = LogLevel.Warning, Message = "Telegram webhook call refused: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Trace, Message = "Telegram message from {SenderId} in {ChatId}: {Text}")]
    public static partial void InboundSensitive(ILogger logger, string senderId, string chatId, string text);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Trace, Message = "Telegram reply to {ChatId}: {Text}")]
    public static partial void OutboundSensitive(ILogger logger, string chatId, string text);

    [LoggerMessage(EventId = 6113, Level = LogLevel.Debug, Message = "Telegram streaming edit of message {MessageId} in {ChatId} failed: {Error}")]
    public static partial void StreamEditFailed(ILogger logger, string chatId, long messageId, string error);

    [LoggerMessage(EventId = 6114, Level = LogLevel.Information, Message = "Telegram webhook set (allowed updates: message)")]
    public static partial void WebhookSet(ILogger logger);
}
