namespace OpenClaw.Channels.Telegram;

/// <summary>What a <see cref="TelegramHtmlUnit"/> is.</summary>
internal enum TelegramHtmlUnitKind
{
    /// <summary>One character (a surrogate pair counts as one) or one entity: never split.</summary>
    Text,

    /// <summary>An opening tag.</summary>
    Open,

    /// <summary>The closing tag of the innermost open tag.</summary>
    Close,
}

/// <summary>An indivisible piece of Telegram HTML: a tag, an entity or a character, as it is written out.</summary>
/// <param name="Kind">Tag or text.</param>
/// <param name="Html">The unit as written (an entity or escaped character for text).</param>
/// <param name="Name">The tag name, for tags.</param>
/// <param name="Char">The character a text unit stands for (the first one of a pair), for boundary detection.</param>
internal readonly record struct TelegramHtmlUnit(TelegramHtmlUnitKind Kind, string Html, string Name, char Char)
{
    /// <summary>The closing tag matching an opening one.</summary>
    public string CloseHtml => "</" + Name + ">";
}

/// <summary>
/// Reads Telegram HTML into <see cref="TelegramHtmlUnit"/>s and repairs it on the way: only Telegram's tags are kept
/// (anything else that looks like a tag is escaped text), stray <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> are escaped,
/// a closing tag without its opening tag is dropped, and tags still open at the end are closed.
/// </summary>
internal static class TelegramHtmlUnits
{
    private static readonly string[] s_plainTags = ["b", "i", "u", "s", "code", "pre", "blockquote", "tg-spoiler"];

    private static readonly string[] s_entities = ["&lt;", "&gt;", "&amp;", "&quot;"];

    /// <summary>Units of <paramref name="html"/>, well-formed; a tag whose pair (with the tags around it) would take more than <paramref name="tagBudget"/> characters is dropped, its text kept.</summary>
    public static List<TelegramHtmlUnit> Read(string html, int tagBudget)
    {
        var units = new List<TelegramHtmlUnit>(html.Length);
        var stack = new List<(string Name, bool Kept, int Cost)>();
        var stackCost = 0;
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && TryTag(html, i, out var tagEnd, out var name, out var closing))
            {
                var raw = html[i..tagEnd];
                i = tagEnd;
                if (!closing)
                {
                    var cost = raw.Length + name.Length + 3;
                    var kept = stackCost + cost <= tagBudget;
                    stack.Add((name, kept, cost));
                    if (kept)
                    {
                        stackCost += cost;
                        units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Open, raw, name, '\0'));
                    }

                    continue;
                }

                var match = stack.FindLastIndex(e => e.Name == name);
                if (match < 0)
                {
                    continue; // A closing tag nothing opened.
                }

                // Closing an outer tag closes the ones opened inside it first.
                for (var k = stack.Count - 1; k >= match; k--)
                {
                    CloseTop(units, stack, ref stackCost);
                }

                continue;
            }

            if (c == '&' && TryEntity(html, i, out var entity))
            {
                units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Text, entity, string.Empty, DecodeEntity(entity)));
                i += entity.Length;
                continue;
            }

            switch (c)
            {
                case '<': units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Text, "&lt;", string.Empty, '<')); i++; continue;
                case '>': units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Text, "&gt;", string.Empty, '>')); i++; continue;
                case '&': units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Text, "&amp;", string.Empty, '&')); i++; continue;
                default:
                    break;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < html.Length && char.IsLowSurrogate(html[i + 1]) ? 2 : 1;
            units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Text, html.Substring(i, length), string.Empty, c));
            i += length;
        }

        while (stack.Count > 0)
        {
            CloseTop(units, stack, ref stackCost);
        }

        return units;
    }

    private static void CloseTop(List<TelegramHtmlUnit> units, List<(string Name, bool Kept, int Cost)> stack, ref int stackCost)
    {
        var (name, kept, cost) = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        if (kept)
        {
            stackCost -= cost;
            units.Add(new TelegramHtmlUnit(TelegramHtmlUnitKind.Close, "</" + name + ">", name, '\0'));
        }
    }

    /// <summary>Recognises <c>&lt;b&gt;</c>-style tags, <c>&lt;a href="…"&gt;</c>, <c>&lt;code class="…"&gt;</c>, <c>&lt;blockquote expandable&gt;</c> and closing tags.</summary>
    private static bool TryTag(string html, int start, out int end, out string name, out bool closing)
    {
        end = start;
        name = string.Empty;
        closing = start + 1 < html.Length && html[start + 1] == '/';
        var nameStart = start + (closing ? 2 : 1);
        var nameEnd = nameStart;
        while (nameEnd < html.Length && (char.IsAsciiLetterLower(html[nameEnd]) || html[nameEnd] == '-'))
        {
            nameEnd++;
        }

        var candidate = html[nameStart..nameEnd];
        var known = candidate == "a" || Array.IndexOf(s_plainTags, candidate) >= 0;
        if (!known || nameEnd >= html.Length)
        {
            return false;
        }

        if (html[nameEnd] == '>')
        {
            if (!closing && candidate == "a")
            {
                return false; // A link without an address.
            }

            name = candidate;
            end = nameEnd + 1;
            return true;
        }

        if (closing)
        {
            return false;
        }

        var rest = html.AsSpan(nameEnd);
        if (candidate == "blockquote" && rest.StartsWith(" expandable>", StringComparison.Ordinal))
        {
            name = candidate;
            end = nameEnd + " expandable>".Length;
            return true;
        }

        var attribute = candidate switch
        {
            "a" => " href=\"",
            "code" => " class=\"",
            _ => null,
        };
        if (attribute is null || !rest.StartsWith(attribute, StringComparison.Ordinal))
        {
            return false;
        }

        var i = nameEnd + attribute.Length;
        while (i < html.Length && html[i] != '"')
        {
            var c = html[i];
            if (c is '<' or '>')
            {
                return false;
            }

            if (c == '&')
            {
                if (!TryEntity(html, i, out var entity))
                {
                    return false;
                }

                i += entity.Length;
                continue;
            }

            i++;
        }

        if (i + 1 >= html.Length || html[i + 1] != '>')
        {
            return false;
        }

        name = candidate;
        end = i + 2;
        return true;
    }

    private static bool TryEntity(string html, int start, out string entity)
    {
        foreach (var e in s_entities)
        {
            if (string.CompareOrdinal(html, start, e, 0, e.Length) == 0)
            {
                entity = e;
                return true;
            }
        }

        entity = string.Empty;
        return false;
    }

    private static char DecodeEntity(string entity) => entity switch
    {
        "&lt;" => '<',
        "&gt;" => '>',
        "&amp;" => '&',
        _ => '"',
    };
}
