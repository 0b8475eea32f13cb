using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>Turns a model's Markdown into the HTML subset Telegram's <c>parse_mode=HTML</c> accepts, escaping everything else.</summary>
/// <remarks>
/// Blocks: fenced code (<c>&lt;pre&gt;</c>, with <c>&lt;code class="language-x"&gt;</c> when a language is given; an
/// unclosed fence runs to the end, as in CommonMark), ATX and setext headings (a bold line), <c>&gt;</c> quotes
/// (<c>&lt;blockquote&gt;</c>, never nested), bullet and numbered lists (kept as text with • or the number), tables
/// (rows as text, cells separated by <c>|</c>), rules, paragraphs. Inline: see <see cref="TelegramMarkdownInline"/>.
/// Every tag written is closed and properly nested whatever the input; text is escaped everywhere.
/// </remarks>
internal static class TelegramMarkdown
{
    private const string Rule = "———";

    /// <summary>The Telegram-safe HTML of <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var sb = new StringBuilder(markdown.Length + (markdown.Length / 4) + 16);
        RenderBlocks(sb, lines, inQuote: false);
        return sb.ToString().Trim('\n');
    }

    private static void RenderBlocks(StringBuilder sb, IReadOnlyList<string> lines, bool inQuote)
    {
        var start = sb.Length;
        var blankBefore = false;

        void BeginBlock()
        {
            if (sb.Length > start)
            {
                sb.Append(blankBefore ? "\n\n" : "\n");
            }

            blankBefore = false;
        }

        var i = 0;
        while (i < lines.Count)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                blankBefore = true;
                i++;
                continue;
            }

            BeginBlock();
            if (TryFence(line, out var fenceChar, out var fenceLength, out var indent, out var language))
            {
                i++;
                var code = new StringBuilder();
                var first = true;
                while (i < lines.Count && !IsClosingFence(lines[i], fenceChar, fenceLength))
                {
                    if (!first)
                    {
                        code.Append('\n');
                    }

                    code.Append(StripIndent(lines[i], indent));
                    first = false;
                    i++;
                }

                i++; // The closing fence (or past the end when the fence was never closed).
                WriteCode(sb, code.ToString(), language, inQuote);
                continue;
            }

            if (TryHeading(line, out var heading))
            {
                sb.Append("<b>");
                TelegramMarkdownInline.Render(sb, heading, inLink: false);
                sb.Append("</b>");
                i++;
                continue;
            }

            if (IsRule(line))
            {
                sb.Append(Rule);
                i++;
                continue;
            }

            if (TryQuote(line, out _))
            {
                var inner = new List<string>();
                while (i < lines.Count && TryQuote(lines[i], out var content))
                {
                    inner.Add(content);
                    i++;
                }

                // Telegram cannot nest quotes: a quote inside a quote is flattened into it.
                if (!inQuote)
                {
                    sb.Append("<blockquote>");
                }

                RenderBlocks(sb, inner, inQuote: true);
                if (!inQuote)
                {
                    sb.Append("</blockquote>");
                }

                continue;
            }

            if (i + 1 < lines.Count && line.Contains('|', StringComparison.Ordinal) && IsTableDelimiter(lines[i + 1]))
            {
                WriteTableRow(sb, line);
                i += 2;
                while (i < lines.Count && !string.IsNullOrWhiteSpace(lines[i]) && lines[i].Contains('|', StringComparison.Ordinal))
                {
                    sb.Append('\n');
                    WriteTableRow(sb, lines[i]);
                    i++;
                }

                continue;
            }

            if (TryListItem(line, out var prefix, out var item))
            {
                TelegramHtml.AppendEscaped(sb, prefix);
                TelegramMarkdownInline.Render(sb, item, inLink: false);
                i++;
                continue;
            }

            // A paragraph: lines up to a blank line or the start of another block; a setext underline makes it a heading.
            var paragraph = new StringBuilder(line.TrimEnd());
            i++;
            var setext = false;
            while (i < lines.Count && !string.IsNullOrWhiteSpace(lines[i]))
            {
                var next = lines[i];
                if (IsSetextUnderline(next))
                {
                    setext = true;
                    i++;
                    break;
                }

                if (StartsBlock(next, i + 1 < lines.Count ? lines[i + 1] : null))
                {
                    break;
                }

                paragraph.Append('\n').Append(next.TrimEnd());
                i++;
            }

            if (setext)
            {
                sb.Append("<b>");
                TelegramMarkdownInline.Render(sb, paragraph.ToString(), inLink: false);
                sb.Append("</b>");
            }
            else
            {
                TelegramMarkdownInline.Render(sb, paragraph.ToString(), inLink: false);
            }
        }
    }

    private static bool StartsBlock(string line, string? next) =>
        TryFence(line, out _, out _, out _, out _) || TryHeading(line, out _) || IsRule(line) || TryQuote(line, out _)
        || TryListItem(line, out _, out _)
        || (next is not null && line.Contains('|', StringComparison.Ordinal) && IsTableDelimiter(next));

    private static void WriteCode(StringBuilder sb, string code, string? language, bool inQuote)
    {
        if (inQuote)
        {
            // Telegram cannot put a pre block inside a quote: the code stays as plain, escaped lines.
            TelegramHtml.AppendEscaped(sb, code);
            return;
        }

        if (code.Length == 0)
        {
            return;
        }

        sb.Append("<pre>");
        if (language is not null)
        {
            sb.Append("<code class=\"language-").Append(language).Append("\">");
        }

        TelegramHtml.AppendEscaped(sb, code);
        if (language is not null)
        {
            sb.Append("</code>");
        }

        sb.Append("</pre>");
    }

    private static int LeadingSpaces(string line)
    {
        var n = 0;
        while (n < line.Length && line[n] == ' ')
        {
            n++;
        }

        return n;
    }

    private static string StripIndent(string line, int indent)
    {
        var n = Math.Min(indent, LeadingSpaces(line));
        return line[n..];
    }

    private static bool TryFence(string line, out char fenceChar, out int length, out int indent, out string? language)
    {
        fenceChar = '\0';
        length = 0;
        language = null;
        indent = LeadingSpaces(line);
        if (indent >= line.Length || line[indent] is not ('`' or '~'))
        {
            return false;
        }

        fenceChar = line[indent];
        var end = indent;
        while (end < line.Length && line[end] == fenceChar)
        {
            end++;
        }

        length = end - indent;
        if (length < 3)
        {
            return false;
        }

        var info = line.AsSpan(end).Trim();
        if (fenceChar == '`' && info.Contains('`'))
        {
            return false;
        }

        var word = info;
        var space = word.IndexOfAny(' ', '\t');
        if (space >= 0)
        {
            word = word[..space];
        }

        language = IsLanguage(word) ? word.ToString() : null;
        return true;
    }

    private static bool IsLanguage(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty || word.Length > 32)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '+' or '#' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsClosingFence(string line, char fenceChar, int length)
    {
        var span = line.AsSpan().Trim();
        var run = 0;
        while (run < span.Length && span[run] == fenceChar)
        {
            run++;
        }

        return run >= length && run == span.Length;
    }

    private static bool TryHeading(string line, out string text)
    {
        text = string.Empty;
        var indent = LeadingSpaces(line);
        if (indent > 3)
        {
            return false;
        }

        var level = 0;
        while (indent + level < line.Length && line[indent + level] == '#')
        {
            level++;
        }

        var rest = indent + level;
        if (level is < 1 or > 6 || (rest < line.Length && line[rest] is not (' ' or '\t')))
        {
            return false;
        }

        var content = line.AsSpan(rest).Trim();
        var closing = content.TrimEnd('#');
        if (closing.Length == 0 || closing[^1] is ' ' or '\t')
        {
            content = closing.TrimEnd();
        }

        text = content.ToString();
        return true;
    }

    private static bool IsRule(string line)
    {
        var span = line.AsSpan().Trim();
        if (span.Length < 3 || span[0] is not ('-' or '*' or '_'))
        {
            return false;
        }

        var c = span[0];
        var count = 0;
        foreach (var ch in span)
        {
            if (ch == c)
            {
                count++;
            }
            else if (ch is not (' ' or '\t'))
            {
                return false;
            }
        }

        return count >= 3;
    }

    private static bool IsSetextUnderline(string line)
    {
        var span = line.AsSpan().Trim();
        return span.Length >= 2 && !span.ContainsAnyExcept('=');
    }

    private static bool TryQuote(string line, out string content)
    {
        content = string.Empty;
        var indent = LeadingSpaces(line);
        if (indent > 3 || indent >= line.Length || line[indent] != '>')
        {
            return false;
        }

        var rest = indent + 1;
        if (rest < line.Length && line[rest] == ' ')
        {
            rest++;
        }

        content = line[rest..];
        return true;
    }

    private static bool TryListItem(string line, out string prefix, out string item)
    {
        prefix = item = string.Empty;
        var indent = 0;
        while (indent < line.Length && line[indent] is ' ' or '\t')
        {
            indent++;
        }

        if (indent >= line.Length)
        {
            return false;
        }

        string marker;
        var after = indent;
        if (line[indent] is '-' or '*' or '+')
        {
            marker = "• ";
            after = indent + 1;
        }
        else
        {
            while (after < line.Length && char.IsAsciiDigit(line[after]) && after - indent < 9)
            {
                after++;
            }

            if (after == indent || after >= line.Length || line[after] is not ('.' or ')'))
            {
                return false;
            }

            marker = line[indent..after] + ". ";
            after++;
        }

        if (after < line.Length && line[after] is not (' ' or '\t'))
        {
            return false;
        }

        var text = line.AsSpan(after).TrimStart();
        if (text.StartsWith("[ ] ", StringComparison.Ordinal))
        {
            marker += "☐ ";
            text = text[4..];
        }
        else if (text.StartsWith("[x] ", StringComparison.OrdinalIgnoreCase))
        {
            marker += "☑ ";
            text = text[4..];
        }

        prefix = line[..indent] + marker;
        item = text.TrimEnd().ToString();
        return true;
    }

    private static bool IsTableDelimiter(string line)
    {
        var span = line.AsSpan().Trim();
        if (!span.Contains('-') || !span.Contains('|'))
        {
            return false;
        }

        foreach (var c in span)
        {
            if (c is not ('|' or '-' or ':' or ' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteTableRow(StringBuilder sb, string line)
    {
        var span = line.AsSpan().Trim();
        if (span.StartsWith('|'))
        {
            span = span[1..];
        }

        if (span.EndsWith('|'))
        {
            span = span[..^1];
        }

        var first = true;
        foreach (var range in span.Split('|'))
        {
            if (!first)
            {
                sb.Append(" | ");
            }

            TelegramMarkdownInline.Render(sb, span[range].Trim().ToString(), inLink: false);
            first = false;
        }
    }
}
