using System.Text;
using CsCheck;
using OpenClaw.Channels.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramChunkerTests
{
    [Theory]
    [InlineData("")]
    [InlineData(" \n\n \t")]
    [InlineData("<b> </b>\n")]
    public void Split_EmptyOrBlank_GivesNoParts(string html)
    {
        Assert.Empty(TelegramChunker.Split(html));
    }

    [Fact]
    public void Split_ShortMessage_IsOnePartUnchanged()
    {
        const string html = "<b>Hi</b> &amp; <a href=\"https://e.com/?a=1&amp;b=2\">link</a>\n<pre><code class=\"language-cs\">x &lt; y</code></pre>";

        Assert.Equal([html], TelegramChunker.Split(html));
    }

    [Fact]
    public void Split_TooSmallLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TelegramChunker.Split("text", TelegramChunker.MinLength - 1));
    }

    [Fact]
    public void Split_TwoParagraphs_SplitsBetweenThem()
    {
        var first = "First paragraph. " + new string('a', 30) + ".\nSecond line of it.";
        var second = "Second paragraph with words.";

        var parts = TelegramChunker.Split(first + "\n\n" + second, first.Length + 10);

        Assert.Equal([first, second], parts);
    }

    [Fact]
    public void Split_NoParagraphBreak_PrefersLineThenSentenceThenWord()
    {
        Assert.Equal(["line one is here and longer", "line two"], TelegramChunker.Split("line one is here and longer\nline two", 32));
        Assert.Equal(["One sentence here.", "Two words and more."], TelegramChunker.Split("One sentence here. Two words and more.", 32));
        Assert.Equal(["One sentence is here.", "Then a long second one."], TelegramChunker.Split("One sentence is here. Then a long second one.", 40));
        Assert.Equal(["alpha beta gamma delta epsilon", "zeta"], TelegramChunker.Split("alpha beta gamma delta epsilon zeta", 32));
    }

    [Fact]
    public void Split_OneLongWord_HardSplitsAtTheLimit()
    {
        var word = new string('x', 100);

        var parts = TelegramChunker.Split(word, 40);

        Assert.Equal([new string('x', 40), new string('x', 40), new string('x', 20)], parts);
    }

    [Fact]
    public void Split_Entities_AreNeverCut()
    {
        var html = string.Concat(Enumerable.Repeat("&amp;&lt;&quot;&gt;", 30));

        var parts = TelegramChunker.Split(html, 33);

        Assert.All(parts, p => Assert.Null(TelegramHtmlChecker.Problem(p, telegramNesting: true)));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 33));
        Assert.Equal(TelegramHtmlChecker.TextOf(html), string.Concat(parts.Select(TelegramHtmlChecker.TextOf)));
    }

    [Fact]
    public void Split_BoldAcrossTheSplit_IsClosedAndReopened()
    {
        var parts = TelegramChunker.Split("<b>one two three four five six seven eight nine ten</b>", 40);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.StartsWith("<b>", p, StringComparison.Ordinal));
        Assert.All(parts, p => Assert.EndsWith("</b>", p, StringComparison.Ordinal));
        Assert.Equal("one two three four five six seven eight nine ten", string.Join(' ', parts.Select(TelegramHtmlChecker.TextOf)));
    }

    [Fact]
    public void Split_CodeBlock_StaysACodeBlockWithItsLanguageInEveryPart()
    {
        var lines = Enumerable.Range(0, 40).Select(i => $"if (x{i} < y && z) return;").ToList();
        var html = TelegramMarkdown.ToHtml("```csharp\n" + string.Join('\n', lines) + "\n```");

        var parts = TelegramChunker.Split(html, 200);

        Assert.True(parts.Count > 5);
        foreach (var part in parts)
        {
            Assert.StartsWith("<pre><code class=\"language-csharp\">", part, StringComparison.Ordinal);
            Assert.EndsWith("</code></pre>", part, StringComparison.Ordinal);
            Assert.InRange(part.Length, 1, 200);
            Assert.Null(TelegramHtmlChecker.Problem(part, telegramNesting: true));
        }

        // Split on line breaks: every line arrives whole.
        Assert.Equal(lines, parts.SelectMany(p => TelegramHtmlChecker.TextOf(p).Split('\n')));
    }

    [Fact]
    public void Split_LinkWithHugeAddress_DropsTheLinkKeepsTheText()
    {
        var html = "see <a href=\"https://e.com/" + new string('a', 3000) + "\">the docs</a> now";

        var parts = TelegramChunker.Split(html);

        Assert.Equal(["see the docs now"], parts);
    }

    [Fact]
    public void Split_BrokenHtml_IsRepairedIntoWellFormedParts()
    {
        var parts = TelegramChunker.Split("<b>bold <i>both</b> after</i> <img src=x> a & b </s>");

        var part = Assert.Single(parts);
        Assert.Equal("<b>bold <i>both</i></b> after &lt;img src=x&gt; a &amp; b", part);
    }

    [Fact]
    public void Split_TwentyThousandCharacterReply_PartsFitAndCoverEverything()
    {
        var markdown = LongReply(20_000);
        var html = TelegramMarkdown.ToHtml(markdown);
        Assert.True(html.Length >= 20_000);

        var parts = TelegramChunker.Split(html);

        Assert.InRange(parts.Count, 5, 8);
        foreach (var part in parts)
        {
            Assert.InRange(part.Length, 1, TelegramChunker.MaxLength);
            Assert.Null(TelegramHtmlChecker.Problem(part, telegramNesting: true));
        }

        var whole = TelegramHtmlChecker.TextOf(html);
        var texts = parts.Select(TelegramHtmlChecker.TextOf).ToList();
        Assert.Equal(TelegramHtmlChecker.NoWhitespace(whole), TelegramHtmlChecker.NoWhitespace(string.Concat(texts)));

        // Every split falls on a line or paragraph break of the reply: no word, code line or sentence is cut.
        var position = 0;
        foreach (var text in texts.SkipLast(1))
        {
            position = whole.IndexOf(text, position, StringComparison.Ordinal);
            Assert.True(position >= 0, "each part's text appears, in order, in the reply");
            position += text.Length;
            Assert.Equal('\n', whole[position]);
        }
    }

    [Fact]
    public void Split_RandomMarkdown_PartsFitAreWellFormedAndCoverTheText()
    {
        Gen.Select(TelegramMarkdownTests.RandomMarkdown.Array[1, 6].Select(string.Concat), Gen.Int[TelegramChunker.MinLength, 300]).Sample(
            (markdown, maxLength) =>
            {
                var html = TelegramMarkdown.ToHtml(markdown);
                var parts = TelegramChunker.Split(html, maxLength);
                CheckParts(html, parts, maxLength, telegramNesting: true);
            },
            iter: 3000,
            threads: 1);
    }

    private static readonly string[] s_soup =
    [
        "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<code>", "</code>", "<pre>", "</pre>", "<blockquote>",
        "<blockquote expandable>", "</blockquote>", "<tg-spoiler>", "</tg-spoiler>", "<a href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\">",
        "<a href=\"x\">", "</a>", "<code class=\"language-py\">", "<a>", "<img src=x onerror=alert(1)>", "<script>", "</div>", "<",
        ">", "&", "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#39;", "&am", "\"", "\n", "\n\n", " ", ". ", "word", "🙂", "\uDC00",
    ];

    private static readonly Gen<string> s_tagSoup = Gen.Frequency(
        (6, Gen.OneOfConst(s_soup)),
        (2, Gen.Char.Array[1, 5].Select(c => new string(c))),
        (3, Gen.Char["abcdefgh .,"].Array[1, 40].Select(c => new string(c)))).Array[0, 120].Select(string.Concat);

    [Fact]
    public void Split_AnyInput_PartsFitAreWellFormedAndCoverTheText()
    {
        Gen.Select(s_tagSoup, Gen.Int[TelegramChunker.MinLength, 300]).Sample(
            (html, maxLength) => CheckParts(html, TelegramChunker.Split(html, maxLength), maxLength, telegramNesting: false),
            iter: 3000,
            threads: 1);
    }

    private static void CheckParts(string html, IReadOnlyList<string> parts, int maxLength, bool telegramNesting)
    {
        foreach (var part in parts)
        {
            Assert.True(part.Length <= maxLength, $"part of {part.Length} > {maxLength}: {part}\nfrom {html}");
            var problem = TelegramHtmlChecker.Problem(part, telegramNesting);
            Assert.True(problem is null, $"{problem}\nin part {part}\nfrom {html}");
            Assert.False(string.IsNullOrWhiteSpace(TelegramHtmlChecker.TextOf(part)), $"blank part {part}\nfrom {html}");
        }

        var expected = TelegramHtmlChecker.NoWhitespace(TelegramHtmlChecker.Lenient(html));
        var actual = TelegramHtmlChecker.NoWhitespace(string.Concat(parts.Select(TelegramHtmlChecker.TextOf)));
        Assert.True(expected == actual, $"text differs:\n{expected}\n{actual}\nfrom {html}\nparts:\n{string.Join("\n---\n", parts)}");
    }

    /// <summary>A long model reply: headings, paragraphs with formatting, lists, quotes and code blocks with &lt; and &amp;.</summary>
    private static string LongReply(int length)
    {
        var sb = new StringBuilder();
        var n = 0;
        while (sb.Length < length)
        {
            n++;
            sb.Append("## Section ").Append(n).Append("\n\n");
            sb.Append("This is **paragraph ").Append(n).Append("** with _some emphasis_, `inline <code> & more`, and a ")
                .Append("[link](https://example.com/?q=").Append(n).Append("&x=1). ");
            for (var s = 0; s < 8; s++)
            {
                sb.Append("Sentence ").Append(s).Append(" keeps going with several words & symbols < > to fill the line. ");
            }

            sb.Append("\n\n- item one with ~~strike~~\n- item two\n1. first\n2. second\n\n");
            sb.Append("> A quote about *things* & stuff\n> on two lines\n\n");
            sb.Append("```python\n");
            for (var l = 0; l < 12; l++)
            {
                sb.Append("if a < b and c & d: print(\"line ").Append(l).Append("\")\n");
            }

            sb.Append("```\n\n");
        }

        return sb.ToString();
    }
}
