using System.Text;
using System.Text.Json;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config.Json5;

public sealed class Json5WriterTests
{
    public static TheoryData<string> Strings =>
    [
        "", "plain", "with \"double\" and 'single' quotes", "back\\slash", "\b\f\n\r\t\v\0", "\u0001\u001F\u007F",
        "line\u2028separator\u2029", "café 日本 😀", "\uD800 lone high", "lone low \uDC00", "\uDC00\uD800", "/* not */ // comment",
    ];

    [Theory]
    [MemberData(nameof(Strings))]
    public void FormatString_AnyValue_ReadsBackExactlyAsJson5(string value)
    {
        var literal = Json5Writer.FormatString(value);

        Assert.Equal(value, Assert.IsType<Json5String>(Json5Reader.Parse(literal)).Value);
        Assert.StartsWith("\"", literal, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', literal);
        Assert.DoesNotContain('\u2028', literal);
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public void FormatString_WellFormedValue_IsAlsoValidJson(string value)
    {
        var literal = Json5Writer.FormatString(value);

        using var document = JsonDocument.Parse(literal);
        Assert.Equal(JsonValueKind.String, document.RootElement.ValueKind);

        // System.Text.Json refuses to decode lone surrogates into a string, so only well-formed text compares.
        if (value.EnumerateRunes().All(r => r != Rune.ReplacementChar))
        {
            Assert.Equal(value, document.RootElement.GetString());
        }
    }

    [Theory]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("\n\t", "\"\\n\\t\"")]
    [InlineData("\u0001", "\"\\u0001\"")]
    [InlineData("\u2028", "\"\\u2028\"")]
    [InlineData("é😀", "\"é😀\"")]
    public void FormatString_SpecialCharacters_UseShortEscapes(string value, string literal)
    {
        Assert.Equal(literal, Json5Writer.FormatString(value));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(18789.0, "18789")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(5e-324, "5E-324")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void FormatNumber_AnyDouble_IsShortestLiteralThatReadsBack(double value, string literal)
    {
        var formatted = Json5Writer.FormatNumber(value);

        Assert.Equal(literal, formatted);
        var read = Assert.IsType<Json5Number>(Json5Reader.Parse(formatted)).Value;
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }
}
