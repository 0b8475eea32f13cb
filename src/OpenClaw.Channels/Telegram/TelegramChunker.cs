namespace OpenClaw.Channels.Telegram;

/// <summary>Splits Telegram HTML into messages no longer than Telegram's limit, never inside a tag or an entity.</summary>
internal static class TelegramChunker
{
    /// <summary>Telegram's longest message text.</summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// Splits <paramref name="html"/> into parts of at most <paramref name="maxLength"/> characters, preferring paragraph,
    /// then line, then sentence, then word boundaries; tags open at a split are closed and reopened in the next part.
    /// </summary>
    public static IReadOnlyList<string> Split(string html, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(html);
        throw new NotImplementedException("The formatting helper writes this.");
    }
}
