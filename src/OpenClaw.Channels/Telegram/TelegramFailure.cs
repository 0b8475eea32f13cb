using System.Text.RegularExpressions;

namespace OpenClaw.Channels.Telegram;

/// <summary>How a failed Bot API call should be handled.</summary>
internal enum TelegramFailureKind
{
    /// <summary>429: wait <c>retry_after</c>, then try again.</summary>
    RateLimited,

    /// <summary>5xx, a network error or a timeout: back off and try again.</summary>
    Transient,

    /// <summary>401: the token is wrong; retrying does not help until it is changed.</summary>
    Unauthorized,

    /// <summary>Any other refusal (400, 403, …): retrying does not help.</summary>
    Permanent,
}

/// <summary>A classified failure of a Bot API call, with a description that is safe to show (never the token).</summary>
/// <param name="Kind">What to do about it.</param>
/// <param name="StatusCode">Telegram's <c>error_code</c> or the HTTP status, when there was one.</param>
/// <param name="RetryAfter">Telegram's <c>retry_after</c>, for 429.</param>
/// <param name="Description">What went wrong, in words, scrubbed of the token.</param>
internal sealed partial record TelegramFailure(TelegramFailureKind Kind, int? StatusCode, TimeSpan? RetryAfter, string Description)
{
    public const string UnauthorizedMessage =
        "Telegram rejected the bot token (401); set a valid one with `openclaw credentials set telegram`";

    /// <summary>Whether Telegram said the HTML could not be parsed (the text is then sent plain).</summary>
    public bool IsParseError => StatusCode == 400 && Description.Contains("can't parse entities", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether Telegram said an edit changed nothing (which counts as success).</summary>
    public bool IsNotModified => StatusCode == 400 && Description.Contains("message is not modified", StringComparison.OrdinalIgnoreCase);

    /// <summary>Classifies <paramref name="exception"/> from a Bot API call; <paramref name="timedOut"/> when our own request timeout fired.</summary>
    public static TelegramFailure From(Exception exception, bool timedOut)
    {
        switch (exception)
        {
            case TelegramApiException { ErrorCode: 401 }:
                return new(TelegramFailureKind.Unauthorized, 401, null, UnauthorizedMessage);
            case TelegramApiException { ErrorCode: 429 } api:
                var after = api.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                return new(TelegramFailureKind.RateLimited, 429, after,
                    $"Telegram is rate-limiting the bot (429{(after is { } a ? $", retry after {a.TotalSeconds:0}s" : "")})");
            case TelegramApiException { ErrorCode: 409 }:
                return new(TelegramFailureKind.Transient, 409, null,
                    "Telegram refused to deliver updates (409): another copy of this bot is polling, or a webhook is set; " +
                    "stop the other instance (or switch it to the same mode)");
            case TelegramApiException api:
                return new(api.ErrorCode >= 500 ? TelegramFailureKind.Transient : TelegramFailureKind.Permanent, api.ErrorCode, null,
                    $"Telegram answered {api.ErrorCode}: {Scrub(api.Message)}");
            case OperationCanceledException when timedOut:
                return new(TelegramFailureKind.Transient, null, null, "the Telegram Bot API did not answer in time");
            case TelegramTransportException transport:
                return new(TelegramFailureKind.Transient, null, null, transport.Message);
            default:
                return new(TelegramFailureKind.Transient, null, null, $"cannot reach the Telegram Bot API ({exception.GetType().Name})");
        }
    }

    /// <summary>Removes anything that looks like a bot token (or a URL carrying one) from <paramref name="text"/>.</summary>
    public static string Scrub(string text) => TokenPattern().Replace(text, "***");

    // A token is "<digits>:<35 or so url-safe characters>"; URLs carry it as ".../bot<token>/...".
    [GeneratedRegex(@"\d{3,}:[A-Za-z0-9_-]{20,}")]
    private static partial Regex TokenPattern();
}

/// <summary>A Bot API call failed for good (not retryable, or out of attempts); the message is safe to show.</summary>
internal sealed class TelegramCallException : Exception
{
    public TelegramCallException(TelegramFailure failure, string message)
        : base(message) => Failure = failure;

    public TelegramCallException()
        : base("The Telegram call failed.") => Failure = new(TelegramFailureKind.Permanent, null, null, "failed");

    public TelegramCallException(string message)
        : base(message) => Failure = new(TelegramFailureKind.Permanent, null, null, message);

    public TelegramCallException(string message, Exception innerException)
        : base(message, innerException) => Failure = new(TelegramFailureKind.Permanent, null, null, message);

    public TelegramFailure Failure { get; }
}
