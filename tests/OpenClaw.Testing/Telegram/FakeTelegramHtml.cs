using System.Net;
using System.Text;

namespace OpenClaw.Testing.Telegram;

/// <summary>Telegram's <c>parse_mode=HTML</c> rules, as strictly as the fake needs: known tags, balanced, known entities.</summary>
public static class FakeTelegramHtml
{
    private static readonly HashSet<string> s_tags = new(StringComparer.Ordinal)
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
    };

    /// <summary>What Telegram would object to in <paramref name="html"/> (after "can't parse entities: "), or <see langword="null"/> when it parses.</summary>
    public static string? Check(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var open = new Stack<string>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '&')
            {
                var end = html.IndexOf(';', i);
                var entity = end > i ? html[i..(end + 1)] : "";
                if (entity is not ("&lt;" or "&gt;" or "&amp;" or "&quot;") && !(entity.StartsWith("&#", StringComparison.Ordinal) && entity.Length > 3))
                {
                    return $"Can't find end of the entity starting at byte offset {i}";
                }

                i = end + 1;
                continue;
            }

            if (c == '>')
            {
                return $"Unexpected end tag at byte offset {i}";
            }

            if (c != '<')
            {
                i++;
                continue;
            }

            var close = html.IndexOf('>', i);
            if (close < 0)
            {
                return $"Unclosed start tag at byte offset {i}";
            }

            var inner = html[(i + 1)..close];
            if (inner.StartsWith('/'))
            {
                var name = inner[1..].Trim();
                if (open.Count == 0 || open.Peek() != name)
                {
                    return $"Can't find end tag corresponding to start tag \"{(open.Count > 0 ? open.Peek() : name)}\"";
                }

                open.Pop();
            }
            else
            {
                var name = inner.Split(' ', 2)[0];
                if (!s_tags.Contains(name))
                {
                    return $"Unsupported start tag \"{name}\" at byte offset {i}";
                }

                if (name == "a" && !inner.Contains("href=", StringComparison.Ordinal))
                {
                    return "Can't find href attribute of the tag \"a\"";
                }

                open.Push(name);
            }

            i = close + 1;
        }

        return open.Count > 0 ? $"Can't find end tag corresponding to start tag \"{open.Peek()}\"" : null;
    }

    /// <summary>What a user sees of <paramref name="html"/>: tags removed, entities decoded.</summary>
    public static string ToPlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            if (html[i] == '<' && html.IndexOf('>', i) is var close && close > i)
            {
                i = close + 1;
                continue;
            }

            text.Append(html[i]);
            i++;
        }

        return WebUtility.HtmlDecode(text.ToString());
    }
}
