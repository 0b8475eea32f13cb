using System.Diagnostics;
using System.Text;
using CsCheck;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Config.Json5;

/// <summary>
/// Property tests over random and hostile input: the reader returns or throws <see cref="Json5Exception"/> with a
/// consistent position, never anything else, and every parse finishes within a bound (a hang fails the test).
/// </summary>
public sealed class Json5ReaderFuzzTests
{
    /// <summary>How long the fuzzer runs; CI time is the budget.</summary>
    private const int BudgetSeconds = 10;

    /// <summary>Far above what a 2 MB input needs (milliseconds), far below what a quadratic or stuck parse takes.</summary>
    private static readonly TimeSpan s_parseBound = TimeSpan.FromSeconds(2);

    private const string Alphabet = "{}[]:,'\"\\/*\n\r\t .+-0123456789xXeEabfnrtuvINaluse$_\u2028\u00A0\uFEFF\u0301\uD800\uDC00é";

    private static readonly Gen<string> s_alphabetSoup = Gen.Char[Alphabet].Array[0, 300].Select(c => new string(c));

    private static readonly Gen<string> s_anyChars = Gen.Char.Array[0, 100].Select(c => new string(c));

    private static readonly Gen<string> s_mutated = Gen.Int.Select(seed => new Json5Corpus(new Random(seed)).Mutated());

    private static readonly Gen<string> s_deep = Gen.Select(Gen.Int[1, 100_000], Gen.Int[0, 3], Gen.Bool, Deep);

    private static readonly Gen<string> s_huge = Gen.Select(Gen.Int[0, 7], Gen.Int[50_000, 1_000_000], Gen.Bool, Huge);

    private static readonly Gen<string> s_inputs = Gen.Frequency(
        (30, s_alphabetSoup), (10, s_anyChars), (40, s_mutated), (10, s_deep), (1, s_huge));

    [Fact]
    public async Task Parse_RandomAndHostileInput_ReturnsOrThrowsJson5ExceptionWithinBound()
    {
        var output = TestContext.Current.TestOutputHelper;
        var run = Task.Run(
            () => s_inputs.Sample(ParseWithinBound, writeLine: s => output?.WriteLine(s), time: BudgetSeconds, threads: 1, print: Describe),
            TestContext.Current.CancellationToken);

        // A parse that never returns leaves Sample running: the wait times out and the test fails instead of hanging.
        await run.WaitAsync(TimeSpan.FromSeconds(BudgetSeconds) + TestTimeouts.Default, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Parse_GeneratedValidDocuments_AlwaysSucceedUnlessKeysRepeat()
    {
        Gen.Int.Sample(
            seed =>
            {
                var text = new Json5Corpus(new Random(seed)).Valid();
                try
                {
                    Json5Reader.Parse(text);
                }
                catch (Json5Exception ex) when (ex.Reason.StartsWith("duplicate key", StringComparison.Ordinal))
                {
                    // Valid JSON5, rejected on purpose.
                }
            },
            iter: 2000,
            threads: 1);
    }

    [Fact]
    public void Parse_MillionNestedArraysWithoutDepthLimit_DoesNotOverflowTheStack()
    {
        const int depth = 1_000_000;
        var text = new string('[', depth) + new string(']', depth);

        var node = Json5Reader.Parse(text, new Json5ReaderOptions { MaxDepth = int.MaxValue });

        for (var i = 0; i < depth - 1; i++)
        {
            node = Assert.Single(Assert.IsType<Json5Array>(node).Items);
        }

        Assert.Empty(Assert.IsType<Json5Array>(node).Items);
    }

    private static void ParseWithinBound(string text)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var node = Json5Reader.Parse(text);
            Assert.InRange(node.Span.End.Offset, 1, text.Length);
            Assert.Equal(PositionOf(text, node.Span.Start.Offset), node.Span.Start);
        }
        catch (Json5Exception ex)
        {
            // Any other exception escapes and fails the property; this one must point inside (or just past) the text.
            Assert.InRange(ex.Position.Offset, 0, text.Length);
            Assert.Equal(PositionOf(text, ex.Position.Offset), ex.Position);
            Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
        }

        Assert.True(clock.Elapsed < s_parseBound, $"parsing {text.Length} characters took {clock.Elapsed}");
    }

    /// <summary>The position of an offset, counting LF, CRLF, CR, U+2028 and U+2029 as line breaks.</summary>
    private static TextPosition PositionOf(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new TextPosition(offset, line, offset - lineStart + 1);
    }

    private static string Deep(int depth, int shape, bool closed)
    {
        var (open, close) = shape switch
        {
            0 => ("[", "]"),
            1 => ("{a:", "}"),
            2 => ("[{'k':", "}]"),
            _ => ("/*c*/[", "]//\n"),
        };
        var sb = new StringBuilder(depth * (open.Length + close.Length) + 1);
        for (var i = 0; i < depth; i++)
        {
            sb.Append(open);
        }

        sb.Append(shape is 1 or 2 ? "1" : "");
        if (closed)
        {
            for (var i = 0; i < depth; i++)
            {
                sb.Append(close);
            }
        }

        return sb.ToString();
    }

    private static string Huge(int kind, int size, bool complete)
    {
        var text = kind switch
        {
            0 => "'" + new string('a', size) + "'",
            1 => "\"" + string.Concat(Enumerable.Repeat("\\u00e9\\n\\\n", size / 9)) + "\"",
            2 => new string('9', size) + ".5e1",
            3 => "0x" + new string('F', size),
            4 => "/*" + new string('*', size) + "*/1",
            5 => "{" + string.Join(",", Enumerable.Range(0, size / 10).Select(i => $"k{i}:{i}")) + "}",
            6 => "{" + new string('k', size) + ":1}",
            _ => "[" + string.Concat(Enumerable.Repeat(" \n\u2028\t", size / 4)) + "]",
        };

        // The incomplete variant ends mid-token, which exercises every "unterminated" path on a long input.
        return complete ? text : text[..^2];
    }

    private static string Describe(string text) =>
        text.Length <= 300 ? Json5Writer.FormatString(text) : $"{Json5Writer.FormatString(text[..300])}... ({text.Length} chars)";
}
