using CsCheck;
using OpenClaw.Channels.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramMarkdownTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "Hello", "Hello" },
        { "**bold** and __bold__", "<b>bold</b> and <b>bold</b>" },
        { "*italic* and _italic_", "<i>italic</i> and <i>italic</i>" },
        { "snake_case_names and __init__py stay", "snake_case_names and __init__py stay" },
        { "~~gone~~ but ~5 min", "<s>gone</s> but ~5 min" },
        { "`a < b && c > d`", "<code>a &lt; b &amp;&amp; c &gt; d</code>" },
        { "`**not bold**`", "<code>**not bold**</code>" },
        { "```csharp\nif (a < b && c > d) { }\n```", "<pre><code class=\"language-csharp\">if (a &lt; b &amp;&amp; c &gt; d) { }</code></pre>" },
        { "```\nplain *text*\n\n  indented\n```", "<pre>plain *text*\n\n  indented</pre>" },
        { "```py\nunclosed <fence>", "<pre><code class=\"language-py\">unclosed &lt;fence&gt;</code></pre>" },
        { "```\"><script>\ncode\n```", "<pre>code</pre>" },
        { "# Title\ntext", "<b>Title</b>\ntext" },
        { "## Sub *it* ##", "<b>Sub <i>it</i></b>" },
        { "Title\n===\nbody", "<b>Title</b>\nbody" },
        { "- one\n- **two**\n* three\n  - sub", "• one\n• <b>two</b>\n• three\n  • sub" },
        { "1. first\n2) second", "1. first\n2. second" },
        { "- [ ] todo\n- [x] done", "• ☐ todo\n• ☑ done" },
        { "> quoted *it*\n> more", "<blockquote>quoted <i>it</i>\nmore</blockquote>" },
        { "> outer\n> > inner", "<blockquote>outer\ninner</blockquote>" },
        { "> ```\n> x < y\n> ```", "<blockquote>x &lt; y</blockquote>" },
        { "[site](https://example.com/a?b=1&c=2)", "<a href=\"https://example.com/a?b=1&amp;c=2\">site</a>" },
        { "[x](https://e.com/\"onmouseover=\"alert(1))", "<a href=\"https://e.com/&quot;onmouseover=&quot;alert(1)\">x</a>" },
        { "[click](javascript:alert(1))", "click" },
        { "[click](JavaScript:alert(document.cookie))", "click" },
        { "[rel](./file.md)", "rel" },
        { "[me](mailto:a@b.c) [u](tg://user?id=1)", "<a href=\"mailto:a@b.c\">me</a> <a href=\"tg://user?id=1\">u</a>" },
        { "[a [b](http://x)](http://y)", "<a href=\"http://y\">a [b](http://x)</a>" },
        { "[**bold link**](http://e.com)", "<a href=\"http://e.com\"><b>bold link</b></a>" },
        { "[`code` link](http://e.com)", "<a href=\"http://e.com\">code link</a>" },
        { "<https://e.com/?a=1&b=2>", "<a href=\"https://e.com/?a=1&amp;b=2\">https://e.com/?a=1&amp;b=2</a>" },
        { "see https://x.com/_private_ and http://y.org/a*b*c.", "see https://x.com/_private_ and http://y.org/a*b*c." },
        { "**go to https://x.com/a_b**, (https://x.com/a_(b)_c).", "<b>go to https://x.com/a_b</b>, (https://x.com/a_(b)_c)." },
        { "<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;" },
        { "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;" },
        { "<b>not a tag</b> &amp; &lt;", "&lt;b&gt;not a tag&lt;/b&gt; &amp;amp; &amp;lt;" },
        { "Tom & Jerry <3 \"quoted\"", "Tom &amp; Jerry &lt;3 \"quoted\"" },
        { "**unclosed", "**unclosed" },
        { "*a **b _c ~~d `e", "*a **b _c ~~d `e" },
        { "**bold *mixed** end*", "<i><i>bold <i>mixed</i></i> end</i>" },
        { "***both***", "<i><b>both</b></i>" },
        { "**bold _and italic_**", "<b>bold <i>and italic</i></b>" },
        { "2 * 3 * 4", "2 * 3 * 4" },
        { "\\*not italic\\* \\<b\\>", "*not italic* &lt;b&gt;" },
        { "Para one.\n\n\n\nPara two.", "Para one.\n\nPara two." },
        { "| a | **b** |\n|---|:-:|\n| 1 | <2> |", "a | <b>b</b>\n1 | &lt;2&gt;" },
        { "![logo](https://e.com/l.png) ![x](javascript:alert(1))", "logo (https://e.com/l.png) x" },
        { "---", "———" },
        { "", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToHtml_Markdown_GivesTelegramHtml(string markdown, string expected)
    {
        var html = TelegramMarkdown.ToHtml(markdown);

        Assert.Equal(expected, html);
        Assert.Null(TelegramHtmlChecker.Problem(html, telegramNesting: true));
    }

    [Fact]
    public void ToHtml_WindowsLineEndings_AreLineBreaks()
    {
        Assert.Equal("<b>T</b>\n• a\n• b", TelegramMarkdown.ToHtml("# T\r\n- a\r\n- b\r\n"));
    }

    [Fact]
    public void ToHtml_EveryPrefixOfAStreamingReply_IsWellFormed()
    {
        const string reply = """
            # Plan

            Here is **what I found** in `config.json5` & the _logs_:

            1. The token is **missing**.
            2. The port <8080> is taken, see [docs](https://example.com/a?b=1&c="2").

            > Note: *do not* share secrets.

            | key | value |
            |-----|-------|
            | port | 8080 |

            ```bash
            curl -s "http://localhost:8080/?a=1&b=2" | jq '.x < 3'
            ```
            Done. ~~old~~ new ***very***.
            """;

        // A streamed reply is converted again at every edit: a half-written marker must never break the message.
        for (var length = 0; length <= reply.Length; length++)
        {
            var html = TelegramMarkdown.ToHtml(reply[..length]);
            var problem = TelegramHtmlChecker.Problem(html, telegramNesting: true);
            Assert.True(problem is null, $"{problem} at prefix {length}: {html}");
        }

        Assert.Contains("<a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">docs</a>", TelegramMarkdown.ToHtml(reply), StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_TenThousandNestedLinks_RendersWithoutDeepRecursion()
    {
        var markdown = new string('[', 10_000) + "x" + string.Concat(Enumerable.Repeat("](http://a)", 10_000));

        var html = TelegramMarkdown.ToHtml(markdown);

        Assert.Null(TelegramHtmlChecker.Problem(html, telegramNesting: true));
        Assert.Contains("x", TelegramHtmlChecker.TextOf(html), StringComparison.Ordinal);
    }

    private static readonly string[] s_fragments =
    [
        "**", "*", "_", "__", "~~", "~", "`", "``", "```", "```py\n", "```\n", "\n", "\n\n", "# ", "## ", "> ", ">", "- ", "* ",
        "1. ", "[", "]", "](", "(", ")", "![", "https://e.com/?a=1&b=\"2\"", "javascript:alert(1)", "tg://x", "<", ">", "&",
        "&amp;", "&lt;", "<b>", "</b>", "<a href=\"x\">", "</a>", "<https://e.com>", "|", "|---|", "---", "===", " ", "  ",
        "word", "snake_case_name", "\\", "\\*", "\"", "é", "🙂", "\u200D", "\uD800", "\t", "\r\n",
    ];

    private static readonly Gen<string> s_fragment = Gen.Frequency(
        (6, Gen.OneOfConst(s_fragments)),
        (2, Gen.Char.Array[1, 4].Select(c => new string(c))),
        (2, Gen.Char["abc xyz.,!?"].Array[1, 12].Select(c => new string(c))));

    /// <summary>Random Markdown: markers, brackets, angle brackets, ampersands, code fences, any unicode.</summary>
    internal static readonly Gen<string> RandomMarkdown = s_fragment.Array[0, 80].Select(string.Concat);

    [Fact]
    public void ToHtml_RandomMarkdown_IsAlwaysWellFormedTelegramHtml()
    {
        RandomMarkdown.Sample(
            markdown =>
            {
                var html = TelegramMarkdown.ToHtml(markdown);
                var problem = TelegramHtmlChecker.Problem(html, telegramNesting: true);
                Assert.True(problem is null, $"{problem}\nfrom {markdown}\ngave {html}");
            },
            iter: 5000,
            threads: 1);
    }

    [Fact]
    public void ToHtml_PlainTextWithAngleBracketsAndAmpersands_ShowsEveryCharacter()
    {
        Gen.Char["abcXYZ 0123<>&\";'é🙂"].Array[0, 100].Select(c => "x" + new string(c)).Sample(
            text =>
            {
                var html = TelegramMarkdown.ToHtml(text);
                Assert.Equal(text.TrimEnd(), TelegramHtmlChecker.TextOf(html));
            },
            iter: 2000,
            threads: 1);
    }
}
