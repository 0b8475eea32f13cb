using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config.Json5;

public sealed class Json5ReaderTests
{
    [Fact]
    public void Parse_TypicalConfig_GivesValuesAndPositions()
    {
        const string text = """
            // gateway settings
            {
              gateway: {
                bind: '127.0.0.1', /* loopback only */
                port: 18789,
              },
              "channels": [ "telegram", ],
              debug: false,
              limit: null,
            }
            """;

        var root = Assert.IsType<Json5Object>(Json5Reader.Parse(text));

        Assert.Equal(["gateway", "channels", "debug", "limit"], root.Properties.Select(p => p.Name));
        var gateway = Assert.IsType<Json5Object>(root.Find("gateway")!.Value);
        var bind = Assert.IsType<Json5String>(gateway.Find("bind")!.Value);
        Assert.Equal("127.0.0.1", bind.Value);
        Assert.Equal(new TextPosition(text.IndexOf('\'', StringComparison.Ordinal), 4, 11), bind.Span.Start);
        Assert.Equal(11, bind.Span.Length);
        var port = Assert.IsType<Json5Number>(gateway.Find("port")!.Value);
        Assert.Equal(18789, port.Value);
        Assert.Equal("18789", port.Text);
        Assert.Equal(new TextPosition(text.IndexOf("port", StringComparison.Ordinal), 5, 5), gateway.Find("port")!.NameSpan.Start);
        var channels = Assert.IsType<Json5Array>(root.Find("channels")!.Value);
        Assert.Equal("telegram", Assert.IsType<Json5String>(Assert.Single(channels.Items)).Value);
        Assert.False(Assert.IsType<Json5Boolean>(root.Find("debug")!.Value).Value);
        Assert.IsType<Json5Null>(root.Find("limit")!.Value);
        Assert.Equal(new TextPosition(20, 2, 1), root.Span.Start);
        Assert.Equal(text.Length, root.Span.End.Offset);
    }

    [Fact]
    public void Parse_DuplicateKey_NamesKeyAndFirstLine()
    {
        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse("{\n  port: 1,\n  'port': 2\n}"));

        Assert.Equal("duplicate key \"port\" (first defined at line 2)", ex.Reason);
        Assert.Equal((3, 3), (ex.Line, ex.Column));
    }

    [Fact]
    public void Parse_NestingBeyondMaxDepth_ThrowsInsteadOfOverflowing()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);

        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(deep));

        Assert.Equal("nesting deeper than 64 levels", ex.Reason);
        Assert.Equal(65, ex.Column);
    }

    [Fact]
    public void Parse_NestingAtMaxDepth_Succeeds()
    {
        var text = new string('[', 64) + new string(']', 64);

        var node = Json5Reader.Parse(text);

        Assert.Equal(text.Length, node.Span.Length);
        Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text, new Json5ReaderOptions { MaxDepth = 63 }));
    }

    [Theory]
    [InlineData("{a:1", "unexpected end of input, expected ',' or '}'", 1, 5)]
    [InlineData("'abc", "unterminated string", 1, 1)]
    [InlineData("[1 2]", "unexpected character '2', expected ',' or ']'", 1, 4)]
    [InlineData("'\\1'", "invalid escape '\\1' (octal escapes are not allowed)", 1, 2)]
    public void Parse_InvalidText_ReportsReasonAndPosition(string text, string reason, int line, int column)
    {
        var ex = Assert.Throws<Json5Exception>(() => Json5Reader.Parse(text));

        Assert.Equal(reason, ex.Reason);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Equal($"{reason} at line {line}, column {column}", ex.Message);
    }
}
