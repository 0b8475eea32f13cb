using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Validation;

/// <summary>
/// Differential test against ajv 8 (its 2020-12 class; installed in tests/oracle): hundreds of generated schemas over
/// the supported vocabulary, each with several values, must get the same valid/invalid verdict from both, and a
/// schema with a malformed keyword value must be refused by both. Node.js is required.
/// </summary>
/// <remarks>
/// The generator stays where the two are meant to agree: multipleOf divisors are exact in binary (ajv divides doubles,
/// so 0.3 is not a multiple of 0.1 there; ours is decimal-exact), patterns have no "." over astral characters (a .NET
/// Regex sees UTF-16 units, ajv's "u" flag code points) and formats are left to the table tests.
/// </remarks>
public sealed class ToolParameterSchemaOracleTests
{
    private const int Seed = 20261125;

    [Fact]
    public async Task Validate_GeneratedSchemas_AgreeWithAjv()
    {
        var corpus = new SchemaCorpus(new Random(Seed));
        var cases = new List<(string Schema, string[] Instances)>();
        for (var i = 0; i < 600; i++)
        {
            cases.Add(corpus.Case());
        }

        var verdicts = await RunAjvAsync(cases, TestContext.Current.CancellationToken);

        var mismatches = new StringBuilder();
        var count = 0;
        var valid = 0;
        var invalid = 0;
        var refused = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (schemaText, instances) = cases[i];
            string ours;
            try
            {
                var schema = ToolParameterSchema.Parse(schemaText);
                ours = "ok " + string.Concat(instances.Select(v => schema.Validate(JsonDocument.Parse(v).RootElement).IsValid ? '1' : '0'));
            }
            catch (OpenClawException ex)
            {
                ours = "refused " + ex.Message;
            }

            var theirs = verdicts[i];
            var agree = ours.StartsWith("refused", StringComparison.Ordinal) ? theirs.StartsWith("refused", StringComparison.Ordinal) : ours == theirs;
            valid += theirs.Count(c => c == '1');
            invalid += theirs.StartsWith("ok ", StringComparison.Ordinal) ? theirs.Count(c => c == '0') : 0;
            refused += theirs.StartsWith("refused", StringComparison.Ordinal) ? 1 : 0;
            if (!agree && ++count <= 10)
            {
                mismatches.Append("\n  schema ").Append(schemaText)
                    .Append("\n    values ").Append(string.Join("  ", instances))
                    .Append("\n    ours:  ").Append(ours)
                    .Append("\n    ajv:   ").Append(theirs);
            }
        }

        Assert.True(count == 0, $"{count} of {cases.Count} schemas get a different verdict from ajv:{mismatches}");

        // Both verdicts must be common, or agreement proves little.
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases.Count} schemas ({refused} refused): {valid} values valid, {invalid} invalid");
        Assert.InRange(valid, 600, int.MaxValue);
        Assert.InRange(invalid, 600, int.MaxValue);
        Assert.InRange(refused, 20, 120);
    }

    /// <summary>One verdict per case from tests/oracle/schema-oracle.mjs: "ok" and a 1/0 per value, or "refused".</summary>
    private static Task<string[]> RunAjvAsync(List<(string Schema, string[] Instances)> cases, CancellationToken cancellationToken) =>
        NodeOracle.RunAsync(
            "schema-oracle.mjs",
            "ajv",
            [.. cases.Select(c => "{\"schema\":" + c.Schema + ",\"instances\":[" + string.Join(',', c.Instances) + "]}")],
            cancellationToken);

    /// <summary>Random schemas over the supported keywords, and values near their edges, as JSON text.</summary>
    private sealed class SchemaCorpus(Random random)
    {
        private static readonly string[] s_names = ["a", "b", "c", "ab"];
        private static readonly string[] s_strings = ["", "a", "b", "ab", "ba", "abc", "x1", "1", "aaaa", "\u00e9", "\uD83D\uDE00", "a\uD83D\uDE00"];
        private static readonly string[] s_numbers = ["0", "1", "2", "3", "-1", "0.5", "1.0", "2.5", "-1.5", "10", "12", "1e1", "0.25"];
        private static readonly string[] s_bounds = ["-1", "0", "0.5", "1", "2", "2.5", "3", "10"];
        private static readonly string[] s_divisors = ["1", "2", "3", "0.5", "0.25"];
        private static readonly string[] s_patterns = ["^a", "b$", "^[a-c]*$", "x", "^[ab]?$", "[0-9]", "^(a|b)+$", "^$"];
        private static readonly string[] s_malformed =
        [
            "\"minLength\":-1", "\"maxItems\":1.5", "\"type\":\"float\"", "\"type\":[]", "\"type\":[\"string\",\"string\"]",
            "\"required\":\"a\"", "\"required\":[\"a\",\"a\"]", "\"multipleOf\":0", "\"enum\":\"x\"", "\"uniqueItems\":1",
            "\"allOf\":[]", "\"properties\":[]", "\"pattern\":\"(\"", "\"minimum\":\"1\"", "\"not\":3", "\"items\":\"x\"",
        ];

        private static readonly string[] s_types = ["null", "boolean", "object", "array", "number", "string", "integer"];

        public (string Schema, string[] Instances) Case()
        {
            var schema = new StringBuilder("{");
            var first = true;
            if (random.Next(4) == 0)
            {
                schema.Append("\"$defs\":{\"d\":").Append(Schema(1, allowRef: false)).Append('}');
                first = false;
            }

            var keywords = Keywords(3, allowRef: true, hasDefs: !first);
            if (random.Next(10) == 0)
            {
                // A malformed value: both must refuse the schema.
                var malformed = Pick(s_malformed);
                var name = malformed[..(malformed.IndexOf(':', StringComparison.Ordinal) + 1)];
                keywords.RemoveAll(k => k.StartsWith(name, StringComparison.Ordinal));
                keywords.Insert(random.Next(keywords.Count + 1), malformed);
            }

            foreach (var keyword in keywords)
            {
                schema.Append(first ? "" : ",").Append(keyword);
                first = false;
            }

            var instances = new string[8];
            for (var i = 0; i < instances.Length; i++)
            {
                instances[i] = Value(3);
            }

            return (schema.Append('}').ToString(), instances);
        }

        private string Schema(int depth, bool allowRef, bool hasDefs = false)
        {
            var roll = random.Next(20);
            if (roll == 0)
            {
                return "true";
            }

            if (roll == 1)
            {
                return "false";
            }

            return "{" + string.Join(",", Keywords(depth, allowRef, hasDefs)) + "}";
        }

        /// <summary>One to three keywords, each with a well-formed value.</summary>
        private List<string> Keywords(int depth, bool allowRef, bool hasDefs)
        {
            var keywords = new Dictionary<string, string>(StringComparer.Ordinal);
            var wanted = 1 + random.Next(3);
            for (var attempt = 0; attempt < 10 && keywords.Count < wanted; attempt++)
            {
                var (name, value) = Keyword(depth, allowRef, hasDefs);
                keywords.TryAdd(name, value);
            }

            return [.. keywords.Select(k => $"\"{k.Key}\":{k.Value}")];
        }

        private (string Name, string Value) Keyword(int depth, bool allowRef, bool hasDefs)
        {
            // Leaves only, once the depth is spent.
            var choice = depth <= 0 ? random.Next(22) : random.Next(40);
            return choice switch
            {
                0 => ("type", random.Next(3) == 0 ? $"[\"{Pick(s_types[..3])}\",\"{Pick(s_types[3..])}\"]" : Quote(Pick(s_types))),
                1 => ("type", Quote(Pick(["integer", "number", "string", "object", "array"]))),
                2 => ("enum", "[" + string.Join(",", Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Value(1))) + "]"),
                3 => ("const", Value(2)),
                4 => ("required", "[" + string.Join(",", s_names.Where(_ => random.Next(3) == 0).Select(Quote)) + "]"),
                5 => ("minProperties", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                6 => ("maxProperties", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                7 => ("minItems", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                8 => ("maxItems", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                9 => ("uniqueItems", random.Next(3) == 0 ? "false" : "true"),
                10 => ("minLength", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                11 => ("maxLength", random.Next(4).ToString(CultureInfo.InvariantCulture)),
                12 => ("pattern", Quote(Pick(s_patterns))),
                13 => ("minimum", Pick(s_bounds)),
                14 => ("maximum", Pick(s_bounds)),
                15 => ("exclusiveMinimum", Pick(s_bounds)),
                16 => ("exclusiveMaximum", Pick(s_bounds)),
                17 => ("multipleOf", Pick(s_divisors)),
                18 => ("dependentRequired", $"{{\"{Pick(s_names)}\":[\"{Pick(s_names)}\"]}}"),
                19 => ("minContains", random.Next(3).ToString(CultureInfo.InvariantCulture)),
                20 => ("maxContains", random.Next(3).ToString(CultureInfo.InvariantCulture)),
                21 => ("format", Quote("not-a-real-format")),
                22 or 23 => ("properties", "{" + string.Join(",", s_names.Where(_ => random.Next(2) == 0).Select(n => $"\"{n}\":{Child(depth, allowRef, hasDefs)}")) + "}"),
                24 => ("additionalProperties", random.Next(2) == 0 ? "false" : Child(depth, allowRef, hasDefs)),
                25 => ("patternProperties", $"{{\"{Pick(["^a", "b$", "^c"])}\":{Child(depth, allowRef, hasDefs)}}}"),
                26 => ("propertyNames", Pick(["{\"maxLength\":1}", "{\"pattern\":\"^[ab]+$\"}", "{\"enum\":[\"a\",\"c\"]}", "{\"not\":{\"const\":\"b\"}}"])),
                27 => ("items", Child(depth, allowRef, hasDefs)),
                28 => ("prefixItems", SchemaList(depth, allowRef, hasDefs)),
                29 => ("contains", Schema(depth - 1, allowRef: false, hasDefs)),
                30 => ("allOf", SchemaList(depth, allowRef: false, hasDefs)),
                31 => ("anyOf", SchemaList(depth, allowRef: false, hasDefs)),
                32 => ("oneOf", SchemaList(depth, allowRef: false, hasDefs)),
                33 => ("not", Schema(depth - 1, allowRef: false, hasDefs)),
                34 => ("if", Schema(depth - 1, allowRef: false, hasDefs)),
                35 => ("then", Schema(depth - 1, allowRef: false, hasDefs)),
                36 => ("else", Schema(depth - 1, allowRef: false, hasDefs)),
                37 => ("dependentSchemas", $"{{\"{Pick(s_names)}\":{Schema(depth - 1, allowRef: false, hasDefs)}}}"),
                38 => hasDefs ? ("$ref", Quote("#/$defs/d")) : ("title", Quote("no definitions to refer to")),
                _ => ("description", Quote("annotation")),
            };
        }

        /// <summary>A subschema in a place that descends into the value, so a reference to the root cannot loop.</summary>
        private string Child(int depth, bool allowRef, bool hasDefs) =>
            allowRef && random.Next(6) == 0 ? "{\"$ref\":\"#\"}" : Schema(depth - 1, allowRef, hasDefs);

        private string SchemaList(int depth, bool allowRef, bool hasDefs) =>
            "[" + string.Join(",", Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Child(depth, allowRef, hasDefs))) + "]";

        private string Value(int depth)
        {
            var roll = depth <= 0 ? random.Next(6) : random.Next(9);
            switch (roll)
            {
                case 0:
                    return "null";
                case 1:
                    return random.Next(2) == 0 ? "true" : "false";
                case 2:
                case 3:
                    return Pick(s_numbers);
                case 4:
                case 5:
                    return JsonSerializer.Serialize(Pick(s_strings));
                case 6:
                case 7:
                    var names = s_names.Append("d").Where(_ => random.Next(2) == 0).ToList();
                    return "{" + string.Join(",", names.Select(n => $"\"{n}\":{Value(depth - 1)}")) + "}";
                default:
                    return "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth - 1))) + "]";
            }
        }

        private string Pick(string[] options) => options[random.Next(options.Length)];

        private static string Quote(string text) => JsonSerializer.Serialize(text);
    }
}
