using OpenClaw.Core.Config;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigTextEditTests
{
    private static string Set(string text, string path, string value)
    {
        var root = Json5Reader.Parse(text);
        return ConfigTextEdit.Set(text, root, ConfigPath.Parse(path), ConfigEditor.FormatValue(value, ConfigTextEdit.Style.Detect(text, root)));
    }

    private static string? Unset(string text, string path) => ConfigTextEdit.Unset(text, Json5Reader.Parse(text), ConfigPath.Parse(path));

    private const string Commented = """
        // My OpenClaw config.
        {
          /* the gateway */
          gateway: {
            port: 18789, // default port
            bind: '127.0.0.1',
          },

          logging: { level: "info" }, // keep it quiet
        }

        """;

    [Fact]
    public void Set_ExistingValue_ReplacesOnlyItsSpan()
    {
        var edited = Set(Commented, "gateway.port", "9000");

        Assert.Equal(Commented.Replace("18789", "9000", StringComparison.Ordinal), edited);
    }

    [Fact]
    public void Set_ExistingStringValue_ReplacesTheQuotesToo()
    {
        var edited = Set(Commented, "logging.level", "debug");

        Assert.Equal(Commented.Replace("level: \"info\"", "level: \"debug\"", StringComparison.Ordinal), edited);
    }

    [Fact]
    public void Set_MissingKeyInMultiLineObject_InsertsAfterTheLastMemberWithItsIndentation()
    {
        var edited = Set(Commented, "gateway.cors.allowedOrigins", "[\"https://a.example\"]");

        Assert.Equal(Commented.Replace(
            "    bind: '127.0.0.1',\n",
            "    bind: '127.0.0.1',\n    cors: {\n      allowedOrigins: [\"https://a.example\"],\n    },\n",
            StringComparison.Ordinal), edited);
    }

    [Fact]
    public void Set_MissingKeyAfterMemberWithoutComma_AddsTheCommaAndKeepsJsonStyle()
    {
        const string json = "{\n    \"gateway\": {\n        \"port\": 1\n    }\n}\n";

        var edited = Set(json, "gateway.bind", "0.0.0.0");

        Assert.Equal("{\n    \"gateway\": {\n        \"port\": 1,\n        \"bind\": \"0.0.0.0\"\n    }\n}\n", edited);
    }

    [Fact]
    public void Set_MissingKeyAfterLineComment_KeepsTheCommentWithItsMember()
    {
        const string text = "{\n  gateway: {\n    port: 1 // mine\n  }\n}\n";

        var edited = Set(text, "gateway.bind", "::1");

        Assert.Equal("{\n  gateway: {\n    port: 1, // mine\n    bind: \"::1\"\n  }\n}\n", edited);
    }

    [Fact]
    public void Set_MissingSection_CreatesNestedObjectsAtTheTopLevel()
    {
        const string text = "{\n  gateway: { port: 1 },\n}\n";

        var edited = Set(text, "agents.coder.model", "openai/gpt-4o");

        Assert.Equal("{\n  gateway: { port: 1 },\n  agents: {\n    coder: {\n      model: \"openai/gpt-4o\",\n    },\n  },\n}\n", edited);
    }

    [Fact]
    public void Set_MissingKeyInOneLineObject_StaysOnOneLine()
    {
        var edited = Set("{ gateway: { port: 1 } }", "gateway.bind", "'::1'");

        Assert.Equal("{ gateway: { port: 1, bind: \"::1\" } }", edited);
    }

    [Fact]
    public void Set_EmptyDocument_WritesAMultiLineObject()
    {
        var edited = Set("{}", "logging.level", "debug");

        Assert.Equal("{\n  logging: {\n    level: \"debug\",\n  },\n}", edited);
    }

    [Fact]
    public void Set_EmptyObjectOnItsOwnLines_InsertsInside()
    {
        var edited = Set("{\n  agents: {\n  },\n}\n", "agents.a.maxTurns", "3");

        Assert.Equal("{\n  agents: {\n    a: {\n      maxTurns: 3,\n    },\n  },\n}\n", edited);
    }

    [Fact]
    public void Set_KeyThatIsNotAnIdentifier_IsQuoted()
    {
        var edited = Set("{}", "agents[\"my.agent\"].maxTurns", "3");

        Assert.Contains("\"my.agent\": {", edited, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_CrLfFile_InsertsCrLf()
    {
        var edited = Set("{\r\n  gateway: {\r\n    port: 1,\r\n  },\r\n}\r\n", "gateway.bind", "::1");

        Assert.Equal("{\r\n  gateway: {\r\n    port: 1,\r\n    bind: \"::1\",\r\n  },\r\n}\r\n", edited);
    }

    [Fact]
    public void Set_ArrayItemByIndex_ReplacesIt()
    {
        var edited = Set("{ routing: [ { channel: 'telegram', agent: 'a' } ] }", "routing[0].agent", "b");

        Assert.Equal("{ routing: [ { channel: 'telegram', agent: \"b\" } ] }", edited);
    }

    [Theory]
    [InlineData("{ gateway: 'x' }", "gateway.port", "gateway is a string, not an object")]
    [InlineData("{ routing: [] }", "routing[0].agent", "routing has 0 item(s)")]
    [InlineData("{ gateway: {} }", "gateway[0]", "gateway is an object, not an array")]
    public void Set_PathThroughWrongKind_ThrowsClearError(string text, string path, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Set(text, path, "1"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cred:openai", "\"cred:openai\"")]
    [InlineData("127.0.0.1", "\"127.0.0.1\"")]
    [InlineData("42", "42")]
    [InlineData("0x10", "0x10")]
    [InlineData("true", "true")]
    [InlineData("'quoted'", "\"quoted\"")]
    [InlineData("[1, 'a' ,]", "[1, \"a\"]")]
    [InlineData("{ a: 1, 'b c': /* x */ [] }", "{ a: 1, \"b c\": [] }")]
    [InlineData("5 // trailing comment", "5")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    public void FormatValue_Json5OrBareString_GivesSafeOneLineJson5(string input, string expected)
    {
        Assert.Equal(expected, ConfigEditor.FormatValue(input, ConfigTextEdit.Style.Detect("{}", Json5Reader.Parse("{}"))));
    }

    [Fact]
    public void Unset_MemberOnItsOwnLine_RemovesTheLineWithItsComment()
    {
        var edited = Unset(Commented, "gateway.port");

        Assert.Equal(Commented.Replace("    port: 18789, // default port\n", "", StringComparison.Ordinal), edited);
    }

    [Fact]
    public void Unset_LastMemberWithoutComma_RemovesThePreviousComma()
    {
        const string text = "{\n  gateway: {\n    port: 1, // p\n    bind: '::1'\n  }\n}\n";

        var edited = Unset(text, "gateway.bind");

        Assert.Equal("{\n  gateway: {\n    port: 1 // p\n  }\n}\n", edited);
    }

    [Fact]
    public void Unset_TopLevelSection_KeepsTheOthersByteForByte()
    {
        var edited = Unset(Commented, "logging");

        Assert.Equal(Commented.Replace("\n  logging: { level: \"info\" }, // keep it quiet\n", "\n", StringComparison.Ordinal), edited);
    }

    [Theory]
    [InlineData("{ gateway: { port: 1, bind: 'x' } }", "gateway.port", "{ gateway: { bind: 'x' } }")]
    [InlineData("{ gateway: { port: 1, bind: 'x' } }", "gateway.bind", "{ gateway: { port: 1 } }")]
    [InlineData("{ gateway: { port: 1, bind: 'x', } }", "gateway.bind", "{ gateway: { port: 1, } }")]
    [InlineData("{ logging: { level: 'debug' } }", "logging.level", "{ logging: {} }")]
    [InlineData("{\n  logging: {\n    level: 'debug',\n  },\n}", "logging.level", "{\n  logging: {},\n}")]
    [InlineData("{ plugins: { enabled: ['a', 'b', 'c'] } }", "plugins.enabled[1]", "{ plugins: { enabled: ['a', 'c'] } }")]
    [InlineData("{ plugins: { enabled: ['a', 'b', 'c'] } }", "plugins.enabled[2]", "{ plugins: { enabled: ['a', 'b'] } }")]
    public void Unset_OneLineForms_RemoveTheMemberAndItsCommaCleanly(string text, string path, string expected)
    {
        Assert.Equal(expected, Unset(text, path));
    }

    [Theory]
    [InlineData("gateway.cors")]
    [InlineData("nothing")]
    [InlineData("gateway.port.deeper")]
    [InlineData("routing[3]")]
    public void Unset_AbsentKey_ReturnsNull(string path)
    {
        Assert.Null(Unset("{ gateway: { port: 1 }, routing: [] }", path));
    }
}
