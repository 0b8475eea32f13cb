using System.Text.Json;
using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Validation;

/// <summary>One row per keyword behaviour: a schema, a value, and whether the value passes.</summary>
public sealed class ToolParameterSchemaKeywordTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static ValidationResult Check(string schema, string instance) => ToolParameterSchema.Parse(schema).Validate(Json(instance));

    [Theory]
    // Boolean schemas.
    [InlineData("true", "{\"a\":1}", true)]
    [InlineData("false", "1", false)]
    [InlineData("{}", "null", true)]
    // type, integer by value, arrays of types.
    [InlineData("""{"type":"integer"}""", "1", true)]
    [InlineData("""{"type":"integer"}""", "1.0", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":"integer"}""", "1e2", true)]
    [InlineData("""{"type":"number"}""", "1.5", true)]
    [InlineData("""{"type":"number"}""", "\"1\"", false)]
    [InlineData("""{"type":"string"}""", "\"\"", true)]
    [InlineData("""{"type":"boolean"}""", "0", false)]
    [InlineData("""{"type":"null"}""", "null", true)]
    [InlineData("""{"type":"object"}""", "[]", false)]
    [InlineData("""{"type":"array"}""", "[]", true)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "1", false)]
    // enum and const: JSON equality (1 == 1.0, members in any order, arrays in order).
    [InlineData("""{"enum":["a",1,null]}""", "1.0", true)]
    [InlineData("""{"enum":["a",1,null]}""", "\"b\"", false)]
    [InlineData("""{"enum":["\u00e9"]}""", "\"\\u00e9\"", true)]
    [InlineData("""{"const":{"a":[1,2],"b":true}}""", """{"b":true,"a":[1.0,2]}""", true)]
    [InlineData("""{"const":{"a":[1,2]}}""", """{"a":[2,1]}""", false)]
    [InlineData("""{"const":{"a":1}}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"const":0.1}""", "0.10", true)]
    [InlineData("""{"const":false}""", "0", false)]
    // Object keywords.
    [InlineData("""{"properties":{"a":{"type":"string"}}}""", """{"a":1}""", false)]
    [InlineData("""{"properties":{"a":{"type":"string"}}}""", "1", true)]
    [InlineData("""{"required":["a","b"]}""", """{"a":1}""", false)]
    [InlineData("""{"required":["a"]}""", "[]", true)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1}""", true)]
    [InlineData("""{"properties":{"a":{}},"additionalProperties":false}""", """{"b":1}""", false)]
    [InlineData("""{"additionalProperties":{"type":"integer"}}""", """{"b":1,"c":2}""", true)]
    [InlineData("""{"additionalProperties":{"type":"integer"}}""", """{"b":"x"}""", false)]
    [InlineData("""{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"x-a":"1"}""", true)]
    [InlineData("""{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"x-a":1}""", false)]
    [InlineData("""{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"y":"1"}""", false)]
    [InlineData("""{"propertyNames":{"maxLength":2}}""", """{"ab":1}""", true)]
    [InlineData("""{"propertyNames":{"maxLength":2}}""", """{"abc":1}""", false)]
    [InlineData("""{"propertyNames":{"pattern":"^[a-z]+$"}}""", """{"a\u00e9":1}""", false)]
    [InlineData("""{"minProperties":2}""", """{"a":1}""", false)]
    [InlineData("""{"maxProperties":1}""", """{"a":1,"b":2}""", false)]
    [InlineData("""{"maxProperties":1}""", """{}""", true)]
    [InlineData("""{"dependentRequired":{"a":["b"]}}""", """{"a":1}""", false)]
    [InlineData("""{"dependentRequired":{"a":["b"]}}""", """{"b":1}""", true)]
    [InlineData("""{"dependentSchemas":{"a":{"required":["b"]}}}""", """{"a":1}""", false)]
    [InlineData("""{"dependentSchemas":{"a":{"required":["b"]}}}""", """{"a":1,"b":2}""", true)]
    [InlineData("""{"dependencies":{"a":["b"],"c":{"maxProperties":1}}}""", """{"c":1,"d":2}""", false)]
    // Array keywords (2020-12 items/prefixItems, and draft 7's tuple form).
    [InlineData("""{"items":{"type":"integer"}}""", "[1,2,3]", true)]
    [InlineData("""{"items":{"type":"integer"}}""", "[1,\"2\"]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[\"a\",1,2]", true)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}""", "[1]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":false}""", "[\"a\",\"b\"]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"}],"items":false}""", "[]", true)]
    [InlineData("""{"items":[{"type":"string"}],"additionalItems":false}""", "[\"a\",1]", false)]
    [InlineData("""{"items":[{"type":"string"}]}""", "[\"a\",1]", true)]
    [InlineData("""{"minItems":2}""", "[1]", false)]
    [InlineData("""{"maxItems":1}""", "[1,2]", false)]
    [InlineData("""{"uniqueItems":true}""", "[1,1.0]", false)]
    [InlineData("""{"uniqueItems":true}""", """[{"a":1,"b":2},{"b":2,"a":1}]""", false)]
    [InlineData("""{"uniqueItems":true}""", """[[1,2],[2,1],"1",1]""", true)]
    [InlineData("""{"uniqueItems":false}""", "[1,1]", true)]
    [InlineData("""{"contains":{"type":"string"}}""", "[1,\"a\"]", true)]
    [InlineData("""{"contains":{"type":"string"}}""", "[1,2]", false)]
    [InlineData("""{"contains":{"type":"string"}}""", "[]", false)]
    [InlineData("""{"contains":{"type":"string"},"minContains":0}""", "[]", true)]
    [InlineData("""{"contains":{"type":"string"},"minContains":2}""", "[\"a\",1]", false)]
    [InlineData("""{"contains":{"type":"string"},"maxContains":1}""", "[\"a\",\"b\"]", false)]
    [InlineData("""{"maxContains":0}""", "[\"a\"]", true)]
    // Strings: lengths in code points.
    [InlineData("""{"minLength":2}""", "\"a\"", false)]
    [InlineData("""{"maxLength":1}""", "\"\uD83D\uDE00\"", true)]
    [InlineData("""{"maxLength":1}""", "\"\\ud83d\\ude00\"", true)]
    [InlineData("""{"maxLength":1}""", "\"\u00e9\"", true)]
    [InlineData("""{"maxLength":2}""", "\"abc\"", false)]
    [InlineData("""{"minLength":1}""", "1", true)]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"abC\"", false)]
    [InlineData("""{"pattern":"b"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"^a\\/b$"}""", "\"a\\/b\"", true)]
    // ECMA-262 semantics where .NET's differ and would let more through: $ is the very end, . excludes \r, \d is ASCII.
    [InlineData("""{"pattern":"^[a-z]+$"}""", "\"abc\\n\"", false)]
    [InlineData("""{"pattern":"^\\d+$"}""", "\"\u0661\u0662\"", false)]
    [InlineData("""{"pattern":"^\\d+$"}""", "\"12\"", true)]
    [InlineData("""{"pattern":"^\\w+$"}""", "\"caf\u00e9\"", false)]
    [InlineData("""{"pattern":"^a.c$"}""", "\"a\\rc\"", false)]
    [InlineData("""{"pattern":"^a.c$"}""", "\"abc\"", true)]
    [InlineData("""{"pattern":"^[.$]+$"}""", "\"$.\"", true)]
    [InlineData("""{"pattern":"^a\\.b\\$$"}""", "\"a.b$\"", true)]
    [InlineData("""{"pattern":"^[\\d]+$"}""", "\"\u0661\"", false)]
    // Numbers below decimal's range keep their value and sign.
    [InlineData("""{"minimum":0}""", "-1e-40", false)]
    [InlineData("""{"multipleOf":0.5}""", "1e-40", false)]
    [InlineData("""{"minimum":0}""", "0e5", true)]
    // Numbers, decimal-exact.
    [InlineData("""{"minimum":1}""", "1", true)]
    [InlineData("""{"minimum":1}""", "0.999", false)]
    [InlineData("""{"exclusiveMinimum":1}""", "1", false)]
    [InlineData("""{"maximum":0.3}""", "0.3", true)]
    [InlineData("""{"exclusiveMaximum":0.3}""", "0.29999999999999999", true)]
    [InlineData("""{"multipleOf":0.1}""", "0.3", true)]
    [InlineData("""{"multipleOf":0.01}""", "19.99", true)]
    [InlineData("""{"multipleOf":0.01}""", "19.999", false)]
    [InlineData("""{"multipleOf":2}""", "7", false)]
    [InlineData("""{"maximum":10}""", "1e400", false)]
    [InlineData("""{"minimum":10}""", "\"x\"", true)]
    // Applicators.
    [InlineData("""{"allOf":[{"minimum":1},{"maximum":2}]}""", "3", false)]
    [InlineData("""{"anyOf":[{"type":"string"},{"minimum":5}]}""", "6", true)]
    [InlineData("""{"anyOf":[{"type":"string"},{"minimum":5}]}""", "4", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":5}]}""", "4", true)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":5}]}""", "6", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":5}]}""", "4.5", false)]
    [InlineData("""{"not":{"type":"string"}}""", "\"x\"", false)]
    [InlineData("""{"not":{"type":"string"}}""", "1", true)]
    [InlineData("""{"if":{"minimum":10},"then":{"multipleOf":2},"else":{"maximum":5}}""", "12", true)]
    [InlineData("""{"if":{"minimum":10},"then":{"multipleOf":2},"else":{"maximum":5}}""", "13", false)]
    [InlineData("""{"if":{"minimum":10},"then":{"multipleOf":2},"else":{"maximum":5}}""", "7", false)]
    [InlineData("""{"if":{"minimum":10}}""", "7", true)]
    [InlineData("""{"then":{"maximum":1}}""", "7", true)]
    // References: local, recursive, next to other keywords.
    [InlineData("""{"$defs":{"n":{"type":"integer"}},"$ref":"#/$defs/n","minimum":3}""", "2", false)]
    [InlineData("""{"definitions":{"n":{"type":"integer"}},"items":{"$ref":"#/definitions/n"}}""", "[1,\"x\"]", false)]
    [InlineData("""{"$defs":{"a b":{"const":1},"c/d":{"const":2}},"prefixItems":[{"$ref":"#/$defs/a%20b"},{"$ref":"#/$defs/c~1d"}]}""", "[1,2]", true)]
    [InlineData("""{"type":"object","properties":{"child":{"$ref":"#"}},"additionalProperties":false}""", """{"child":{"child":{}}}""", true)]
    [InlineData("""{"type":"object","properties":{"child":{"$ref":"#"}},"additionalProperties":false}""", """{"child":{"child":{"x":1}}}""", false)]
    [InlineData("""{"properties":{"a":{"type":"string"},"b":{"$ref":"#/properties/a"}}}""", """{"b":1}""", false)]
    // Annotations and keywords JSON Schema does not define change nothing.
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://x/t","title":"t","description":"d","default":5,"examples":[1],"$comment":"c","readOnly":true,"writeOnly":false,"deprecated":true,"contentMediaType":"text/plain","contentEncoding":"base64","x-vendor":{"type":"string"},"nullable":true,"type":"integer"}""", "3", true)]
    // Formats are asserted; unknown formats are annotations.
    [InlineData("""{"format":"date-time"}""", "\"2026-11-25T10:16:00Z\"", true)]
    [InlineData("""{"format":"date-time"}""", "\"2026-11-25T10:16:00.123+01:00\"", true)]
    [InlineData("""{"format":"date-time"}""", "\"2026-11-25 10:16:00\"", false)]
    [InlineData("""{"format":"date-time"}""", "\"2026-02-30T10:16:00Z\"", false)]
    [InlineData("""{"format":"date"}""", "\"2024-02-29\"", true)]
    [InlineData("""{"format":"date"}""", "\"2023-02-29\"", false)]
    [InlineData("""{"format":"date"}""", "\"2023-1-2\"", false)]
    [InlineData("""{"format":"time"}""", "\"23:59:60Z\"", true)]
    [InlineData("""{"format":"time"}""", "\"24:00:00Z\"", false)]
    [InlineData("""{"format":"time"}""", "\"12:00:00\"", false)]
    [InlineData("""{"format":"email"}""", "\"a.b+c@example.com\"", true)]
    [InlineData("""{"format":"email"}""", "\"a@b@c\"", false)]
    [InlineData("""{"format":"email"}""", "\"a..b@example.com\"", false)]
    [InlineData("""{"format":"email"}""", "\"plain\"", false)]
    [InlineData("""{"format":"hostname"}""", "\"api.example.com\"", true)]
    [InlineData("""{"format":"hostname"}""", "\"-bad.example\"", false)]
    [InlineData("""{"format":"uri"}""", "\"https://example.com/a?b=c#d\"", true)]
    [InlineData("""{"format":"uri"}""", "\"urn:isbn:0451450523\"", true)]
    [InlineData("""{"format":"uri"}""", "\"/relative/path\"", false)]
    [InlineData("""{"format":"uri"}""", "\"https://exa mple.com\"", false)]
    [InlineData("""{"format":"uri"}""", "\"https://example.com/%zz\"", false)]
    [InlineData("""{"format":"uuid"}""", "\"0b9c8a1e-3f5d-4c2a-9e7b-1a2b3c4d5e6f\"", true)]
    [InlineData("""{"format":"uuid"}""", "\"0b9c8a1e3f5d4c2a9e7b1a2b3c4d5e6f\"", false)]
    [InlineData("""{"format":"ipv4"}""", "\"192.168.0.1\"", true)]
    [InlineData("""{"format":"ipv4"}""", "\"256.1.1.1\"", false)]
    [InlineData("""{"format":"ipv4"}""", "\"01.1.1.1\"", false)]
    [InlineData("""{"format":"ipv6"}""", "\"::1\"", true)]
    [InlineData("""{"format":"ipv6"}""", "\"2001:db8::ffff:192.0.2.1\"", true)]
    [InlineData("""{"format":"ipv6"}""", "\"fe80::1%eth0\"", false)]
    [InlineData("""{"format":"ipv6"}""", "\"1.2.3.4\"", false)]
    [InlineData("""{"format":"ipv4"}""", "7", true)]
    [InlineData("""{"format":"made-up"}""", "\"anything\"", true)]
    public void Validate_Keyword(string schema, string instance, bool valid)
    {
        var result = Check(schema, instance);

        Assert.True(result.IsValid == valid, $"{schema} on {instance}: expected {(valid ? "valid" : "invalid")}, got {result}");
        if (!valid)
        {
            Assert.NotEmpty(result.Errors);
        }
    }

    [Fact]
    public void Validate_ASchemaWhoseCombinatorsMultiplyTheWork_IsRefusedWithinTheBudget()
    {
        // 30 levels of allOf over two refs to the next level: 2^30 evaluations of a valid value, never deeper than 31.
        var defs = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""
            "d{{i}}":{"allOf":[{"$ref":"#/$defs/d{{i + 1}}"},{"$ref":"#/$defs/d{{i + 1}}"}]}
            """));
        var schema = ToolParameterSchema.Parse("""{"$defs":{""" + defs + ""","d30":{"type":"string"}},"$ref":"#/$defs/d0"}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = schema.Validate(Json("\"x\""));

        Assert.False(result.IsValid);
        Assert.Contains("took too long", result.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused after {clock.Elapsed}");
    }

    [Fact]
    public void Validate_ReportsEveryViolationWithItsPointer()
    {
        var schema = """
            {"type":"object","properties":{
              "items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string","maxLength":3}},"required":["name"]}},
              "a/b~c":{"type":"integer"}},
             "required":["mode"],"additionalProperties":false}
            """;
        var result = Check(schema, """{"items":[{"name":"ok"},{"name":"toolong"},{}],"a/b~c":"x","extra":1}""");

        var rendered = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("required property \"mode\" is missing.", rendered);
        Assert.Contains("/items/1/name: string should have at most 3 characters (has 7).", rendered);
        Assert.Contains("/items/2: required property \"name\" is missing.", rendered);
        Assert.Contains("/a~1b~0c: value is string but should be integer.", rendered);
        Assert.Contains("/extra: property \"extra\" is not allowed (additionalProperties is false).", rendered);
        Assert.Equal(5, result.Errors.Count);
    }

    [Fact]
    public void Validate_AnyOfFailure_SaysSoAndShowsEachAlternativesErrors()
    {
        var result = Check("""{"properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer","minimum":5}]}}}""", """{"v":2}""");

        Assert.Equal(
            ["/v: value does not match any of the 'anyOf' schemas:", "/v: value is integer but should be string.", "/v: value should be at least 5."],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_OneOfMatchingTwice_NamesTheMatches() =>
        Assert.Equal(
            "value matches 2 of the 'oneOf' schemas (0, 1); exactly one must match.",
            Check("""{"oneOf":[{"type":"integer"},{"minimum":1}]}""", "3").ToString());

    [Fact]
    public void Validate_EnumAndConst_ShowTheAllowedValues()
    {
        Assert.Equal("/m: value should be one of \"r\", \"w\".", Check("""{"properties":{"m":{"enum":["r","w"]}}}""", """{"m":"x"}""").ToString());
        Assert.Equal("value should be {\"a\":1}.", Check("""{"const":{"a":1}}""", "2").ToString());
    }

    [Theory]
    [InlineData("""{"maxLength":3}""")]
    [InlineData("""{"pattern":"^a"}""")]
    [InlineData("""{"enum":["\\ud800","b"]}""")]
    public void Validate_LoneSurrogateEscape_IsInvalidInputNotACrash(string schema) =>
        Assert.Equal("the parameters contain text that is not valid Unicode.", Check(schema, "\"a\\ud800\"").ToString());

    [Fact]
    public void Validate_SelfReferenceThatNeverDescends_IsRefusedNotAStackOverflow()
    {
        var schema = ToolParameterSchema.Parse("""{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/b"}]},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""");

        var result = schema.Validate(Json("1"));

        Assert.False(result.IsValid);
        Assert.Contains("refers to itself too deeply", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeepRecursiveValue_IsValidated()
    {
        var schema = ToolParameterSchema.Parse("""{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}}}""");
        var deep = string.Concat(Enumerable.Repeat("{\"next\":", 30)) + "{\"v\":\"x\"}" + new string('}', 30);

        var result = schema.Validate(Json(deep));

        Assert.Equal(string.Concat(Enumerable.Repeat("/next", 30)) + "/v", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Validate_ConcurrentCalls_OnOneSchema_GetTheirOwnResults()
    {
        var schema = ToolParameterSchema.Parse("""{"type":"object","properties":{"n":{"type":"integer","maximum":500}},"required":["n"]}""");

        var outcomes = Enumerable.Range(0, 1000).AsParallel().Select(i =>
        {
            var result = schema.Validate(Json($$"""{"n":{{i}}}"""));
            return result.IsValid == i <= 500 && (result.IsValid || result.Errors.Single().Path == "/n");
        }).ToList();

        Assert.All(outcomes, Assert.True);
    }

    [Fact]
    public void Validate_ValidCall_AllocatesAlmostNothing()
    {
        var schema = ToolParameterSchema.Parse("""
            {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":4096,"pattern":"^[^\\u0000]+$"},
             "mode":{"enum":["read","write"]},"limit":{"type":"integer","minimum":1,"maximum":100000},
             "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}},
             "required":["path"],"additionalProperties":false}
            """);
        var call = Json("""{"path":"src/notes.txt","mode":"read","limit":200,"tags":["a","b"]}""");
        Assert.True(schema.Validate(call).IsValid);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = schema.Validate(call);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perCall < 1024, $"a valid call allocated {perCall} bytes");
    }
}
