using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>Escaping and link checks shared by the Markdown converter and the chunker.</summary>
internal static class TelegramHtml
{
    /// <summary>The URL schemes a rendered link may use; anything else is shown as text.</summary>
    private static readonly string[] s_safeSchemes = ["http", "https", "tg", "mailto"];

    /// <summary>Appends <paramref name="text"/> with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped.</summary>
    public static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Appends an attribute value with <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> and <c>"</c> escaped.</summary>
    public static void AppendAttribute(StringBuilder sb, ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>The text with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped.</summary>
    public static string Escape(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length + 16);
        AppendEscaped(sb, text);
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="url"/> is absolute with an http, https, tg or mailto scheme and has no whitespace or control characters.</summary>
    public static bool IsSafeUrl(ReadOnlySpan<char> url)
    {
        if (url.IsEmpty)
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        var colon = url.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var scheme = url[..colon];
        foreach (var safe in s_safeSchemes)
        {
            if (scheme.Equals(safe, StringComparison.OrdinalIgnoreCase))
            {
                return url.Length > colon + 1;
            }
        }

        return false;
    }
}
