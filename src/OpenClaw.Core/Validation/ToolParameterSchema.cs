using System.Globalization;
using System.Text.Json;
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

    private readonly JsonSchema _schema;

    private ToolParameterSchema(JsonSchema schema, JsonElement document)
    {
        _schema = schema;
        Document = document;
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
            var schema = JsonSchema.Build(root, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return new ToolParameterSchema(schema, root);
        }
        catch (Exception ex) when (ex is JsonException or JsonSchemaException or RefResolutionException or ArgumentException)
        {
            throw new OpenClawException("invalid tool parameter schema: " + ex.Message, ex);
        }
    }

    /// <summary>Validates call parameters, returning every violation with its JSON Pointer.</summary>
    public ValidationResult Validate(JsonElement parameters)
    {
        var results = _schema.Evaluate(parameters, s_options);
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
