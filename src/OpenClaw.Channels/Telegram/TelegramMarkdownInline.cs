using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>
/// Inline Markdown (emphasis, strikethrough, code spans, links, autolinks, images, backslash escapes) to Telegram HTML.
/// Emphasis follows CommonMark's delimiter-run rules (flanking, intraword <c>_</c>, the rule of three); a tag is only
/// ever written as one half of a matched pair, so the output is balanced whatever the input.
/// </summary>
internal static class TelegramMarkdownInline
{
    /// <summary>How far a link's text may reach: bounds the work each <c>[</c> costs.</summary>
    private const int MaxLabelLength = 1000;

    /// <summary>How far an autolink may reach.</summary>
    private const int MaxUrlLength = 2048;

    /// <summary>Appends the Telegram HTML of one block's inline <paramref name="text"/>.</summary>
    /// <param name="sb">Where the HTML goes.</param>
    /// <param name="text">The block's text, line breaks included.</param>
    /// <param name="inLink">Inside a link's text: no nested links or images (their brackets stay text, so recursion is one level deep) and no <c>&lt;code&gt;</c> (Telegram cannot nest them).</param>
    public static void Render(StringBuilder sb, string text, bool inLink)
    {
        var nodes = Tokenize(text, inLink);
        ProcessEmphasis(nodes);
        foreach (var node in nodes)
        {
            node.WriteTo(sb);
        }
    }

    private static List<Node> Tokenize(string text, bool inLink)
    {
        var nodes = new List<Node>();
        var pending = new StringBuilder();

        void Flush()
        {
            if (pending.Length > 0)
            {
                nodes.Add(Node.Html(TelegramHtml.Escape(pending.ToString())));
                pending.Clear();
            }
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case '\\' when i + 1 < text.Length && IsAsciiPunctuation(text[i + 1]):
                    pending.Append(text[i + 1]);
                    i += 2;
                    continue;
                case '`':
                {
                    var run = RunLength(text, i, '`');
                    var close = FindBacktickRun(text, i + run, run);
                    if (close < 0)
                    {
                        pending.Append('`', run);
                        i += run;
                        continue;
                    }

                    Flush();
                    var code = CodeSpanContent(text.AsSpan(i + run, close - i - run));
                    nodes.Add(Node.Html(inLink ? TelegramHtml.Escape(code) : "<code>" + TelegramHtml.Escape(code) + "</code>"));
                    i = close + run;
                    continue;
                }

                case '!' when !inLink && i + 1 < text.Length && text[i + 1] == '[' && TryParseLink(text, i + 1, out var alt, out var src, out var imageEnd):
                {
                    // Images cannot be shown inline: the alt text, then the address when it is a safe one.
                    var sbImage = new StringBuilder();
                    sbImage.Append(TelegramHtml.Escape(alt));
                    if (TelegramHtml.IsSafeUrl(src))
                    {
                        sbImage.Append(alt.Length > 0 ? " (" : "(").Append(TelegramHtml.Escape(src)).Append(')');
                    }

                    Flush();
                    nodes.Add(Node.Html(sbImage.ToString()));
                    i = imageEnd;
                    continue;
                }

                case '[' when !inLink && TryParseLink(text, i, out var label, out var href, out var linkEnd):
                {
                    Flush();
                    var inner = new StringBuilder();
                    Render(inner, label, inLink: true);
                    if (TelegramHtml.IsSafeUrl(href))
                    {
                        var a = new StringBuilder("<a href=\"");
                        TelegramHtml.AppendAttribute(a, href);
                        a.Append("\">");
                        a.Append(inner.Length > 0 ? inner.ToString() : TelegramHtml.Escape(href));
                        a.Append("</a>");
                        nodes.Add(Node.Html(a.ToString()));
                    }
                    else
                    {
                        // A link Telegram must not receive (javascript:, relative): its text only.
                        nodes.Add(Node.Html(inner.ToString()));
                    }

                    i = linkEnd;
                    continue;
                }

                case '<' when TryParseAutolink(text, i, out var url, out var autoEnd):
                {
                    Flush();
                    if (inLink)
                    {
                        nodes.Add(Node.Html(TelegramHtml.Escape(url)));
                    }
                    else
                    {
                        var a = new StringBuilder("<a href=\"");
                        TelegramHtml.AppendAttribute(a, url);
                        a.Append("\">").Append(TelegramHtml.Escape(url)).Append("</a>");
                        nodes.Add(Node.Html(a.ToString()));
                    }

                    i = autoEnd;
                    continue;
                }

                case '*' or '_':
                {
                    var run = RunLength(text, i, c);
                    Flush();
                    nodes.Add(Delimiter(text, i, run, c));
                    i += run;
                    continue;
                }

                case '~':
                {
                    var run = RunLength(text, i, c);
                    if (run == 2)
                    {
                        Flush();
                        nodes.Add(Delimiter(text, i, run, c));
                    }
                    else
                    {
                        pending.Append('~', run);
                    }

                    i += run;
                    continue;
                }

                case 'h' or 'H' when BareUrlLength(text, i) is var urlLength and > 0:
                    // A bare address is text Telegram links by itself: its underscores and stars are not emphasis.
                    pending.Append(text, i, urlLength);
                    i += urlLength;
                    continue;

                default:
                    pending.Append(c);
                    i++;
                    continue;
            }
        }

        Flush();
        return nodes;
    }

    private static Node Delimiter(string text, int start, int run, char c)
    {
        var before = start > 0 ? text[start - 1] : ' ';
        var after = start + run < text.Length ? text[start + run] : ' ';
        var leftFlanking = !char.IsWhiteSpace(after)
            && (!IsPunctuation(after) || char.IsWhiteSpace(before) || IsPunctuation(before));
        var rightFlanking = !char.IsWhiteSpace(before)
            && (!IsPunctuation(before) || char.IsWhiteSpace(after) || IsPunctuation(after));
        bool canOpen, canClose;
        if (c == '_')
        {
            canOpen = leftFlanking && (!rightFlanking || IsPunctuation(before));
            canClose = rightFlanking && (!leftFlanking || IsPunctuation(after));
        }
        else
        {
            canOpen = leftFlanking;
            canClose = rightFlanking;
        }

        return Node.Delimiter(c, run, canOpen, canClose);
    }

    /// <summary>CommonMark's "process emphasis": pairs closers with the nearest eligible opener, innermost first.</summary>
    private static void ProcessEmphasis(List<Node> nodes)
    {
        var delimiters = new List<Node>();
        foreach (var node in nodes)
        {
            if (node.Kind == NodeKind.Delimiter)
            {
                delimiters.Add(node);
            }
        }

        // Where the search for an opener stops, per (character, closer can open, closer length mod 3): keeps it linear.
        var bottoms = new Dictionary<(char, bool, int), int>();
        for (var c = 0; c < delimiters.Count; c++)
        {
            var closer = delimiters[c];
            if (!closer.CanClose || !closer.Active)
            {
                continue;
            }

            while (closer.Count > 0)
            {
                var key = (closer.Char, closer.CanOpen, closer.OriginalCount % 3);
                var bottom = bottoms.TryGetValue(key, out var b) ? b : -1;
                var openerIndex = -1;
                for (var k = c - 1; k > bottom; k--)
                {
                    var opener = delimiters[k];
                    if (opener.Active && opener.CanOpen && opener.Char == closer.Char && opener.Count > 0 && !BreaksRuleOfThree(opener, closer))
                    {
                        openerIndex = k;
                        break;
                    }
                }

                if (openerIndex < 0)
                {
                    bottoms[key] = c - 1;
                    if (!closer.CanOpen)
                    {
                        closer.Active = false;
                    }

                    break;
                }

                var match = delimiters[openerIndex];
                var use = closer.Char == '~' ? 2 : match.Count >= 2 && closer.Count >= 2 ? 2 : 1;
                var tag = closer.Char == '~' ? "s" : use == 2 ? "b" : "i";
                match.Count -= use;
                closer.Count -= use;
                match.OpenTags.Add(tag);
                closer.CloseTags.Add(tag);
                for (var k = openerIndex + 1; k < c; k++)
                {
                    delimiters[k].Active = false;
                }

                if (match.Count == 0)
                {
                    match.Active = false;
                }
            }

            if (closer.Count == 0)
            {
                closer.Active = false;
            }
        }
    }

    private static bool BreaksRuleOfThree(Node opener, Node closer) =>
        (opener.CanClose || closer.CanOpen)
        && (opener.OriginalCount + closer.OriginalCount) % 3 == 0
        && !(opener.OriginalCount % 3 == 0 && closer.OriginalCount % 3 == 0);

    private static int RunLength(string text, int start, char c)
    {
        var end = start;
        while (end < text.Length && text[end] == c)
        {
            end++;
        }

        return end - start;
    }

    /// <summary>The start of the next run of exactly <paramref name="length"/> backticks at or after <paramref name="from"/>, or -1.</summary>
    private static int FindBacktickRun(string text, int from, int length)
    {
        var i = from;
        while (i < text.Length)
        {
            if (text[i] != '`')
            {
                i++;
                continue;
            }

            var run = RunLength(text, i, '`');
            if (run == length)
            {
                return i;
            }

            i += run;
        }

        return -1;
    }

    private static string CodeSpanContent(ReadOnlySpan<char> raw)
    {
        var content = raw.ToString().Replace('\n', ' ');
        if (content.Length >= 2 && content[0] == ' ' && content[^1] == ' ' && content.AsSpan().ContainsAnyExcept(' '))
        {
            content = content[1..^1];
        }

        return content;
    }

    /// <summary>Parses <c>[label](destination "title")</c> starting at the <c>[</c>.</summary>
    private static bool TryParseLink(string text, int open, out string label, out string destination, out int end)
    {
        label = destination = string.Empty;
        end = open;
        var depth = 0;
        var i = open;
        var closeBracket = -1;
        var limit = Math.Min(text.Length, open + MaxLabelLength);
        for (; i < limit; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                closeBracket = i;
                break;
            }
        }

        if (closeBracket < 0 || closeBracket + 1 >= text.Length || text[closeBracket + 1] != '(')
        {
            return false;
        }

        i = closeBracket + 2;
        SkipSpaces(text, ref i);
        var destStart = i;
        string dest;
        if (i < text.Length && text[i] == '<')
        {
            var gt = text.IndexOf('>', i + 1);
            if (gt < 0 || text.AsSpan(i + 1, gt - i - 1).ContainsAny('\n', '<'))
            {
                return false;
            }

            dest = text[(i + 1)..gt];
            i = gt + 1;
        }
        else
        {
            var parens = 0;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsControl(text[i]))
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i += 2;
                    continue;
                }

                if (text[i] == '(')
                {
                    parens++;
                }
                else if (text[i] == ')')
                {
                    if (parens == 0)
                    {
                        break;
                    }

                    parens--;
                }

                i++;
            }

            dest = text[destStart..i];
        }

        SkipSpaces(text, ref i);
        if (i < text.Length && text[i] is '"' or '\'')
        {
            var quote = text[i];
            var closeQuote = text.IndexOf(quote, i + 1);
            if (closeQuote < 0)
            {
                return false;
            }

            i = closeQuote + 1;
            SkipSpaces(text, ref i);
        }

        if (i >= text.Length || text[i] != ')')
        {
            return false;
        }

        label = text[(open + 1)..closeBracket];
        destination = dest;
        end = i + 1;
        return true;
    }

    /// <summary>Parses <c>&lt;scheme:address&gt;</c> with a safe scheme, starting at the <c>&lt;</c>.</summary>
    private static bool TryParseAutolink(string text, int open, out string url, out int end)
    {
        url = string.Empty;
        end = open;
        var gt = text.IndexOf('>', open + 1, Math.Min(text.Length - open - 1, MaxUrlLength));
        if (gt < 0)
        {
            return false;
        }

        var candidate = text.AsSpan(open + 1, gt - open - 1);
        if (candidate.Contains('<') || !TelegramHtml.IsSafeUrl(candidate))
        {
            return false;
        }

        url = candidate.ToString();
        end = gt + 1;
        return true;
    }

    /// <summary>The length of a bare http(s) address starting a word at <paramref name="start"/>, without trailing punctuation; 0 if none.</summary>
    private static int BareUrlLength(string text, int start)
    {
        if (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] != '(')
        {
            return 0;
        }

        var rest = text.AsSpan(start);
        if (!rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        var end = rest.IndexOfAny(" \t\n<");
        var url = end < 0 ? rest : rest[..end];
        while (url.Length > 0)
        {
            var last = url[^1];
            if (last is '.' or ',' or ':' or ';' or '!' or '?' or '\'' or '"' or '*' or '_' or '~' or '`')
            {
                url = url[..^1];
            }
            else if (last == ')' && url.Count(')') > url.Count('('))
            {
                url = url[..^1];
            }
            else
            {
                break;
            }
        }

        return url.Length > "https://".Length ? url.Length : 0;
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or '\n')
        {
            i++;
        }
    }

    private static bool IsAsciiPunctuation(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private static bool IsPunctuation(char c) => char.IsPunctuation(c) || char.IsSymbol(c);

    private enum NodeKind
    {
        Html,
        Delimiter,
    }

    /// <summary>A piece of ready HTML, or a run of <c>*</c>, <c>_</c> or <c>~~</c> that may become tags.</summary>
    private sealed class Node
    {
        private Node(NodeKind kind) => Kind = kind;

        public NodeKind Kind { get; }

        public string Text { get; private init; } = string.Empty;

        public char Char { get; private init; }

        public int OriginalCount { get; private init; }

        public int Count { get; set; }

        public bool CanOpen { get; private init; }

        public bool CanClose { get; private init; }

        public bool Active { get; set; } = true;

        public List<string> OpenTags { get; } = [];

        public List<string> CloseTags { get; } = [];

        public static Node Html(string html) => new(NodeKind.Html) { Text = html };

        public static Node Delimiter(char c, int count, bool canOpen, bool canClose) => new(NodeKind.Delimiter)
        {
            Char = c, OriginalCount = count, Count = count, CanOpen = canOpen, CanClose = canClose,
        };

        public void WriteTo(StringBuilder sb)
        {
            if (Kind == NodeKind.Html)
            {
                sb.Append(Text);
                return;
            }

            // Used as a closer the run gives up its leftmost characters, as an opener its rightmost; what is left is text.
            foreach (var tag in CloseTags)
            {
                sb.Append("</").Append(tag).Append('>');
            }

            sb.Append(Char, Count);
            for (var t = OpenTags.Count - 1; t >= 0; t--)
            {
                sb.Append('<').Append(OpenTags[t]).Append('>');
            }
        }
    }
}
