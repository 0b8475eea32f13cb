using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace OpenClaw.Core.Validation;

/// <summary>
/// A tool's parameter schema (JSON Schema 2020-12), compiled once and used to validate every call before it runs.
/// Backed by JsonSchema.Net.
/// </summary>
/// <remarks>Thread-safe: one instance validates concurrent calls.</remarks>
public sealed class ToolParameterSchema
{
    private static readonly EvaluationOptions s_options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
        Culture = CultureInfo.InvariantCulture,
    };

    /// <summary>How long one pattern may take on one string, and all of them on one call, before the call is refused.</summary>
    private static readonly TimeSpan s_patternTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan s_patternBudget = TimeSpan.FromSeconds(2);

    private readonly JsonSchema _schema;
    private readonly Regex[] _patterns;

    private ToolParameterSchema(JsonSchema schema, JsonElement document, Regex[] patterns)
    {
        _schema = schema;
        Document = document;
        _patterns = patterns;
    }

    /// <summary>The schema as JSON, for <c>tools.list</c> and for the model's tool definition.</summary>
    public JsonElement Document { get; }

    /// <summary>Compiles a schema; a schema that is not valid JSON Schema is an <see cref="OpenClawException"/>.</summary>
    public static ToolParameterSchema Parse(string schemaJson)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        try
        {
            using var doc = JsonDocument.Parse(schemaJson);
            var root = doc.RootElement.Clone();
            RefuseNonLocalRefs(root, "");
            var schema = JsonSchema.Build(root, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return new ToolParameterSchema(schema, root, CompilePatterns(root));
        }
        catch (Exception ex) when (ex is JsonException or JsonSchemaException or RefResolutionException or ArgumentException)
        {
            throw new OpenClawException("invalid tool parameter schema: " + ex.Message, ex);
        }
    }

    /// <summary>Validates call parameters, returning every violation with its JSON Pointer.</summary>
    public ValidationResult Validate(JsonElement parameters)
    {
        // JsonSchema.Net matches 'pattern' with Regex objects of its own, without a timeout (and the process-wide
        // default is fixed before this library can set it): the same patterns are first tried here with one, so a
        // catastrophic pattern ("^(a+)+$" on "aaaa…!") is refused instead of pinning a thread.
        if (_patterns.Length > 0 && !PatternsFinishInTime(parameters))
        {
            return PatternTooSlow();
        }

        EvaluationResults results;
        try
        {
            results = _schema.Evaluate(parameters, s_options);
        }
        catch (RegexMatchTimeoutException)
        {
            return PatternTooSlow();
        }
        catch (RefResolutionException ex)
        {
            return ValidationResult.FromErrors(
                [new ValidationError("", "the tool's schema has a $ref that cannot be resolved (" + ex.Message + "); the call is refused.")]);
        }

        if (results.IsValid)
        {
            return ValidationResult.Valid;
        }

        var errors = new List<ValidationError>();
        Collect(results, errors);
        if (errors.Count == 0)
        {
            errors.Add(new ValidationError("", "parameters do not match the tool's schema."));
        }

        return ValidationResult.FromErrors(errors);
    }

    private static ValidationResult PatternTooSlow() => ValidationResult.FromErrors(
        [new ValidationError("", "a 'pattern' in the tool's schema took too long to match these parameters; the call is refused.")]);

    private bool PatternsFinishInTime(JsonElement parameters)
    {
        var strings = new List<string>();
        CollectStrings(parameters, strings);
        var started = Stopwatch.GetTimestamp();
        try
        {
            foreach (var text in strings)
            {
                foreach (var pattern in _patterns)
                {
                    _ = pattern.IsMatch(text);
                    if (Stopwatch.GetElapsedTime(started) > s_patternBudget)
                    {
                        return false;
                    }
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }

        return true;
    }

    private static void CollectStrings(JsonElement element, List<string> strings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                strings.Add(element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    strings.Add(property.Name);
                    CollectStrings(property.Value, strings);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectStrings(item, strings);
                }

                break;
        }
    }

    /// <summary>Every <c>pattern</c> and <c>patternProperties</c> key in the schema, compiled with a match timeout.</summary>
    private static Regex[] CompilePatterns(JsonElement root)
    {
        var patterns = new HashSet<string>(StringComparer.Ordinal);
        CollectPatterns(root, patterns);
        var compiled = new List<Regex>(patterns.Count);
        foreach (var pattern in patterns)
        {
            try
            {
                compiled.Add(new Regex(pattern, RegexOptions.CultureInvariant, s_patternTimeout));
            }
            catch (ArgumentException)
            {
                // Not a .NET pattern: JsonSchema.Net has its own view of it; nothing to bound here.
            }
        }

        return [.. compiled];
    }

    private static void CollectPatterns(JsonElement element, HashSet<string> patterns)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "pattern" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        patterns.Add(property.Value.GetString()!);
                    }
                    else if (property.Name == "patternProperties" && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var key in property.Value.EnumerateObject())
                        {
                            patterns.Add(key.Name);
                        }
                    }

                    CollectPatterns(property.Value, patterns);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectPatterns(item, patterns);
                }

                break;
        }
    }

    /// <summary>
    /// Refuses a <c>$ref</c>/<c>$dynamicRef</c> that points outside the document: nothing is ever fetched, so it could
    /// only fail at every call.
    /// </summary>
    private static void RefuseNonLocalRefs(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var path = pointer + "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                    if (property.Name is "$ref" or "$dynamicRef" && property.Value.ValueKind == JsonValueKind.String &&
                        property.Value.GetString() is { } target && !target.StartsWith('#'))
                    {
                        throw new OpenClawException(
                            $"invalid tool parameter schema: {property.Name} '{target}' at {path} points outside the schema; " +
                            "only local references ('#/$defs/...') are supported. Inline the referenced schema under $defs.");
                    }

                    RefuseNonLocalRefs(property.Value, path);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RefuseNonLocalRefs(item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture));
                    index++;
                }

                break;
        }
    }

    private static void Collect(EvaluationResults results, List<ValidationError> errors)
    {
        if (results.Errors is { Count: > 0 })
        {
            var path = results.InstanceLocation.ToString();
            foreach (var (_, message) in results.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var error = new ValidationError(path, message);
                if (!errors.Contains(error))
                {
                    errors.Add(error);
                }
            }
        }

        if (results.Details is { } details)
        {
            foreach (var child in details)
            {
                Collect(child, errors);
            }
        }
    }
}
