using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Validation;

/// <summary>
/// A tool's parameter schema (JSON Schema 2020-12, the keywords tool schemas use), compiled once and used to validate
/// every call before it runs.
/// </summary>
/// <remarks>
/// Thread-safe: one instance validates concurrent calls. Our own validator (<see cref="SchemaCompiler"/>), not a
/// library: a keyword it does not implement that would change validation is refused at <see cref="Parse"/>
/// (docs/tools.md lists what is supported).
/// </remarks>
public sealed class ToolParameterSchema
{
    private readonly SchemaNode _root;

    private ToolParameterSchema(SchemaNode root, JsonElement document)
    {
        _root = root;
        Document = document;
    }

    /// <summary>The schema as JSON, for <c>tools.list</c> and for the model's tool definition.</summary>
    public JsonElement Document { get; }

    /// <summary>Compiles a schema; a schema that is not valid JSON Schema is an <see cref="OpenClawException"/>.</summary>
    public static ToolParameterSchema Parse(string schemaJson)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        JsonElement root;
        try
        {
            // A keyword given twice would be read one way by the model's provider and perhaps another way here: refused.
            using var doc = JsonDocument.Parse(schemaJson, new JsonDocumentOptions { AllowDuplicateProperties = false });
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new OpenClawException("invalid tool parameter schema: " + ex.Message, ex);
        }

        return new ToolParameterSchema(SchemaCompiler.Compile(root), root);
    }

    /// <summary>Validates call parameters, returning every violation with its JSON Pointer.</summary>
    public ValidationResult Validate(JsonElement parameters)
    {
        var evaluator = new SchemaEvaluator();
        try
        {
            return evaluator.Evaluate(_root, parameters) ? ValidationResult.Valid : ValidationResult.FromErrors(evaluator.Errors);
        }
        catch (RegexMatchTimeoutException)
        {
            // One pattern ran past its timeout, or all of them past the call's budget ("^(a+)+$" on "aaaa…!").
            return ValidationResult.FromErrors(
                [new ValidationError("", "a 'pattern' in the tool's schema took too long to match these parameters; the call is refused.")]);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json will not decode a string holding a lone surrogate escape ("\ud800").
            return ValidationResult.FromErrors([new ValidationError("", "the parameters contain text that is not valid Unicode.")]);
        }
        catch (SchemaTooSlowException)
        {
            return ValidationResult.FromErrors(
                [new ValidationError("", "the tool's schema took too long to check these parameters; the call is refused.")]);
        }
        catch (SchemaTooDeepException)
        {
            return ValidationResult.FromErrors(
                [new ValidationError("", "the tool's schema refers to itself too deeply for these parameters; the call is refused.")]);
        }
    }
}
