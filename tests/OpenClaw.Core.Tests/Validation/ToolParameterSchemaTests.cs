using System.Text.Json;
using OpenClaw.Core.Validation;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Validation;

public sealed class ToolParameterSchemaTests
{
    private static readonly ToolParameterSchema s_readFile = ToolParameterSchema.Parse("""
        {
          "type": "object",
          "properties": {
            "path": { "type": "string", "minLength": 1 },
            "maxBytes": { "type": "integer", "minimum": 1 }
          },
          "required": ["path"],
          "additionalProperties": false
        }
        """);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Validate_MatchingParameters_AreValid() =>
        Assert.True(s_readFile.Validate(Json("""{"path":"notes.txt","maxBytes":10}""")).IsValid);

    [Fact]
    public void Validate_MissingRequiredField_NamesIt()
    {
        var result = s_readFile.Validate(Json("""{"maxBytes":10}"""));
        Assert.False(result.IsValid);
        Assert.Contains("path", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WrongTypeAndUnknownField_ReportEveryErrorWithItsPointer()
    {
        var result = s_readFile.Validate(Json("""{"path":"a","maxBytes":"ten","extra":true}"""));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == "/maxBytes");
        Assert.Contains(result.Errors, e => e.Path.Contains("extra", StringComparison.Ordinal) || e.Message.Contains("extra", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvalidSchema_IsAClearError()
    {
        var ex = Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse("""{"type": 12}"""));
        Assert.StartsWith("invalid tool parameter schema", ex.Message, StringComparison.Ordinal);
        Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse("{not json"));
    }

    [Theory]
    [InlineData("""{"$ref": "https://example.com/schema.json"}""")]
    [InlineData("""{"type": "object", "properties": {"a": {"$ref": "other.json#/x"}}}""")]
    public void Parse_NonLocalRef_IsRefusedWithTheReference(string schema)
    {
        var ex = Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse(schema));

        Assert.StartsWith("invalid tool parameter schema: $ref", ex.Message, StringComparison.Ordinal);
        Assert.Contains("points outside the schema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LocalRef_StillWorks()
    {
        var schema = ToolParameterSchema.Parse("""
            {"$defs": {"n": {"type": "integer"}}, "type": "object", "properties": {"a": {"$ref": "#/$defs/n"}}}
            """);

        Assert.True(schema.Validate(Json("""{"a": 1}""")).IsValid);
        Assert.False(schema.Validate(Json("""{"a": "x"}""")).IsValid);
    }

    [Fact]
    public async Task Validate_CatastrophicPattern_IsCutOffAndReportedAsInvalid()
    {
        var schema = ToolParameterSchema.Parse("""{"type": "string", "pattern": "^(a+)+$"}""");
        var input = Json("\"" + new string('a', 64) + "!\"");

        var result = await Task.Run(() => schema.Validate(input), TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.False(result.IsValid);
        Assert.Contains("took too long", result.ToString(), StringComparison.Ordinal);
    }
}
