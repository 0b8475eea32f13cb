namespace OpenClaw.Channels.Telegram;

/// <summary>Turns a model's Markdown into the HTML subset Telegram's <c>parse_mode=HTML</c> accepts, escaping everything else.</summary>
internal static class TelegramMarkdown
{
    /// <summary>The Telegram-safe HTML of <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        throw new NotImplementedException("The formatting helper writes this.");
    }
}
