using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config.Json5;

/// <summary>The JSON5 1.0.0 specification, section by section: exact values, exact spans, exact error positions.</summary>
public sealed class Json5ReaderConformanceTests
{
    [Fact]
    public void Parse_SpecOverviewExample_GivesEveryValue()
    {
        const string text = """
            // comments
            {
              unquoted: 'and you can quote me on that',
              singleQuotes: 'I can use "double quotes" here',
              lineBreaks: "Look, Mom! \
            No \\n's!",
              hexadecimal: 0xdecaf,
              leadingDecimalPoint: .8675309, andTrailing: 8675309.,
              positiveSign: +1,
              trailingComma: 'in objects', andIn: ['arrays',],
              "backwardsCompatible": "with JSON",
            }
            """;

        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        Assert.Equal("and you can quote me on that", StringAt(root, "unquoted"));
        Assert.Equal("I can use \"double quotes\" here", StringAt(root, "singleQuotes"));
        Assert.Equal("Look, Mom! No \\n's!", StringAt(root, "lineBreaks"));
        Assert.Equal(0xdecaf, NumberAt(root, "hexadecimal"));
        Assert.Equal(0.8675309, NumberAt(root, "leadingDecimalPoint"));
        Assert.Equal(8675309, NumberAt(root, "andTrailing"));
        Assert.Equal(1, NumberAt(root, "positiveSign"));
        Assert.Equal("in objects", StringAt(root, "trailingComma"));
        Assert.Equal("arrays", Assert.IsType<Json5String>(Assert.Single(Assert.IsType<Json5Array>(root.Find("andIn")!.Value).Items)).Value);
        Assert.Equal("with JSON", StringAt(root, "backwardsCompatible"));
        Assert.Equal(
            ["unquoted", "singleQuotes", "lineBreaks", "hexadecimal", "leadingDecimalPoint", "andTrailing", "positiveSign",
             "trailingComma", "andIn", "backwardsCompatible"],
            root.Properties.Select(p => p.Name));
    }

    [Fact]
    public void Parse_SpecObjectExample_AcceptsIdentifierAndQuotedNames()
    {
        const string text = """
            {
                // an object with two properties
                // and a trailing comma
                width: 1920,
                height: 1080,
            }
            """;

        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        Assert.Equal(1920, NumberAt(root, "width"));
        Assert.Equal(1080, NumberAt(root, "height"));
        Assert.Equal(new TextPosition(text.IndexOf("height", StringComparison.Ordinal), 5, 5), root.Find("height")!.NameSpan.Start);
    }

    [Fact]
    public void Parse_SpecArrayExample_AcceptsMixedItemsAndTrailingComma()
    {
        var array = Assert.IsType<Json5Array>(Json5Reader.Parse("[1, true, 'three', ]"));

        Assert.Equal(3, array.Items.Count);
        Assert.Equal(1, Assert.IsType<Json5Number>(array.Items[0]).Value);
        Assert.True(Assert.IsType<Json5Boolean>(array.Items[1]).Value);
        Assert.Equal("three", Assert.IsType<Json5String>(array.Items[2]).Value);
    }

    [Theory]
    [InlineData("{}", 0)]
    [InlineData("{ }", 0)]
    [InlineData("{a:1}", 1)]
    [InlineData("{a:1,}", 1)]
    [InlineData("{a:1 , b:2 ,\n}", 2)]
    [InlineData("[]", 0)]
    [InlineData("[ /* nothing */ ]", 0)]
    [InlineData("[1,]", 1)]
    [InlineData("[[],[],]", 2)]
    public void Parse_Containers_CountMembers(string text, int count)
    {
        var node = Json5Reader.Parse(text);

        var actual = node switch
        {
            Json5Object o => o.Properties.Count,
            Json5Array a => a.Items.Count,
            _ => -1,
        };
        Assert.Equal(count, actual);
        Assert.Equal(text.Length, node.Span.Length);
    }

    [Theory]
    [InlineData("{a:1}", "a")]
    [InlineData("{$:1}", "$")]
    [InlineData("{_:1}", "_")]
    [InlineData("{$_a1:1}", "$_a1")]
    [InlineData("{true:1}", "true")]
    [InlineData("{null:1}", "null")]
    [InlineData("{Infinity:1}", "Infinity")]
    [InlineData("{NaN:1}", "NaN")]
    [InlineData("{café:1}", "café")]
    [InlineData("{日本語:1}", "日本語")]
    [InlineData("{ǅ:1}", "ǅ")]
    [InlineData("{ʰ:1}", "ʰ")]
    [InlineData("{Ⅻ:1}", "Ⅻ")]
    [InlineData("{x\u0301:1}", "x\u0301")]
    [InlineData("{a\u0903:1}", "a\u0903")]
    [InlineData("{a٣:1}", "a٣")]
    [InlineData("{a‿b:1}", "a‿b")]
    [InlineData("{a\u200Cb\u200D:1}", "a\u200Cb\u200D")]
    [InlineData("{𝑥:1}", "𝑥")]
    [InlineData("{\\u0061b:1}", "ab")]
    [InlineData("{a\\u0062:1}", "ab")]
    [InlineData("{\\u0024:1}", "$")]
    [InlineData("{\\u005F:1}", "_")]
    [InlineData("{\\u00E9t\\u00e9:1}", "été")]
    [InlineData("{a\\u200C:1}", "a\u200C")]
    [InlineData("{a\\u0031:1}", "a1")]
    [InlineData("{'a b':1}", "a b")]
    [InlineData("{\"a'b\":1}", "a'b")]
    [InlineData("{'':1}", "")]
    [InlineData("{'\\u0041\\n':1}", "A\n")]
    [InlineData("{'1':1}", "1")]
    public void Parse_PropertyName_DecodesName(string text, string name)
    {
        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        var property = Assert.Single(root.Properties);
        Assert.Equal(name, property.Name);
        Assert.Equal(text.IndexOf(':', StringComparison.Ordinal) - 1, property.NameSpan.Length);
        Assert.Equal(1, property.NameSpan.Start.Offset);
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("1", 1.0)]
    [InlineData("+1", 1.0)]
    [InlineData("-1", -1.0)]
    [InlineData("18789", 18789.0)]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("-.5", -0.5)]
    [InlineData("+5.", 5.0)]
    [InlineData("0.0", 0.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1E3", 1000.0)]
    [InlineData("1e+3", 1000.0)]
    [InlineData("1e-3", 0.001)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData(".5e1", 5.0)]
    [InlineData("5.e1", 50.0)]
    [InlineData("0e5", 0.0)]
    [InlineData("0x0", 0.0)]
    [InlineData("0x1F", 31.0)]
    [InlineData("0XaB", 171.0)]
    [InlineData("0xdecaf", 912559.0)]
    [InlineData("-0xC8", -200.0)]
    [InlineData("+0xff", 255.0)]
    [InlineData("0x20000000000001", 9007199254740992.0)]
    [InlineData("0x20000000000003", 9007199254740996.0)]
    [InlineData("0xFFFFFFFFFFFFFFFF", 18446744073709551616.0)]
    [InlineData("9007199254740993", 9007199254740992.0)]
    [InlineData("1.7976931348623157e308", double.MaxValue)]
    [InlineData("1e309", double.PositiveInfinity)]
    [InlineData("-1e309", double.NegativeInfinity)]
    [InlineData("5e-324", double.Epsilon)]
    [InlineData("1e-400", 0.0)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("+Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("NaN", double.NaN)]
    [InlineData("+NaN", double.NaN)]
    [InlineData("-NaN", double.NaN)]
    public void Parse_Number_GivesValueAndKeepsText(string text, double value)
    {
        var number = Assert.IsType<Json5Number>(Json5Reader.Parse(" " + text + " "));

        Assert.Equal(value, number.Value);
        Assert.Equal(text, number.Text);
        Assert.Equal(new TextSpan(new TextPosition(1, 1, 2), new TextPosition(1 + text.Length, 1, 2 + text.Length)), number.Span);
    }

    [Theory]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("-0x0")]
    [InlineData("-0e5")]
    public void Parse_NegativeZero_KeepsTheSign(string text)
    {
        var number = Assert.IsType<Json5Number>(Json5Reader.Parse(text));

        Assert.True(double.IsNegative(number.Value) && number.Value == 0, $"{text} gave {number.Value}");
    }

    [Theory]
    [InlineData("'abc'", "abc")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("''", "")]
    [InlineData("'\"'", "\"")]
    [InlineData("\"'\"", "'")]
    [InlineData("'\\''", "'")]
    [InlineData("\"\\\"\"", "\"")]
    [InlineData("'\\\\'", "\\")]
    [InlineData("'\\b\\f\\n\\r\\t\\v'", "\b\f\n\r\t\v")]
    [InlineData("'\\0'", "\0")]
    [InlineData("'\\0a'", "\0a")]
    [InlineData("'\\x41\\xe9\\xFF'", "Aé\u00FF")]
    [InlineData("'\\u0041\\u00e9\\u2028'", "Aé\u2028")]
    [InlineData("'\\uD83D\\uDE00'", "😀")]
    [InlineData("'a\\\nb'", "ab")]
    [InlineData("'a\\\r\nb'", "ab")]
    [InlineData("'a\\\rb'", "ab")]
    [InlineData("'a\\\u2028b'", "ab")]
    [InlineData("'a\\\u2029b'", "ab")]
    [InlineData("'\\a\\c\\q\\/\\ \\é\\😀'", "acq/ é😀")]
    [InlineData("'a\u2028b\u2029c'", "a\u2028b\u2029c")]
    [InlineData("'tab\there'", "tab\there")]
    [InlineData("'\u0001\u007F'", "\u0001\u007F")]
    [InlineData("'// not a comment /* */'", "// not a comment /* */")]
    public void Parse_String_DecodesEveryEscape(string text, string value)
    {
        var node = Assert.IsType<Json5String>(Json5Reader.Parse(text));

        Assert.Equal(value, node.Value);
        Assert.Equal(text.Length, node.Span.Length);
    }

    [Fact]
    public void Parse_StringWithLoneSurrogateEscapes_KeepsThemAsIs()
    {
        // npm json5 does the same; a lone surrogate cannot be written raw in a UTF-8 file, but can be escaped.
        var node = Assert.IsType<Json5String>(Json5Reader.Parse("'\\uD800'"));

        Assert.Equal("\uD800", node.Value);
        Assert.Equal("\uDC00\uD800", Assert.IsType<Json5String>(Json5Reader.Parse("'\\uDC00\\uD800'")).Value);
    }

    [Theory]
    [InlineData("\t")]
    [InlineData("\n")]
    [InlineData("\v")]
    [InlineData("\f")]
    [InlineData("\r")]
    [InlineData(" ")]
    [InlineData("\u00A0")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\uFEFF")]
    [InlineData("\u1680")]
    [InlineData("\u2000")]
    [InlineData("\u200A")]
    [InlineData("\u202F")]
    [InlineData("\u205F")]
    [InlineData("\u3000")]
    public void Parse_WhiteSpace_IsSkippedEverywhere(string space)
    {
        var text = $"{space}{{{space}a{space}:{space}[{space}1{space},{space}]{space},{space}}}{space}";

        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        Assert.Equal(1, Assert.IsType<Json5Number>(Assert.Single(Assert.IsType<Json5Array>(root.Find("a")!.Value).Items)).Value);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u180E")]
    [InlineData("\u0085")]
    public void Parse_NonJson5WhiteSpace_IsRejected(string space)
    {
        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(space + "1"));

        Assert.Equal((1, 1), (ex.Line, ex.Column));
    }

    [Theory]
    [InlineData("// line\n1")]
    [InlineData("1 // trailing, no newline")]
    [InlineData("/* block */ 1")]
    [InlineData("/* multi\nline */1")]
    [InlineData("/***/1")]
    [InlineData("/* ** / * */1")]
    [InlineData("/* // */1")]
    [InlineData("// /* \n1")]
    [InlineData("[/**/1/**/,/**/]")]
    [InlineData("1// ends at CR\r")]
    [InlineData("// ends at LS\u20281")]
    [InlineData("// ends at PS\u20291")]
    public void Parse_Comments_AreIgnored(string text)
    {
        var node = Json5Reader.Parse(text);

        var number = node is Json5Array array ? Assert.Single(array.Items) : node;
        Assert.Equal(1, Assert.IsType<Json5Number>(number).Value);
    }

    [Theory]
    [InlineData("true", typeof(Json5Boolean))]
    [InlineData("false", typeof(Json5Boolean))]
    [InlineData("null", typeof(Json5Null))]
    public void Parse_Literal_GivesNodeOfItsKind(string text, Type kind)
    {
        var node = Json5Reader.Parse(text);

        Assert.IsType(kind, node);
        Assert.Equal(text.Length, node.Span.Length);
        Assert.Equal(text == "true", (node as Json5Boolean)?.Value ?? false);
    }

    [Theory]
    // Line terminators: LF, CRLF (one line), CR, U+2028 and U+2029 each start a new line.
    [InlineData("[\n1 2]", 2, 3)]
    [InlineData("[\r\n1 2]", 2, 3)]
    [InlineData("[\r1 2]", 2, 3)]
    [InlineData("[\u20281 2]", 2, 3)]
    [InlineData("[\u20291 2]", 2, 3)]
    [InlineData("[\n\r\n\r\u2028\u2029x]", 6, 1)]
    [InlineData("/*\n\n*/ [1 2]", 3, 7)]
    [InlineData("// a\r\n// b\n [1 2]", 3, 5)]
    [InlineData("['a\\\nb' 2]", 2, 4)]
    [InlineData("['a\u2028b' 2]", 2, 4)]
    // Columns count UTF-16 code units.
    [InlineData("['😀' 2]", 1, 7)]
    [InlineData("\t[1 2]", 1, 5)]
    public void Parse_ErrorAfterLineBreaks_ReportsLineAndColumn(string text, int line, int column)
    {
        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text));

        Assert.Equal((line, column), (ex.Line, ex.Column));
    }

    [Theory]
    [InlineData("", "unexpected end of input, expected a value", 1, 1)]
    [InlineData("  \n ", "unexpected end of input, expected a value", 2, 2)]
    [InlineData("//a", "unexpected end of input, expected a value", 1, 4)]
    [InlineData("/a", "unexpected character 'a', expected '/' or '*' after '/' (comments start with // or /*)", 1, 2)]
    [InlineData("1 /", "unexpected end of input, expected '/' or '*' after '/' (comments start with // or /*)", 1, 4)]
    [InlineData("/*", "unterminated comment", 1, 1)]
    [InlineData("1 /* a *", "unterminated comment", 1, 3)]
    [InlineData("a", "unexpected word \"a\", expected a value (strings need quotes)", 1, 1)]
    [InlineData("{a: yes}", "unexpected word \"yes\", expected a value (strings need quotes)", 1, 5)]
    [InlineData("tru", "unexpected word \"tru\", expected a value (strings need quotes)", 1, 1)]
    [InlineData("{a: café}", "unexpected word \"café\", expected a value (strings need quotes)", 1, 5)]
    [InlineData("truex", "unexpected word \"true…\" (5 characters), expected a value (strings need quotes)", 1, 1)]
    [InlineData("undefined", "unexpected word \"unde…\" (9 characters), expected a value (strings need quotes)", 1, 1)]
    [InlineData("-Inf", "unexpected word \"Inf\", expected Infinity or NaN after the sign", 1, 2)]
    [InlineData("@", "unexpected character '@', expected a value", 1, 1)]
    [InlineData("[1,,]", "unexpected character ',', expected a value", 1, 4)]
    [InlineData("[,]", "unexpected character ',', expected a value", 1, 2)]
    [InlineData("[1", "unexpected end of input, expected ',' or ']'", 1, 3)]
    [InlineData("[1,", "unexpected end of input, expected a value", 1, 4)]
    [InlineData("[1 2]", "unexpected character '2', expected ',' or ']'", 1, 4)]
    [InlineData("[1}", "unexpected character '}', expected ',' or ']'", 1, 3)]
    [InlineData("{", "unexpected end of input, expected a property name or '}'", 1, 2)]
    [InlineData("{,}", "unexpected character ',', expected a property name or '}'", 1, 2)]
    [InlineData("{a:1,,}", "unexpected character ',', expected a property name or '}'", 1, 6)]
    [InlineData("{a}", "unexpected character '}', expected ':' after the property name", 1, 3)]
    [InlineData("{a", "unexpected end of input, expected ':'", 1, 3)]
    [InlineData("{a:}", "unexpected character '}', expected a value", 1, 4)]
    [InlineData("{a:", "unexpected end of input, expected a value", 1, 4)]
    [InlineData("{a:1 b:2}", "unexpected character 'b', expected ',' or '}'", 1, 6)]
    [InlineData("{a:1]", "unexpected character ']', expected ',' or '}'", 1, 5)]
    [InlineData("{1:1}", "unexpected character '1', expected a property name or '}'", 1, 2)]
    [InlineData("{-a:1}", "unexpected character '-', expected a property name or '}'", 1, 2)]
    [InlineData("{a-b:1}", "unexpected character '-', expected ':' after the property name", 1, 3)]
    [InlineData("{\u0301:1}", "unexpected character '\u0301', expected a property name or '}'", 1, 2)]
    [InlineData("{\\a:1}", "unexpected character 'a', expected 'u' after '\\' in a property name", 1, 3)]
    [InlineData("{\\u00:1}", "invalid escape '\\u00' (expected four hexadecimal digits)", 1, 2)]
    [InlineData("{\\u0021:1}", "invalid identifier character \"!\" from escape", 1, 2)]
    [InlineData("{\\u0031:1}", "invalid identifier character \"1\" from escape", 1, 2)]
    [InlineData("{a\\u0021:1}", "invalid identifier character \"!\" from escape", 1, 3)]
    [InlineData("{\\u200C:1}", "invalid identifier character \"\u200C\" from escape", 1, 2)]
    [InlineData("{a:1}x", "unexpected character 'x', expected end of input", 1, 6)]
    [InlineData("{}{}", "unexpected character '{', expected end of input", 1, 3)]
    [InlineData("1 2", "unexpected character '2', expected end of input", 1, 3)]
    [InlineData("-", "unexpected end of input, expected a number after the sign", 1, 2)]
    [InlineData("- 1", "unexpected character ' ', expected a digit", 1, 2)]
    [InlineData("+-1", "unexpected character '-', expected a digit", 1, 2)]
    [InlineData(".", "unexpected end of input, expected a digit", 1, 2)]
    [InlineData(".e1", "unexpected character 'e', expected a digit", 1, 2)]
    [InlineData("01", "leading zeros are not allowed in numbers", 1, 1)]
    [InlineData("-00", "leading zeros are not allowed in numbers", 1, 1)]
    [InlineData("1e", "unexpected end of input, expected a digit in the exponent", 1, 3)]
    [InlineData("1e+", "unexpected end of input, expected a digit in the exponent", 1, 4)]
    [InlineData("1ex", "unexpected character 'x', expected a digit in the exponent", 1, 3)]
    [InlineData("0x", "unexpected end of input, expected a hexadecimal digit after '0x'", 1, 3)]
    [InlineData("0xg", "unexpected character 'g', expected a hexadecimal digit after '0x'", 1, 3)]
    [InlineData("0x1.5", "unexpected character '.', expected end of input", 1, 4)]
    [InlineData("1x", "unexpected character 'x', expected end of input", 1, 2)]
    [InlineData("'abc", "unterminated string", 1, 1)]
    [InlineData("[1, 'abc\n']", "unterminated string (a line break must be written as \\n)", 1, 5)]
    [InlineData("'a\rb'", "unterminated string (a line break must be written as \\n)", 1, 1)]
    [InlineData("'abc\\", "unterminated string", 1, 1)]
    [InlineData("\"abc'", "unterminated string", 1, 1)]
    [InlineData("'\\1'", "invalid escape '\\1' (octal escapes are not allowed)", 1, 2)]
    [InlineData("'\\9'", "invalid escape '\\9' (octal escapes are not allowed)", 1, 2)]
    [InlineData("'\\01'", "invalid escape '\\01' (octal escapes are not allowed)", 1, 2)]
    [InlineData("'\\00'", "invalid escape '\\00' (octal escapes are not allowed)", 1, 2)]
    [InlineData("'ab\\x4'", "invalid escape '\\x4' (expected two hexadecimal digits)", 1, 4)]
    [InlineData("'\\xg0'", "invalid escape '\\x' (expected two hexadecimal digits)", 1, 2)]
    [InlineData("'\\u12'", "invalid escape '\\u12' (expected four hexadecimal digits)", 1, 2)]
    [InlineData("'\\u", "invalid escape '\\u' (expected four hexadecimal digits)", 1, 2)]
    [InlineData("\u0001", "unexpected character '\\u0001', expected a value", 1, 1)]
    [InlineData("'", "unterminated string", 1, 1)]
    public void Parse_InvalidText_ReportsReasonAndPosition(string text, string reason, int line, int column)
    {
        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text));

        Assert.Equal(reason, ex.Reason);
        Assert.Equal((line, column), (ex.Line, ex.Column));
    }

    [Fact]
    public void Parse_DuplicateKeyDifferentlyWritten_IsStillADuplicate()
    {
        const string text = "{\n  a: { port: 1 },\n  b: { 'port': 2, \"p\\u006Frt\": 3 },\n}";

        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text));

        Assert.Equal("duplicate key \"port\" (first defined at line 3)", ex.Reason);
        Assert.Equal((3, 19), (ex.Line, ex.Column));
    }

    [Fact]
    public void Parse_DuplicateKeyInLargeObject_IsFound()
    {
        var members = Enumerable.Range(0, 100).Select(i => $"k{i}: {i}").Append("k42: 0");
        var text = "{" + string.Join(",\n", members) + "}";

        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text));

        Assert.Equal("duplicate key \"k42\" (first defined at line 43)", ex.Reason);
        Assert.Equal(101, ex.Line);
    }

    [Fact]
    public void Parse_SameKeyInSiblingObjects_IsAllowed()
    {
        var root = Assert.IsType<Json5Array>(Json5Reader.Parse("[{a:1},{a:2},{b:{a:3}, a:4}]"));

        Assert.Equal(3, root.Items.Count);
    }

    [Fact]
    public void Parse_Spans_CoverExactlyTheWrittenValue()
    {
        const string text = "{ 'k': [ \"v\", -0x1F ], n: null }";

        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        var property = root.Properties[0];
        Assert.Equal("'k'", Slice(text, property.NameSpan));
        var array = Assert.IsType<Json5Array>(property.Value);
        Assert.Equal("[ \"v\", -0x1F ]", Slice(text, array.Span));
        Assert.Equal("\"v\"", Slice(text, array.Items[0].Span));
        Assert.Equal("-0x1F", Slice(text, array.Items[1].Span));
        Assert.Equal("null", Slice(text, root.Properties[1].Value.Span));
        Assert.Equal(text, Slice(text, root.Span));
    }

    [Fact]
    public void Parse_LongNames_AreShortenedInMessages()
    {
        var name = new string('k', 500);

        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse($"{{{name}:1,{name}:2}}"));

        Assert.Equal($"duplicate key \"{new string('k', 40)}...\" (first defined at line 1)", ex.Reason);
    }

    [Fact]
    public void Parse_InvalidMaxDepth_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Json5Reader.Parse("1", new Json5ReaderOptions { MaxDepth = 0 }));
    }

    private static string StringAt(Json5Object o, string name) => Assert.IsType<Json5String>(o.Find(name)!.Value).Value;

    private static double NumberAt(Json5Object o, string name) => Assert.IsType<Json5Number>(o.Find(name)!.Value).Value;

    private static string Slice(string text, TextSpan span) => text.Substring(span.Start.Offset, span.Length);
}
