namespace OpenClaw.Testing.Telegram;

/// <summary>A message the bot sent (<c>sendMessage</c>), as the fake recorded it.</summary>
/// <param name="ChatId">The chat it went to.</param>
/// <param name="MessageId">The id the fake gave it.</param>
/// <param name="Text">The text as sent (HTML when <paramref name="ParseMode"/> is <c>HTML</c>).</param>
/// <param name="PlainText">What a user sees: the text with tags removed and entities decoded.</param>
/// <param name="ParseMode">The <c>parse_mode</c>, or <see langword="null"/> for plain text.</param>
/// <param name="ReplyToMessageId">The message it replies to, when it does.</param>
public sealed record FakeSentMessage(long ChatId, long MessageId, string Text, string PlainText, string? ParseMode, long? ReplyToMessageId);

/// <summary>An edit the bot made (<c>editMessageText</c>), as the fake recorded it.</summary>
/// <param name="ChatId">The chat of the message.</param>
/// <param name="MessageId">The message edited.</param>
/// <param name="Text">The new text as sent.</param>
/// <param name="PlainText">What a user sees after the edit.</param>
/// <param name="ParseMode">The <c>parse_mode</c>, or <see langword="null"/> for plain text.</param>
public sealed record FakeEdit(long ChatId, long MessageId, string Text, string PlainText, string? ParseMode);

/// <summary>A chat action (<c>sendChatAction</c>), e.g. <c>typing</c>.</summary>
/// <param name="ChatId">The chat.</param>
/// <param name="Action">The action.</param>
public sealed record FakeChatAction(long ChatId, string Action);

/// <summary>A message of the bot's as it stands now in a chat (after any edits).</summary>
/// <param name="ChatId">The chat.</param>
/// <param name="MessageId">The message id.</param>
/// <param name="Text">The current text as sent.</param>
/// <param name="PlainText">The current text as a user sees it.</param>
/// <param name="ParseMode">The current <c>parse_mode</c>.</param>
/// <param name="EditCount">How many times it was edited.</param>
public sealed record FakeBotMessage(long ChatId, long MessageId, string Text, string PlainText, string? ParseMode, int EditCount);

/// <summary>A scripted failure of a Bot API method (see <see cref="FakeTelegramServer.FailNext"/>).</summary>
/// <param name="StatusCode">The HTTP status and <c>error_code</c>.</param>
/// <param name="Description">The <c>description</c>.</param>
/// <param name="RetryAfterSeconds">The <c>parameters.retry_after</c>, for 429.</param>
/// <param name="Hang">Whether the call never answers (until the client gives up or the server stops).</param>
public sealed record FakeTelegramFault(int StatusCode, string Description, int? RetryAfterSeconds = null, bool Hang = false)
{
    /// <summary>429 "Too Many Requests: retry after N" with <c>parameters.retry_after</c>.</summary>
    public static FakeTelegramFault TooManyRequests(int retryAfterSeconds) =>
        new(429, $"Too Many Requests: retry after {retryAfterSeconds}", retryAfterSeconds);

    /// <summary>500 "Internal Server Error".</summary>
    public static FakeTelegramFault ServerError() => new(500, "Internal Server Error");

    /// <summary>502 "Bad Gateway" (what Telegram answers while it restarts).</summary>
    public static FakeTelegramFault BadGateway() => new(502, "Bad Gateway");

    /// <summary>400 with <paramref name="description"/> (e.g. "Bad Request: chat not found").</summary>
    public static FakeTelegramFault BadRequest(string description) => new(400, description);

    /// <summary>403 "Forbidden: bot was blocked by the user".</summary>
    public static FakeTelegramFault Blocked() => new(403, "Forbidden: bot was blocked by the user");

    /// <summary>No answer at all until the client cancels or the server stops.</summary>
    public static FakeTelegramFault Hanging() => new(0, "", Hang: true);
}
