using System.Text;
using System.Text.RegularExpressions;

namespace OpenClaw.Channels.Tests.Telegram;

/// <summary>
/// An independent reader of Telegram's HTML subset for the tests: says why a string is not well-formed (an unknown
/// tag, a raw <c>&lt;</c> or <c>&gt;</c>, an <c>&amp;</c> that is not one of the four entities, a closing tag that does
/// not match, a tag left open), and what text a user would see.
/// </summary>
internal static partial class TelegramHtmlChecker
{
    [GeneratedRegex("""\G(?:<(?<open>b|i|u|s|code|pre|blockquote|tg-spoiler)>|<(?<open>a) href="(?:[^"<>&]|&(?:lt|gt|amp|quot);)*">|<(?<open>code) class="(?:[^"<>&]|&(?:lt|gt|amp|quot);)*">|<(?<open>blockquote) expandable>|</(?<close>b|i|u|s|code|pre|blockquote|tg-spoiler|a)>)""")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\G&(?:lt|gt|amp|quot);")]
    private static partial Regex Entity();

    /// <summary>Null when <paramref name="html"/> is well-formed; otherwise what is wrong and where.</summary>
    /// <param name="html">The HTML.</param>
    /// <param name="telegramNesting">Also enforce what Telegram can nest: nothing inside code or pre (but pre's own code), no link in a link, no quote in a quote, pre only at the top.</param>
    public static string? Problem(string html, bool telegramNesting)
    {
        var stack = new Stack<string>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var m = Tag().Match(html, i);
                if (!m.Success)
                {
                    return $"raw '<' or unknown tag at {i}: {Around(html, i)}";
                }

                if (m.Groups["open"].Success)
                {
                    var name = m.Groups["open"].Value;
                    if (telegramNesting && NestingProblem(stack, name) is { } nesting)
                    {
                        return $"{nesting} at {i}: {Around(html, i)}";
                    }

                    stack.Push(name);
                }
                else
                {
                    var name = m.Groups["close"].Value;
                    if (stack.Count == 0 || stack.Peek() != name)
                    {
                        return $"</{name}> does not close {(stack.Count == 0 ? "anything" : "<" + stack.Peek() + ">")} at {i}: {Around(html, i)}";
                    }

                    stack.Pop();
                }

                i += m.Length;
                continue;
            }

            if (c == '>')
            {
                return $"raw '>' at {i}: {Around(html, i)}";
            }

            if (c == '&')
            {
                var m = Entity().Match(html, i);
                if (!m.Success)
                {
                    return $"'&' that is not an entity at {i}: {Around(html, i)}";
                }

                i += m.Length;
                continue;
            }

            i++;
        }

        return stack.Count == 0 ? null : $"<{stack.Peek()}> never closed";
    }

    private static string? NestingProblem(Stack<string> stack, string name)
    {
        if (stack.Count > 0 && stack.Peek() is "code" or "pre" && !(name == "code" && stack.Peek() == "pre"))
        {
            return $"<{name}> inside <{stack.Peek()}>";
        }

        if (name == "pre" && stack.Count > 0)
        {
            return "<pre> not at the top";
        }

        if (name is "a" or "blockquote" && stack.Contains(name))
        {
            return $"<{name}> inside <{name}>";
        }

        return name == "code" && stack.Contains("a") ? "<code> inside <a>" : null;
    }

    /// <summary>What a user sees of well-formed <paramref name="html"/>: tags removed, entities decoded.</summary>
    public static string TextOf(string html) => Lenient(html);

    /// <summary>
    /// The text of any string read the way the chunker documents: Telegram tags removed, the four entities decoded,
    /// everything else (unknown tags, stray <c>&lt;</c>, <c>&amp;</c>) literal.
    /// </summary>
    public static string Lenient(string html)
    {
        var sb = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            if (html[i] == '<' && Tag().Match(html, i) is { Success: true } tag)
            {
                i += tag.Length;
                continue;
            }

            if (html[i] == '&' && Entity().Match(html, i) is { Success: true } entity)
            {
                sb.Append(entity.Value switch { "&lt;" => '<', "&gt;" => '>', "&amp;" => '&', _ => '"' });
                i += entity.Length;
                continue;
            }

            sb.Append(html[i]);
            i++;
        }

        return sb.ToString();
    }

    /// <summary>The text with all whitespace removed, to compare content across splits.</summary>
    public static string NoWhitespace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string Around(string html, int i)
    {
        var from = Math.Max(0, i - 30);
        return html[from..Math.Min(html.Length, i + 30)];
    }
}
