using System.Text;

namespace OpenClaw.Core.Tests.Config.Json5;

/// <summary>
/// Differential tests against the reference implementation, npm json5 2.2.3 (installed in tests/oracle): thousands of
/// generated valid and broken documents must give the same value, or be rejected by both. Node.js is required.
/// </summary>
public sealed class Json5ReaderOracleTests
{
    private const int Seed = 20261124;

    /// <summary>Hand-picked edge cases, in addition to the generated corpus.</summary>
    private static readonly string[] s_edgeCases =
    [
        "", " ", "//", "/**/", "/* */1", "1//", "1/", "/1", "/*", "/* *", "-", "+", ".", "..", "0x", "0X", "01", "-01",
        "00", "0.", ".0", "1e", "1e+", "1e-", ".e1", "1.e1", "0e", "0x1.5", "0xg", "1x", "+-1", "--1", "- 1", "Infinity",
        "-Infinity", "+NaN", "Inf", "infinity", "nan", "NaNx", "tru", "truex", "nul", "null1", "[", "]", "{", "}", "[,]",
        "[1,,]", "[1,]", "{,}", "{a:1,}", "{a:1,,}", "{a}", "{a:}", "{:1}", "{1:1}", "{-a:1}", "{'a' 1}", "{a b:1}",
        "{\\u0061:1}", "{\\u0031:1}", "{a\\u0031:1}", "{\\x61:1}", "{\\u00:1}", "{a\\u200C:1}", "{\\u200C:1}",
        "{$:1, _:2, \\u0024\\u005f:3}", "'\\0'", "'\\00'", "'\\01'", "'\\08'", "'\\1'", "'\\9'", "'\\x'", "'\\x4'",
        "'\\x4g'", "'\\u'", "'\\u12'", "'\\u12345'", "'\\uD800\\uDC00'", "'\\uDC00\\uD800'", "'\\\n'", "'\\\r\n'",
        "'\\\r'", "'\\\u2028'", "'a\nb'", "'a\rb'", "'a\u2028b'", "'a\u2029b'", "'\\", "'\\'", "\"'\"", "'\"'",
        "'\\q\\w\\e'", "\"\t\"", "\"\u0000\"", "\uFEFF1", "\u00A01\u3000", "1\u2028", "\u180E1", "\u200B1", "\u00851",
        "[1]x", "{}{}", "[][]", "1 2", "'a' 'b'", "{a:1}/", "{a:1}//", "{a:1}/*", "true false", "null,",
        "{\"a\":1,\"a\":2}", "{a:{b:1,b:2}}", "[{a:1},{a:2}]", "{a:1,\"a\":2,'a':3}", "{a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,a:9}",
        "{a:1,a:2 b}", "0x" + new string('F', 300), "1" + new string('0', 400), "0." + new string('0', 400) + "1",
        "{𝑥:1}", "{a𝟎:1}", "{\uD835:1}", "{a\uDC00:1}", "'\uD800'", "[\uD800]",
    ];

    [Fact]
    public async Task Parse_GeneratedCorpus_AgreesWithNpmJson5()
    {
        var random = new Random(Seed);
        var corpus = new Json5Corpus(random);
        var documents = new List<string>(s_edgeCases);
        for (var i = 0; i < 3000; i++)
        {
            documents.Add(corpus.Valid());
            documents.Add(corpus.Mutated());
        }

        var expected = await NodeJson5Oracle.RunAsync(documents, TestContext.Current.CancellationToken);

        var mismatches = new StringBuilder();
        var count = 0;
        var accepted = 0;
        var duplicates = 0;
        var positions = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            var ours = NodeJson5Oracle.Verdict(documents[i], out var duplicateKey, out var errorOffset);
            var theirs = expected[i];
            accepted += theirs.StartsWith("ok ", StringComparison.Ordinal) ? 1 : 0;
            duplicates += duplicateKey ? 1 : 0;
            if (!Agrees(documents[i], ours, errorOffset, theirs, ref positions) && ++count <= 15)
            {
                mismatches.Append("\n  document ").Append(NodeJson5Oracle.QuoteAscii(documents[i]))
                    .Append("\n    ours:   ").Append(ours)
                    .Append("\n    json5:  ").Append(theirs);
            }
        }

        Assert.True(count == 0, $"{count} of {documents.Count} documents differ from npm json5:{mismatches}");

        // The corpus must exercise both sides, duplicates and error positions, or agreement proves little.
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{documents.Count} documents: {accepted} accepted by json5, {duplicates} with duplicate keys, " +
            $"{positions} error positions compared");
        Assert.InRange(accepted, documents.Count / 3, documents.Count * 4 / 5);
        Assert.InRange(duplicates, 50, documents.Count);
        Assert.InRange(positions, documents.Count / 6, documents.Count);
    }

    /// <summary>
    /// Same value, or both reject. Where both report an unexpected character or end of input, the positions must match
    /// too, once ours is restated the way json5 counts: it breaks lines only at LF (we also break at CR, U+2028 and
    /// U+2029), and puts a bad LF at column 0 of the next line.
    /// </summary>
    private static bool Agrees(string document, string ours, int errorOffset, string theirs, ref int positionsCompared)
    {
        var ourReject = ours.StartsWith("reject ", StringComparison.Ordinal);
        var theirReject = theirs.StartsWith("reject ", StringComparison.Ordinal);
        if (ourReject != theirReject)
        {
            return false;
        }

        if (!ourReject)
        {
            return ours == theirs;
        }

        var ourReason = ours.Split(' ', 3)[2];
        var theirParts = theirs.Split(' ', 3);
        var comparable =
            (ourReason.StartsWith("unexpected character", StringComparison.Ordinal) ||
             ourReason.StartsWith("unexpected end of input", StringComparison.Ordinal)) &&
            (theirParts[2].Contains("invalid character", StringComparison.Ordinal) ||
             theirParts[2].Contains("invalid end of input", StringComparison.Ordinal)) &&
            !theirParts[1].EndsWith(":0", StringComparison.Ordinal);
        if (!comparable)
        {
            return true;
        }

        positionsCompared++;
        var lineStart = errorOffset == 0 ? 0 : document.LastIndexOf('\n', errorOffset - 1) + 1;
        var line = 1 + document.AsSpan(0, errorOffset).Count('\n');
        return theirParts[1] == $"{line}:{errorOffset - lineStart + 1}";
    }
}
