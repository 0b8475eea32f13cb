using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>Splits Telegram HTML into messages no longer than Telegram's limit, never inside a tag or an entity.</summary>
/// <remarks>
/// Lengths count UTF-16 characters of the HTML, tags and entities included, which is never less than what Telegram
/// counts after parsing. Every part is well-formed on its own: tags open at a split are closed at the end of the part
/// and reopened, attributes and all, at the start of the next (a <c>&lt;pre&gt;</c> split in two is two
/// <c>&lt;pre&gt;</c> blocks). Whitespace at a split is dropped; a part with no visible text is not returned, so an
/// empty or blank input gives no parts (the caller sends nothing). The input is repaired first (see
/// <see cref="TelegramHtmlUnits"/>), and a tag that together with the tags around it would take more than half of
/// <c>maxLength</c> (a link with a huge address) is dropped, its text kept.
/// </remarks>
internal static class TelegramChunker
{
    /// <summary>Telegram's longest message text.</summary>
    public const int MaxLength = 4096;

    /// <summary>The smallest limit accepted: room for the tags reopened plus the longest entity.</summary>
    public const int MinLength = 32;

    private const int Paragraph = 4;
    private const int Line = 3;
    private const int Sentence = 2;
    private const int Word = 1;

    /// <summary>
    /// Splits <paramref name="html"/> into parts of at most <paramref name="maxLength"/> characters, preferring paragraph,
    /// then line, then sentence, then word boundaries; tags open at a split are closed and reopened in the next part.
    /// </summary>
    public static IReadOnlyList<string> Split(string html, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, MinLength);
        var units = TelegramHtmlUnits.Read(html, maxLength / 2);
        var parts = new List<string>();
        var open = new List<TelegramHtmlUnit>();
        var start = 0;
        while (start < units.Count)
        {
            var end = ChooseEnd(units, start, open, maxLength);
            var part = Emit(units, start, end, open, out var visible);
            if (visible)
            {
                parts.Add(part);
            }

            start = end;
        }

        return parts;
    }

    /// <summary>Where the part starting at <paramref name="start"/> ends: the best boundary among the positions that fit.</summary>
    private static int ChooseEnd(List<TelegramHtmlUnit> units, int start, List<TelegramHtmlUnit> open, int maxLength)
    {
        var used = 0;
        var closeCosts = new List<int>(open.Count + 8);
        var closeCost = 0;
        foreach (var tag in open)
        {
            used += tag.Html.Length;
            closeCosts.Add(tag.Name.Length + 3);
            closeCost += tag.Name.Length + 3;
        }

        Span<int> best = stackalloc int[Paragraph + 1];
        Span<int> usedAt = stackalloc int[Paragraph + 1];
        var p = start;
        while (p < units.Count)
        {
            var unit = units[p];
            var nextUsed = used + unit.Html.Length;
            var nextClose = unit.Kind switch
            {
                TelegramHtmlUnitKind.Open => closeCost + unit.Name.Length + 3,
                TelegramHtmlUnitKind.Close => closeCost - closeCosts[^1],
                _ => closeCost,
            };
            if (nextUsed + nextClose > maxLength)
            {
                break;
            }

            used = nextUsed;
            closeCost = nextClose;
            if (unit.Kind == TelegramHtmlUnitKind.Open)
            {
                closeCosts.Add(unit.Name.Length + 3);
            }
            else if (unit.Kind == TelegramHtmlUnitKind.Close)
            {
                closeCosts.RemoveAt(closeCosts.Count - 1);
            }

            p++;
            if (unit.Kind == TelegramHtmlUnitKind.Text)
            {
                var boundary = Classify(units, p);
                if (boundary > 0)
                {
                    best[boundary] = p;
                    usedAt[boundary] = used;
                }
            }
        }

        if (p == units.Count)
        {
            return p;
        }

        // The best kind of boundary in the second half of what fits; else the best anywhere; else a hard split.
        for (var kind = Paragraph; kind >= Word; kind--)
        {
            if (best[kind] > start && usedAt[kind] >= used / 2)
            {
                return best[kind];
            }
        }

        for (var kind = Paragraph; kind >= Word; kind--)
        {
            if (best[kind] > start)
            {
                return best[kind];
            }
        }

        // Progress is certain: open tags never cost more than half the limit, so the first unit always fits.
        return p;
    }

    /// <summary>What kind of boundary lies just after the text unit before <paramref name="position"/>.</summary>
    private static int Classify(List<TelegramHtmlUnit> units, int position)
    {
        var last = units[position - 1].Char;
        var before = '\0';
        for (var k = position - 2; k >= 0; k--)
        {
            if (units[k].Kind == TelegramHtmlUnitKind.Text)
            {
                before = units[k].Char;
                break;
            }
        }

        if (last == '\n')
        {
            return before == '\n' ? Paragraph : Line;
        }

        if (last is ' ' or '\t' or '\u00A0' or '\u3000')
        {
            return before is '.' or '!' or '?' or '…' or ':' or ';' ? Sentence : Word;
        }

        return last is '。' or '！' or '？' ? Sentence : 0;
    }

    /// <summary>Writes units <paramref name="start"/> to <paramref name="end"/> as one well-formed part; <paramref name="open"/> becomes the tags open at the end.</summary>
    private static string Emit(List<TelegramHtmlUnit> units, int start, int end, List<TelegramHtmlUnit> open, out bool visible)
    {
        var from = start;
        while (from < end && units[from].Kind == TelegramHtmlUnitKind.Text && units[from].Char is '\n' or '\r')
        {
            from++;
        }

        var to = end;
        while (to > from && units[to - 1].Kind == TelegramHtmlUnitKind.Text && char.IsWhiteSpace(units[to - 1].Char))
        {
            to--;
        }

        // Tags are written only once text needs them, so a tag reopened and closed at once leaves nothing behind.
        var sb = new StringBuilder();
        var written = 0;
        visible = false;
        for (var k = from; k < to; k++)
        {
            var unit = units[k];
            switch (unit.Kind)
            {
                case TelegramHtmlUnitKind.Open:
                    open.Add(unit);
                    break;
                case TelegramHtmlUnitKind.Close:
                    if (written == open.Count)
                    {
                        sb.Append(unit.Html);
                        written--;
                    }

                    open.RemoveAt(open.Count - 1);
                    break;
                default:
                    for (; written < open.Count; written++)
                    {
                        sb.Append(open[written].Html);
                    }

                    sb.Append(unit.Html);
                    visible |= !char.IsWhiteSpace(unit.Char);
                    break;
            }
        }

        for (var k = written - 1; k >= 0; k--)
        {
            sb.Append(open[k].CloseHtml);
        }

        return sb.ToString();
    }
}
