using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Validation;

/// <summary>
/// One validation of one value against a compiled <see cref="SchemaNode"/> tree: the instance path, the errors, the
/// pattern time budget and the recursion depth. Not shared between calls (the tree is).
/// </summary>
/// <remarks>
/// Each keyword is checked in "collect" mode (record every violation with its JSON Pointer) or not (stop at the first
/// one: for the branches of anyOf/oneOf/not/if/contains, whose own errors are only reported when they decide the
/// outcome). The valid path allocates nothing but this object and its path stack.
/// </remarks>
internal sealed class SchemaEvaluator
{
    /// <summary>How long all the patterns of one call may take together.</summary>
    private static readonly TimeSpan s_patternBudget = TimeSpan.FromSeconds(2);

    /// <summary>How deep schemas may nest while validating one value ($ref cycles that never descend into the value).</summary>
    private const int MaxDepth = 256;

    private readonly long _started = Stopwatch.GetTimestamp();
    private PathSegment[] _path = new PathSegment[16];
    private int _pathLength;
    private int _depth;
    private long _steps;
    private List<ValidationError>? _errors;

    /// <summary>The errors collected so far (empty when valid).</summary>
    public IReadOnlyList<ValidationError> Errors => _errors ?? (IReadOnlyList<ValidationError>)[];

    /// <summary>Validates <paramref name="instance"/> against <paramref name="node"/>, collecting every error.</summary>
    public bool Evaluate(SchemaNode node, JsonElement instance) => Evaluate(node, instance, collect: true);

    private bool Evaluate(SchemaNode node, JsonElement instance, bool collect)
    {
        if (node.Constant is { } constant)
        {
            if (!constant && collect)
            {
                Report("no value is allowed here (the schema is false).");
            }

            return constant;
        }

        if (++_depth > MaxDepth)
        {
            throw new SchemaTooDeepException();
        }

        // Breadth as well as depth: allOf/anyOf chains through $defs can multiply the work without nesting deeper.
        if ((++_steps & 1023) == 0 && Stopwatch.GetElapsedTime(_started) > s_patternBudget)
        {
            _depth--;
            throw new SchemaTooSlowException();
        }

        try
        {
            var valid = true;
            if (node.Ref is { } target)
            {
                valid = Evaluate(target, instance, collect);
                if (!valid && !collect)
                {
                    return false;
                }
            }

            valid &= EvaluateGeneric(node, instance, collect);
            if (!valid && !collect)
            {
                return false;
            }

            valid &= instance.ValueKind switch
            {
                JsonValueKind.Object => EvaluateObject(node, instance, collect),
                JsonValueKind.Array => EvaluateArray(node, instance, collect),
                JsonValueKind.String => EvaluateString(node, instance, collect),
                JsonValueKind.Number => EvaluateNumber(node, instance, collect),
                _ => true,
            };
            if (!valid && !collect)
            {
                return false;
            }

            valid &= EvaluateApplicators(node, instance, collect);
            return valid;
        }
        finally
        {
            _depth--;
        }
    }

    private bool EvaluateGeneric(SchemaNode node, JsonElement instance, bool collect)
    {
        var valid = true;
        if (node.Types != SchemaTypes.None && !TypeMatches(node.Types, instance))
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report($"value is {TypeName(instance)} but should be {TypeNames(node.Types)}.");
        }

        if (node.HasConst && !SchemaJson.JsonEquals(node.Const, instance))
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report($"value should be {Clip(node.Const.GetRawText())}.");
        }

        if (node.Enum is { } values)
        {
            var found = false;
            foreach (var value in values)
            {
                if (SchemaJson.JsonEquals(value, instance))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                Report($"value should be one of {Clip(string.Join(", ", values.Select(v => v.GetRawText())))}.");
            }
        }

        return valid;
    }

    private bool EvaluateObject(SchemaNode node, JsonElement instance, bool collect)
    {
        var valid = true;
        if (node.Required is { } required)
        {
            foreach (var name in required)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    if (!collect)
                    {
                        return false;
                    }

                    valid = false;
                    Report($"required property \"{name}\" is missing.");
                }
            }
        }

        if (node.MinProperties is not null || node.MaxProperties is not null)
        {
            long count = 0;
            foreach (var unused in instance.EnumerateObject())
            {
                count++;
            }

            if (count < node.MinProperties || count > node.MaxProperties)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                Report(count < node.MinProperties
                    ? $"object should have at least {node.MinProperties} properties (has {count})."
                    : $"object should have at most {node.MaxProperties} properties (has {count}).");
            }
        }

        if (node.DependentRequired is { } dependentRequired)
        {
            foreach (var dependency in dependentRequired)
            {
                if (!instance.TryGetProperty(dependency.Name, out _))
                {
                    continue;
                }

                foreach (var name in dependency.Required)
                {
                    if (!instance.TryGetProperty(name, out _))
                    {
                        if (!collect)
                        {
                            return false;
                        }

                        valid = false;
                        Report($"property \"{name}\" is required when \"{dependency.Name}\" is present.");
                    }
                }
            }
        }

        if (node.DependentSchemas is { } dependentSchemas)
        {
            foreach (var dependency in dependentSchemas)
            {
                if (instance.TryGetProperty(dependency.Name, out _) && !Evaluate(dependency.Schema, instance, collect))
                {
                    if (!collect)
                    {
                        return false;
                    }

                    valid = false;
                }
            }
        }

        if (node.Properties is null && node.PatternProperties is null && node.AdditionalProperties is null && node.PropertyNames is null)
        {
            return valid;
        }

        foreach (var property in instance.EnumerateObject())
        {
            Push(new PathSegment(property, -1));
            try
            {
                if (node.PropertyNames is { } propertyNames && !EvaluatePropertyName(propertyNames, property, collect))
                {
                    if (!collect)
                    {
                        return false;
                    }

                    valid = false;
                }

                var matched = false;
                if (node.Properties is { } properties)
                {
                    foreach (var declared in properties)
                    {
                        if (property.NameEquals(declared.Name))
                        {
                            matched = true;
                            if (!Evaluate(declared.Schema, property.Value, collect))
                            {
                                if (!collect)
                                {
                                    return false;
                                }

                                valid = false;
                            }
                        }
                    }
                }

                if (node.PatternProperties is { } patterns)
                {
                    foreach (var pattern in patterns)
                    {
                        if (Match(pattern, default, property, isName: true))
                        {
                            matched = true;
                            if (!Evaluate(pattern.Schema!, property.Value, collect))
                            {
                                if (!collect)
                                {
                                    return false;
                                }

                                valid = false;
                            }
                        }
                    }
                }

                if (!matched && node.AdditionalProperties is { } additional)
                {
                    if (additional.Constant == false)
                    {
                        if (!collect)
                        {
                            return false;
                        }

                        valid = false;
                        Report($"property \"{property.Name}\" is not allowed (additionalProperties is false).");
                    }
                    else if (!Evaluate(additional, property.Value, collect))
                    {
                        if (!collect)
                        {
                            return false;
                        }

                        valid = false;
                    }
                }
            }
            finally
            {
                Pop();
            }
        }

        return valid;
    }

    /// <summary>Validates a property's name, as a string value, against <c>propertyNames</c>.</summary>
    private bool EvaluatePropertyName(SchemaNode propertyNames, JsonProperty property, bool collect)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        var quoted = new byte[raw.Length + 2];
        quoted[0] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        using var name = JsonDocument.Parse(quoted);
        if (Evaluate(propertyNames, name.RootElement, collect: false))
        {
            return true;
        }

        if (collect)
        {
            Report($"property name \"{property.Name}\" does not match the schema for property names.");
        }

        return false;
    }

    private bool EvaluateArray(SchemaNode node, JsonElement instance, bool collect)
    {
        var valid = true;
        var length = instance.GetArrayLength();
        if (length < node.MinItems || length > node.MaxItems)
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report(length < node.MinItems
                ? $"array should have at least {node.MinItems} items (has {length})."
                : $"array should have at most {node.MaxItems} items (has {length}).");
        }

        if (node.UniqueItems && length > 1)
        {
            // Indexing a JsonElement array walks it: take the items once.
            var items = instance.EnumerateArray().ToArray();
            for (var i = 1; i < length; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (SchemaJson.JsonEquals(items[i], items[j]))
                    {
                        if (!collect)
                        {
                            return false;
                        }

                        valid = false;
                        Report($"array items {j} and {i} are equal; items should be unique.");
                        i = length;
                        break;
                    }
                }
            }
        }

        if (node.PrefixItems is not null || node.Items is not null)
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                var schema = node.PrefixItems is { } prefix && index < prefix.Length ? prefix[index] : node.Items;
                if (schema is not null)
                {
                    Push(new PathSegment(default, index));
                    try
                    {
                        if (!Evaluate(schema, item, collect))
                        {
                            if (!collect)
                            {
                                return false;
                            }

                            valid = false;
                        }
                    }
                    finally
                    {
                        Pop();
                    }
                }

                index++;
            }
        }

        if (node.Contains is { } contains)
        {
            long matches = 0;
            foreach (var item in instance.EnumerateArray())
            {
                matches += Evaluate(contains, item, collect: false) ? 1 : 0;
            }

            var min = node.MinContains ?? 1;
            if (matches < min || matches > node.MaxContains)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                Report(matches < min
                    ? $"array should contain at least {min} item(s) matching 'contains' (has {matches})."
                    : $"array should contain at most {node.MaxContains} item(s) matching 'contains' (has {matches}).");
            }
        }

        return valid;
    }

    private bool EvaluateString(SchemaNode node, JsonElement instance, bool collect)
    {
        var valid = true;
        if (node.MinLength is not null || node.MaxLength is not null)
        {
            var length = SchemaJson.CodePointLength(instance);
            if (length < node.MinLength || length > node.MaxLength)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                Report(length < node.MinLength
                    ? $"string should have at least {node.MinLength} characters (has {length})."
                    : $"string should have at most {node.MaxLength} characters (has {length}).");
            }
        }

        if (node.Pattern is { } pattern && !Match(pattern, instance, default, isName: false))
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report($"string does not match the pattern \"{Clip(pattern.Source)}\".");
        }

        if (node.Format is { } format && !SchemaFormats.IsValid(format, instance.GetString()!))
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report($"string is not a valid {format}.");
        }

        return valid;
    }

    private bool EvaluateNumber(SchemaNode node, JsonElement instance, bool collect)
    {
        if (node.Minimum is null && node.Maximum is null && node.ExclusiveMinimum is null && node.ExclusiveMaximum is null && node.MultipleOf is null)
        {
            return true;
        }

        var valid = true;
        var value = SchemaNumber.From(instance);
        if (node.Minimum is { } minimum && value.CompareTo(minimum) < 0)
        {
            valid = collect && Fail($"value should be at least {minimum}.");
        }

        if (node.ExclusiveMinimum is { } exclusiveMinimum && value.CompareTo(exclusiveMinimum) <= 0)
        {
            valid = collect && Fail($"value should be greater than {exclusiveMinimum}.");
        }

        if (node.Maximum is { } maximum && value.CompareTo(maximum) > 0)
        {
            valid = collect && Fail($"value should be at most {maximum}.");
        }

        if (node.ExclusiveMaximum is { } exclusiveMaximum && value.CompareTo(exclusiveMaximum) >= 0)
        {
            valid = collect && Fail($"value should be less than {exclusiveMaximum}.");
        }

        if (node.MultipleOf is { } multipleOf && !value.IsMultipleOf(multipleOf))
        {
            valid = collect && Fail($"value should be a multiple of {multipleOf}.");
        }

        return valid;
    }

    /// <summary>Reports an error and returns false (so "valid = collect &amp;&amp; Fail(...)" is false either way).</summary>
    private bool Fail(string message)
    {
        Report(message);
        return false;
    }

    private bool EvaluateApplicators(SchemaNode node, JsonElement instance, bool collect)
    {
        var valid = true;
        if (node.AllOf is { } allOf)
        {
            foreach (var schema in allOf)
            {
                if (!Evaluate(schema, instance, collect))
                {
                    if (!collect)
                    {
                        return false;
                    }

                    valid = false;
                }
            }
        }

        if (node.AnyOf is { } anyOf)
        {
            var any = false;
            foreach (var schema in anyOf)
            {
                if (Evaluate(schema, instance, collect: false))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                Report("value does not match any of the 'anyOf' schemas:");
                foreach (var schema in anyOf)
                {
                    Evaluate(schema, instance, collect: true);
                }
            }
        }

        if (node.OneOf is { } oneOf)
        {
            var matching = new List<int>();
            for (var i = 0; i < oneOf.Length; i++)
            {
                if (Evaluate(oneOf[i], instance, collect: false))
                {
                    matching.Add(i);
                }
            }

            if (matching.Count != 1)
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
                if (matching.Count == 0)
                {
                    Report("value does not match any of the 'oneOf' schemas:");
                    foreach (var schema in oneOf)
                    {
                        Evaluate(schema, instance, collect: true);
                    }
                }
                else
                {
                    Report($"value matches {matching.Count} of the 'oneOf' schemas ({string.Join(", ", matching)}); exactly one must match.");
                }
            }
        }

        if (node.Not is { } not && Evaluate(not, instance, collect: false))
        {
            if (!collect)
            {
                return false;
            }

            valid = false;
            Report("value must not match the 'not' schema.");
        }

        if (node.If is { } condition && (node.Then is not null || node.Else is not null))
        {
            var branch = Evaluate(condition, instance, collect: false) ? node.Then : node.Else;
            if (branch is not null && !Evaluate(branch, instance, collect))
            {
                if (!collect)
                {
                    return false;
                }

                valid = false;
            }
        }

        return valid;
    }

    /// <summary>Runs a pattern on a string value or a property name, within the per-match timeout and the call's budget.</summary>
    private bool Match(SchemaPattern pattern, JsonElement value, JsonProperty property, bool isName)
    {
        var matched = isName ? SchemaJson.IsMatchName(pattern, property) : SchemaJson.IsMatch(pattern, value);
        if (Stopwatch.GetElapsedTime(_started) > s_patternBudget)
        {
            throw new RegexMatchTimeoutException();
        }

        return matched;
    }

    private static bool TypeMatches(SchemaTypes types, JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Null => (types & SchemaTypes.Null) != 0,
        JsonValueKind.True or JsonValueKind.False => (types & SchemaTypes.Boolean) != 0,
        JsonValueKind.Object => (types & SchemaTypes.Object) != 0,
        JsonValueKind.Array => (types & SchemaTypes.Array) != 0,
        JsonValueKind.String => (types & SchemaTypes.String) != 0,
        JsonValueKind.Number => (types & SchemaTypes.Number) != 0 ||
                                ((types & SchemaTypes.Integer) != 0 && SchemaNumber.From(instance).IsInteger),
        _ => false,
    };

    private static string TypeName(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => SchemaNumber.From(instance).IsInteger ? "integer" : "number",
        _ => "undefined",
    };

    private static string TypeNames(SchemaTypes types)
    {
        var names = new List<string>();
        foreach (var (flag, name) in s_typeNames)
        {
            if ((types & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names.Count == 1 ? names[0] : "one of " + string.Join(", ", names);
    }

    private static readonly (SchemaTypes Flag, string Name)[] s_typeNames =
    [
        (SchemaTypes.Object, "object"), (SchemaTypes.Array, "array"), (SchemaTypes.String, "string"), (SchemaTypes.Number, "number"),
        (SchemaTypes.Integer, "integer"), (SchemaTypes.Boolean, "boolean"), (SchemaTypes.Null, "null"),
    ];

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private void Push(PathSegment segment)
    {
        if (_pathLength == _path.Length)
        {
            Array.Resize(ref _path, _path.Length * 2);
        }

        _path[_pathLength++] = segment;
    }

    private void Pop() => _pathLength--;

    /// <summary>Records an error at the current instance location (an identical error is kept once).</summary>
    private void Report(string message)
    {
        var pointer = new StringBuilder();
        for (var i = 0; i < _pathLength; i++)
        {
            pointer.Append('/');
            var segment = _path[i];
            if (segment.Index >= 0)
            {
                pointer.Append(segment.Index.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                pointer.Append(segment.Property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
            }
        }

        var error = new ValidationError(pointer.ToString(), message);
        _errors ??= [];
        if (!_errors.Contains(error))
        {
            _errors.Add(error);
        }
    }

    /// <summary>One step of the instance path: an object member or an array index (then <see cref="Index"/> ≥ 0).</summary>
    private readonly record struct PathSegment(JsonProperty Property, int Index);
}

/// <summary>Schemas nested deeper than the evaluator allows for one value (a <c>$ref</c> cycle that never descends).</summary>
/// <summary>Validating one value took longer than the call's budget (a schema whose combinators multiply the work).</summary>
internal sealed class SchemaTooSlowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaTooSlowException()
        : base("validation took too long")
    {
    }
}

internal sealed class SchemaTooDeepException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaTooDeepException()
        : base("the schema nests too deeply for this value")
    {
    }
}
