using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Validation;

/// <summary>
/// Compiles a JSON Schema (2020-12, the vocabulary tool schemas use) into a <see cref="SchemaNode"/> tree, checking
/// every keyword's value. A keyword that would change validation but is not implemented here, a malformed value, or a
/// reference outside the document is refused with an <see cref="OpenClawException"/>: nothing is silently ignored.
/// </summary>
internal sealed class SchemaCompiler
{
    /// <summary>How long one pattern may take on one string before the call is refused.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private const string Prefix = "invalid tool parameter schema: ";

    /// <summary>Keywords that only annotate (or only identify) a schema: accepted, not checked, no effect.</summary>
    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "$anchor", "$vocabulary", "title", "description", "default", "examples",
        "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "contentSchema",
    };

    /// <summary>Standard keywords that change validation and that this validator does not implement: refused.</summary>
    private static readonly Dictionary<string, string> s_refused = new(StringComparer.Ordinal)
    {
        ["unevaluatedProperties"] = "use additionalProperties (with the properties listed in the same schema) instead",
        ["unevaluatedItems"] = "use items (after prefixItems) instead",
        ["$dynamicRef"] = "use a local $ref ('#/$defs/...') instead",
        ["$dynamicAnchor"] = "use a local $ref ('#/$defs/...') instead",
        ["$recursiveRef"] = "use a local $ref ('#/$defs/...') instead",
        ["$recursiveAnchor"] = "use a local $ref ('#/$defs/...') instead",
    };

    /// <summary>The formats that are checked; any other format is an annotation.</summary>
    private static readonly HashSet<string> s_formats = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname",
    };

    private readonly JsonElement _root;
    private readonly Dictionary<string, SchemaNode> _compiled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    private SchemaCompiler(JsonElement root) => _root = root;

    /// <summary>Compiles the schema document <paramref name="root"/>.</summary>
    public static SchemaNode Compile(JsonElement root) => new SchemaCompiler(root).CompileAt(root, "");

    private static OpenClawException Invalid(string location, string keyword, string problem) =>
        new(Prefix + $"'{keyword}' at {Display(location)} {problem}.");

    private static string Display(string location) => "#" + location;

    private static string Child(string location, string token) =>
        location + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Child(string location, int index) => location + "/" + index.ToString(CultureInfo.InvariantCulture);

    private SchemaNode CompileAt(JsonElement element, string location)
    {
        if (_compiled.TryGetValue(location, out var existing))
        {
            return existing;
        }

        var node = new SchemaNode(location);
        _compiled.Add(location, node);
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                node.Constant = true;
                return node;
            case JsonValueKind.False:
                node.Constant = false;
                return node;
            case JsonValueKind.Object:
                break;
            default:
                throw new OpenClawException(Prefix + $"the schema at {Display(location)} is {Describe(element.ValueKind)}; a schema is an object or a boolean.");
        }

        if (location.Length > 0 && element.TryGetProperty("$id", out _))
        {
            throw Invalid(location, "$id", "starts an embedded schema resource, which is not supported; only the root may have $id");
        }

        JsonElement? itemsArray = null;
        foreach (var property in element.EnumerateObject())
        {
            var keyword = property.Name;
            var value = property.Value;
            var at = Child(location, keyword);
            switch (keyword)
            {
                case "type":
                    node.Types = ParseTypes(value, location);
                    break;
                case "enum":
                    node.Enum = value.ValueKind == JsonValueKind.Array
                        ? [.. value.EnumerateArray()]
                        : throw Invalid(location, keyword, "must be an array");
                    break;
                case "const":
                    node.HasConst = true;
                    node.Const = value;
                    break;
                case "format":
                    var format = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(location, keyword, "must be a string");
                    node.Format = s_formats.Contains(format) ? format : null;
                    break;
                case "$ref":
                    node.Ref = ResolveRef(value, at);
                    break;
                case "$defs":
                case "definitions":
                    foreach (var (name, schema) in Members(value, location, keyword))
                    {
                        CompileAt(schema, Child(at, name));
                    }

                    break;
                case "properties":
                    node.Properties = [.. Members(value, location, keyword).Select(m => new SchemaProperty(m.Name, CompileAt(m.Value, Child(at, m.Name))))];
                    break;
                case "patternProperties":
                    node.PatternProperties =
                        [.. Members(value, location, keyword).Select(m => new SchemaPattern(m.Name, Regex(m.Name, location, keyword), CompileAt(m.Value, Child(at, m.Name))))];
                    break;
                case "additionalProperties":
                    node.AdditionalProperties = CompileAt(value, at);
                    break;
                case "propertyNames":
                    node.PropertyNames = CompileAt(value, at);
                    break;
                case "required":
                    node.Required = StringSet(value, location, keyword);
                    break;
                case "minProperties":
                    node.MinProperties = Count(value, location, keyword);
                    break;
                case "maxProperties":
                    node.MaxProperties = Count(value, location, keyword);
                    break;
                case "dependentRequired":
                    node.DependentRequired =
                        [.. node.DependentRequired ?? [], .. Members(value, location, keyword).Select(m => new SchemaDependentRequired(m.Name, StringSet(m.Value, Child(at, m.Name), keyword)))];
                    break;
                case "dependentSchemas":
                    node.DependentSchemas =
                        [.. node.DependentSchemas ?? [], .. Members(value, location, keyword).Select(m => new SchemaProperty(m.Name, CompileAt(m.Value, Child(at, m.Name))))];
                    break;
                case "dependencies":
                    // Draft 7's form of both: an array is dependentRequired, a schema is dependentSchemas.
                    var required = new List<SchemaDependentRequired>();
                    var schemas = new List<SchemaProperty>();
                    foreach (var (name, dependency) in Members(value, location, keyword))
                    {
                        if (dependency.ValueKind == JsonValueKind.Array)
                        {
                            required.Add(new SchemaDependentRequired(name, StringSet(dependency, Child(at, name), keyword)));
                        }
                        else
                        {
                            schemas.Add(new SchemaProperty(name, CompileAt(dependency, Child(at, name))));
                        }
                    }

                    node.DependentRequired = [.. node.DependentRequired ?? [], .. required];
                    node.DependentSchemas = [.. node.DependentSchemas ?? [], .. schemas];
                    break;
                case "prefixItems":
                    node.PrefixItems = SchemaArray(value, location, keyword);
                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        // Draft 7 / 2019-09 tuple form: the same as prefixItems (and additionalItems as items).
                        itemsArray = value;
                    }
                    else
                    {
                        node.Items = CompileAt(value, at);
                    }

                    break;
                case "additionalItems":
                    break;
                case "contains":
                    node.Contains = CompileAt(value, at);
                    break;
                case "minContains":
                    node.MinContains = Count(value, location, keyword);
                    break;
                case "maxContains":
                    node.MaxContains = Count(value, location, keyword);
                    break;
                case "minItems":
                    node.MinItems = Count(value, location, keyword);
                    break;
                case "maxItems":
                    node.MaxItems = Count(value, location, keyword);
                    break;
                case "uniqueItems":
                    node.UniqueItems = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw Invalid(location, keyword, "must be true or false"),
                    };
                    break;
                case "minLength":
                    node.MinLength = Count(value, location, keyword);
                    break;
                case "maxLength":
                    node.MaxLength = Count(value, location, keyword);
                    break;
                case "pattern":
                    var source = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(location, keyword, "must be a string");
                    node.Pattern = new SchemaPattern(source, Regex(source, location, keyword), null);
                    break;
                case "minimum":
                    node.Minimum = Number(value, location, keyword);
                    break;
                case "maximum":
                    node.Maximum = Number(value, location, keyword);
                    break;
                case "exclusiveMinimum":
                    node.ExclusiveMinimum = Number(value, location, keyword);
                    break;
                case "exclusiveMaximum":
                    node.ExclusiveMaximum = Number(value, location, keyword);
                    break;
                case "multipleOf":
                    var divisor = Number(value, location, keyword);
                    node.MultipleOf = divisor.CompareTo(new SchemaNumber(true, 0, 0)) > 0 ? divisor : throw Invalid(location, keyword, "must be greater than 0");
                    break;
                case "allOf":
                    node.AllOf = SchemaArray(value, location, keyword);
                    break;
                case "anyOf":
                    node.AnyOf = SchemaArray(value, location, keyword);
                    break;
                case "oneOf":
                    node.OneOf = SchemaArray(value, location, keyword);
                    break;
                case "not":
                    node.Not = CompileAt(value, at);
                    break;
                case "if":
                    node.If = CompileAt(value, at);
                    break;
                case "then":
                    node.Then = CompileAt(value, at);
                    break;
                case "else":
                    node.Else = CompileAt(value, at);
                    break;
                default:
                    if (s_refused.TryGetValue(keyword, out var instead))
                    {
                        throw Invalid(location, keyword, "is not supported by this validator; " + instead);
                    }

                    // An annotation, or a keyword JSON Schema does not define (which it says to ignore).
                    break;
            }
        }

        if (element.TryGetProperty("additionalItems", out var additionalItems))
        {
            if (itemsArray is null)
            {
                throw Invalid(location, "additionalItems", "only applies to the array form of 'items'; use 'items' (after 'prefixItems') instead");
            }

            node.Items = CompileAt(additionalItems, Child(location, "additionalItems"));
        }

        if (itemsArray is { } tuple)
        {
            if (node.PrefixItems is not null)
            {
                throw Invalid(location, "items", "is an array (the draft 7 tuple form) next to 'prefixItems'; use 'prefixItems' and a schema for 'items'");
            }

            node.PrefixItems = SchemaArray(tuple, location, "items");
        }

        return node;
    }

    private SchemaNode ResolveRef(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new OpenClawException(Prefix + $"'$ref' at {Display(at)} must be a string.");
        }

        var target = value.GetString()!;
        if (!target.StartsWith('#'))
        {
            throw new OpenClawException(
                Prefix + $"$ref '{target}' at {at} points outside the schema; " +
                "only local references ('#/$defs/...') are supported. Inline the referenced schema under $defs.");
        }

        if (target.Length > 1 && target[1] != '/')
        {
            throw new OpenClawException(
                Prefix + $"$ref '{target}' at {at} names an anchor, which is not supported; use a JSON Pointer such as '#/$defs/name'.");
        }

        string fragment;
        try
        {
            fragment = Uri.UnescapeDataString(target[1..]);
        }
        catch (UriFormatException)
        {
            fragment = target[1..];
        }

        var element = _root;
        var location = "";
        if (fragment.Length > 0)
        {
            foreach (var escaped in fragment[1..].Split('/'))
            {
                var token = escaped.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var child))
                {
                    element = child;
                    location = Child(location, token);
                }
                else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
                         index.ToString(CultureInfo.InvariantCulture) == token && index < element.GetArrayLength())
                {
                    element = element[index];
                    location = Child(location, index);
                }
                else
                {
                    throw new OpenClawException(Prefix + $"$ref '{target}' at {at} does not point at anything in the schema.");
                }
            }
        }

        return CompileAt(element, location);
    }

    private static SchemaTypes ParseTypes(JsonElement value, string location)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return TypeOf(value.GetString()!, location);
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid(location, "type", "must be a type name or a non-empty array of them");
        }

        var types = SchemaTypes.None;
        foreach (var item in value.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.String ? TypeOf(item.GetString()!, location) : throw Invalid(location, "type", "must list type names (strings)");
            if ((types & type) != 0)
            {
                throw Invalid(location, "type", "lists a type twice");
            }

            types |= type;
        }

        return types;
    }

    private static SchemaTypes TypeOf(string name, string location) => name switch
    {
        "null" => SchemaTypes.Null,
        "boolean" => SchemaTypes.Boolean,
        "object" => SchemaTypes.Object,
        "array" => SchemaTypes.Array,
        "number" => SchemaTypes.Number,
        "string" => SchemaTypes.String,
        "integer" => SchemaTypes.Integer,
        _ => throw Invalid(location, "type", $"names an unknown type \"{name}\" (null, boolean, object, array, number, string or integer)"),
    };

    private static List<(string Name, JsonElement Value)> Members(JsonElement value, string location, string keyword)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(location, keyword, "must be an object");
        }

        return value.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
    }

    private SchemaNode[] SchemaArray(JsonElement value, string location, string keyword)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid(location, keyword, "must be a non-empty array of schemas");
        }

        var at = Child(location, keyword);
        var nodes = new SchemaNode[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            nodes[i] = CompileAt(item, Child(at, i));
            i++;
        }

        return nodes;
    }

    private static string[] StringSet(JsonElement value, string location, string keyword)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(location, keyword, "must be an array of strings");
        }

        var names = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid(location, keyword, "must be an array of strings");
            if (names.Contains(name))
            {
                throw Invalid(location, keyword, $"lists \"{name}\" twice");
            }

            names.Add(name);
        }

        return [.. names];
    }

    private static long Count(JsonElement value, string location, string keyword)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            var number = SchemaNumber.From(value);
            if (number.IsInteger && number.CompareTo(new SchemaNumber(true, 0, 0)) >= 0)
            {
                return number.IsDecimal && number.Decimal <= long.MaxValue ? (long)number.Decimal : long.MaxValue;
            }
        }

        throw Invalid(location, keyword, "must be a non-negative integer");
    }

    private static SchemaNumber Number(JsonElement value, string location, string keyword) =>
        value.ValueKind == JsonValueKind.Number ? SchemaNumber.From(value) : throw Invalid(location, keyword, "must be a number");

    private Regex Regex(string pattern, string location, string keyword)
    {
        if (_regexes.TryGetValue(pattern, out var regex))
        {
            return regex;
        }

        try
        {
            regex = new Regex(EcmaPattern.ToDotNet(pattern), RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(location, keyword, $"is not a valid regular expression (\"{pattern}\": {ex.Message})");
        }

        _regexes.Add(pattern, regex);
        return regex;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
