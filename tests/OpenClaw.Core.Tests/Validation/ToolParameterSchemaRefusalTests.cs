using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Validation;

/// <summary>
/// Schemas the validator will not run: keywords that would change validation but are not implemented, malformed
/// keyword values, references it cannot follow. Each is refused at Parse, naming the problem (fail closed).
/// </summary>
public sealed class ToolParameterSchemaRefusalTests
{
    [Theory]
    [InlineData("""{"type":"object","unevaluatedProperties":false}""", "'unevaluatedProperties' at # is not supported")]
    [InlineData("""{"properties":{"a":{"unevaluatedItems":false}}}""", "'unevaluatedItems' at #/properties/a is not supported")]
    [InlineData("""{"$dynamicRef":"#meta"}""", "'$dynamicRef' at # is not supported")]
    [InlineData("""{"$defs":{"x":{"$dynamicAnchor":"meta"}}}""", "'$dynamicAnchor' at #/$defs/x is not supported")]
    [InlineData("""{"$recursiveRef":"#"}""", "'$recursiveRef' at # is not supported")]
    [InlineData("""{"allOf":[{"$recursiveAnchor":true}]}""", "'$recursiveAnchor' at #/allOf/0 is not supported")]
    [InlineData("""{"additionalItems":false}""", "'additionalItems' at # only applies to the array form of 'items'")]
    [InlineData("""{"prefixItems":[{}],"items":[{}]}""", "'items' at # is an array (the draft 7 tuple form) next to 'prefixItems'")]
    [InlineData("""{"properties":{"a":{"$id":"https://x/a"}}}""", "'$id' at #/properties/a starts an embedded schema resource")]
    public void Parse_UnsupportedKeyword_IsRefusedByName(string schema, string expected)
    {
        var ex = Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse(schema));

        Assert.StartsWith("invalid tool parameter schema: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"minLength":"x"}""", "'minLength' at # must be a non-negative integer")]
    [InlineData("""{"maxItems":-1}""", "'maxItems' at # must be a non-negative integer")]
    [InlineData("""{"minProperties":1.5}""", "'minProperties' at # must be a non-negative integer")]
    [InlineData("""{"minimum":"1"}""", "'minimum' at # must be a number")]
    [InlineData("""{"exclusiveMaximum":true}""", "'exclusiveMaximum' at # must be a number")]
    [InlineData("""{"multipleOf":0}""", "'multipleOf' at # must be greater than 0")]
    [InlineData("""{"type":"float"}""", "'type' at # names an unknown type \"float\"")]
    [InlineData("""{"type":[]}""", "'type' at # must be a type name or a non-empty array of them")]
    [InlineData("""{"type":["string","string"]}""", "'type' at # lists a type twice")]
    [InlineData("""{"required":"a"}""", "'required' at # must be an array of strings")]
    [InlineData("""{"required":["a","a"]}""", "'required' at # lists \"a\" twice")]
    [InlineData("""{"enum":"a"}""", "'enum' at # must be an array")]
    [InlineData("""{"properties":[]}""", "'properties' at # must be an object")]
    [InlineData("""{"properties":{"a":1}}""", "the schema at #/properties/a is a number; a schema is an object or a boolean")]
    [InlineData("""{"anyOf":[]}""", "'anyOf' at # must be a non-empty array of schemas")]
    [InlineData("""{"not":"x"}""", "the schema at #/not is a string")]
    [InlineData("""{"uniqueItems":"yes"}""", "'uniqueItems' at # must be true or false")]
    [InlineData("""{"pattern":"(unclosed"}""", "'pattern' at # is not a valid regular expression")]
    [InlineData("""{"patternProperties":{"[":{}}}""", "'patternProperties' at # is not a valid regular expression")]
    [InlineData("""{"format":1}""", "'format' at # must be a string")]
    [InlineData("""{"dependentRequired":{"a":"b"}}""", "'dependentRequired' at #/dependentRequired/a must be an array of strings")]
    [InlineData("""{"$ref":1}""", "'$ref' at #/$ref must be a string")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "$ref '#/$defs/missing' at /$ref does not point at anything in the schema")]
    [InlineData("""{"$ref":"#anchor"}""", "$ref '#anchor' at /$ref names an anchor, which is not supported")]
    [InlineData("[]", "the schema at # is an array; a schema is an object or a boolean")]
    [InlineData("12", "the schema at # is a number")]
    public void Parse_MalformedKeyword_IsRefused(string schema, string expected)
    {
        var ex = Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse(schema));

        Assert.Equal("invalid tool parameter schema: " + expected, ex.Message[..Math.Min(ex.Message.Length, 31 + expected.Length)]);
    }

    [Theory]
    [InlineData("""{"type":"string","type":"integer"}""", "type")]
    [InlineData("""{"properties":{"a":{"maxLength":1,"maxLength":5}}}""", "maxLength")]
    public void Parse_KeywordGivenTwice_IsRefused(string schema, string keyword)
    {
        var ex = Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse(schema));

        Assert.StartsWith("invalid tool parameter schema: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(keyword, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnusedDefinition_IsCheckedToo() =>
        Assert.Throws<OpenClawException>(() => ToolParameterSchema.Parse("""{"$defs":{"unused":{"minLength":"x"}},"type":"string"}"""));

    [Fact]
    public void Parse_RefusesNothingItOnlyAnnotates()
    {
        // Values inside const, enum, default and examples are data, not schemas: a "$ref" there is not followed.
        var schema = ToolParameterSchema.Parse("""
            {"const":{"$ref":"https://example.com/x","minLength":"x"},"default":{"unevaluatedProperties":1},"examples":[{"$dynamicRef":"#"}]}
            """);

        Assert.True(schema.Validate(System.Text.Json.JsonDocument.Parse("""{"minLength":"x","$ref":"https://example.com/x"}""").RootElement).IsValid);
    }
}
