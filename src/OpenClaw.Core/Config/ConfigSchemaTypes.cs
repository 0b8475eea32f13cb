using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Config;

/// <summary>State of one bind: the environment, the state directory and every error found so far.</summary>
internal sealed class BindContext(StatePaths paths, Func<string, string?> getEnvironmentVariable)
{
    public StatePaths Paths { get; } = paths;

    public List<ConfigError> Errors { get; } = [];

    public void Error(string path, TextPosition at, string message) => Errors.Add(new ConfigError(path, at.Line, at.Column, message));

    public void Error(string path, Json5Node node, string message) => Error(path, node.Span.Start, message);

    /// <summary>Expands <c>${NAME}</c>; records an error naming the variable and returns <see langword="null"/> when it cannot.</summary>
    public string? Expand(string text, string path, Json5Node node)
    {
        var missing = new List<string>();
        var value = EnvTemplate.Expand(text, getEnvironmentVariable, missing, out var error);
        if (error is not null)
        {
            Error(path, node, error);
        }
        else if (missing.Count > 0)
        {
            Error(path, node, missing.Count == 1
                ? $"environment variable {missing[0]} is not set (set it, or write '$${{' for a literal '${{')"
                : $"environment variables {string.Join(", ", missing)} are not set");
        }

        return value;
    }
}

/// <summary>How one kind of config value is read from a node, described in JSON Schema, and written back as JSON.</summary>
internal abstract class ValueType<T>
{
    /// <summary>What a valid value looks like, for "expected …" messages.</summary>
    public abstract string Expected { get; }

    /// <summary>Reads <paramref name="node"/>; on failure records errors in <paramref name="ctx"/> and returns false.</summary>
    public abstract bool TryBind(Json5Node node, BindContext ctx, string path, T current, [MaybeNullWhen(false)] out T value);

    /// <summary>Writes this type's JSON Schema keywords into the object being written.</summary>
    public abstract void WriteSchema(Utf8JsonWriter writer);

    /// <summary>Whether <see cref="WriteSchema"/> writes a <c>description</c> itself (a field then writes none: a keyword twice is invalid).</summary>
    public virtual bool WritesDescription => false;

    /// <summary>Writes <paramref name="value"/> as JSON (literal secrets redacted).</summary>
    public abstract void WriteValue(Utf8JsonWriter writer, T value);

    protected bool Mismatch(BindContext ctx, string path, Json5Node node)
    {
        ctx.Error(path, node, $"expected {Expected}, found {Describe(node)}");
        return false;
    }

    internal static string Describe(Json5Node node) => node switch
    {
        Json5String s => $"the string {Quote(s.Value)}",
        Json5Number n => $"the number {n.Text}",
        Json5Boolean b => b.Value ? "true" : "false",
        Json5Null => "null",
        Json5Array => "an array",
        _ => "an object",
    };

    /// <summary>The kind of a node without its value, for fields that may hold secrets.</summary>
    internal static string DescribeKind(Json5Node node) => node switch
    {
        Json5String => "a string",
        Json5Number => "a number",
        Json5Boolean => "a boolean",
        Json5Null => "null",
        Json5Array => "an array",
        _ => "an object",
    };

    internal static string Quote(string s)
    {
        var clipped = s.Length > 60 ? s[..60] + "…" : s;
        var chars = clipped.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return "\"" + new string(chars) + "\"";
    }

    /// <summary>Numbers and booleans may come from the environment: a string holding only <c>${…}</c> text is expanded and parsed.</summary>
    /// <summary>
    /// Reads a number written as a literal or as a string that is a number once <c>${ENV}</c> is substituted
    /// (e.g. <c>port: "${PORT}"</c>); reports the error itself and returns false otherwise.
    /// </summary>
    protected bool TryReadNumber(Json5Node node, BindContext ctx, string path, out double number)
    {
        number = 0;
        if (node is Json5Number n)
        {
            number = n.Value;
            return true;
        }

        if (ExpandedScalar(node, ctx, path) is { } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
            {
                return true;
            }

            ctx.Error(path, node, $"expected {Expected}, found {Quote(text)} after substituting the environment");
            return false;
        }

        // A string with ${…} that failed to expand has had its error reported already.
        return node is Json5String s && EnvTemplate.HasMarkers(s.Value) ? false : Mismatch(ctx, path, node);
    }

    protected static string? ExpandedScalar(Json5Node node, BindContext ctx, string path) =>
        node is Json5String s && EnvTemplate.HasMarkers(s.Value) ? ctx.Expand(s.Value, path, node)?.Trim() : null;
}

internal sealed class StringType(
    string expected = "a string",
    bool allowEmpty = true,
    bool nullable = false,
    Func<string, string?>? check = null,
    string? format = null,
    string? pattern = null,
    bool allowInteger = false) : ValueType<string?>
{
    public override string Expected => expected;

    public override bool TryBind(Json5Node node, BindContext ctx, string path, string? current, out string? value)
    {
        value = null;
        if (node is Json5Null && nullable)
        {
            return true;
        }

        string? text;
        if (allowInteger && node is Json5Number n && IsIntegerText(n.Text))
        {
            // Ids such as Telegram peers are numbers; written bare they mean the same as the quoted digits.
            text = n.Text.StartsWith('+') ? n.Text[1..] : n.Text;
        }
        else if (node is not Json5String s)
        {
            return Mismatch(ctx, path, node);
        }
        else
        {
            text = ctx.Expand(s.Value, path, node);
            if (text is null)
            {
                return false;
            }
        }

        if (!allowEmpty && text.Length == 0)
        {
            ctx.Error(path, node, $"expected {expected}, found an empty string");
            return false;
        }

        if (check?.Invoke(text) is { } problem)
        {
            ctx.Error(path, node, problem);
            return false;
        }

        value = text;
        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        if (nullable || allowInteger)
        {
            writer.WriteStartArray("type");
            writer.WriteStringValue("string");
            if (allowInteger)
            {
                writer.WriteStringValue("integer");
            }

            if (nullable)
            {
                writer.WriteStringValue("null");
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("type", "string");
        }

        if (!allowEmpty)
        {
            writer.WriteNumber("minLength", 1);
        }

        if (format is not null)
        {
            writer.WriteString("format", format);
        }

        if (pattern is not null)
        {
            writer.WriteString("pattern", pattern);
        }
    }

    public override void WriteValue(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static bool IsIntegerText(string text)
    {
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        return digits.Length is > 0 and <= 20 && digits.All(char.IsAsciiDigit);
    }
}

internal sealed class IntType(int min, int max) : ValueType<int>
{
    public override string Expected => $"an integer from {min} to {max}";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, int current, out int value)
    {
        value = 0;
        if (!TryReadNumber(node, ctx, path, out var number))
        {
            return false;
        }

        if (!double.IsFinite(number) || Math.Floor(number) != number || number < min || number > max)
        {
            ctx.Error(path, node, $"expected {Expected}, found {number.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        value = (int)number;
        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "integer");
        writer.WriteNumber("minimum", min);
        writer.WriteNumber("maximum", max);
    }

    public override void WriteValue(Utf8JsonWriter writer, int value) => writer.WriteNumberValue(value);
}

internal sealed class NumberType(double min, double max) : ValueType<double>
{
    public override string Expected =>
        $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, double current, out double value)
    {
        if (!TryReadNumber(node, ctx, path, out value))
        {
            return false;
        }

        if (!double.IsFinite(value) || value < min || value > max)
        {
            ctx.Error(path, node, $"expected {Expected}, found {value.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "number");
        writer.WriteNumber("minimum", min);
        writer.WriteNumber("maximum", max);
    }

    public override void WriteValue(Utf8JsonWriter writer, double value) => writer.WriteNumberValue(value);
}

internal sealed class BoolType : ValueType<bool>
{
    public static readonly BoolType Instance = new();

    public override string Expected => "true or false";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, bool current, out bool value)
    {
        value = false;
        if (node is Json5Boolean b)
        {
            value = b.Value;
            return true;
        }

        if (ExpandedScalar(node, ctx, path) is { } text)
        {
            if (bool.TryParse(text, out value))
            {
                return true;
            }

            ctx.Error(path, node, $"expected {Expected}, found {Quote(text)} after substituting the environment");
            return false;
        }

        return node is Json5String s && EnvTemplate.HasMarkers(s.Value) ? false : Mismatch(ctx, path, node);
    }

    public override void WriteSchema(Utf8JsonWriter writer) => writer.WriteString("type", "boolean");

    public override void WriteValue(Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);
}

internal sealed class EnumType<TEnum>(params (string Name, TEnum Value)[] members) : ValueType<TEnum>
    where TEnum : struct
{
    public override string Expected => "one of " + string.Join(", ", members.Select(m => "\"" + m.Name + "\""));

    public override bool TryBind(Json5Node node, BindContext ctx, string path, TEnum current, out TEnum value)
    {
        value = default;
        if (node is not Json5String s)
        {
            return Mismatch(ctx, path, node);
        }

        var text = ctx.Expand(s.Value, path, node);
        if (text is null)
        {
            return false;
        }

        foreach (var (name, member) in members)
        {
            if (name == text)
            {
                value = member;
                return true;
            }
        }

        var suggestion = Suggestions.Nearest(text, members.Select(m => m.Name));
        ctx.Error(path, node, $"expected {Expected}, found {Quote(text)}" + (suggestion is null ? "" : $"; did you mean \"{suggestion}\"?"));
        return false;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "string");
        writer.WriteStartArray("enum");
        foreach (var (name, _) in members)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }

    public override void WriteValue(Utf8JsonWriter writer, TEnum value)
    {
        foreach (var (name, member) in members)
        {
            if (EqualityComparer<TEnum>.Default.Equals(member, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }

        writer.WriteNullValue();
    }
}

/// <summary>A Telegram id: a (possibly negative) integer, written as a number or a string, or <c>"*"</c>.</summary>
internal sealed class TelegramIdType : ValueType<string?>
{
    public static readonly TelegramIdType Instance = new();

    public override string Expected => "a Telegram id (digits, as a number or a string) or \"*\"";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, string? current, out string? value)
    {
        value = null;
        string? text;
        if (node is Json5Number n)
        {
            text = n.Text.StartsWith('+') ? n.Text[1..] : n.Text;
        }
        else if (node is Json5String s)
        {
            text = ctx.Expand(s.Value, path, node);
            if (text is null)
            {
                return false;
            }
        }
        else
        {
            return Mismatch(ctx, path, node);
        }

        var digits = text.StartsWith('-') ? text[1..] : text;
        if (text != "*" && (digits.Length == 0 || digits.Length > 20 || !digits.All(char.IsAsciiDigit)))
        {
            ctx.Error(path, node, $"expected {Expected}, found {Describe(node)}");
            return false;
        }

        value = text;
        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("type");
        writer.WriteStringValue("string");
        writer.WriteStringValue("integer");
        writer.WriteEndArray();
        writer.WriteString("pattern", "^(\\*|-?[0-9]{1,20})$");
    }

    public override void WriteValue(Utf8JsonWriter writer, string? value) => writer.WriteStringValue(value);
}

internal sealed class SecretType : ValueType<SecretReference>
{
    public static readonly SecretType Instance = new();

    public override string Expected => "\"${ENV_NAME}\", \"cred:NAME\" or the secret itself";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, SecretReference current, out SecretReference value)
    {
        value = null!;
        if (node is not Json5String s)
        {
            // Only the kind: the value may be the secret itself (apiKey: 12345…).
            ctx.Error(path, node, $"expected {Expected}, found {DescribeKind(node)}");
            return false;
        }

        if (s.Value.Length == 0)
        {
            ctx.Error(path, node, $"expected {Expected}, found an empty string (remove the key to use the default credential)");
            return false;
        }

        var parsed = SecretReference.TryParse(s.Value, out var error);
        if (parsed is null)
        {
            ctx.Error(path, node, error!);
            return false;
        }

        value = parsed;
        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "string");
        writer.WriteNumber("minLength", 1);
    }

    public override void WriteValue(Utf8JsonWriter writer, SecretReference value) => writer.WriteStringValue(value.ToString());
}

internal sealed class ListType<T>(ValueType<T> item, Func<T>? newItem = null, int maxItems = 10_000) : ValueType<IReadOnlyList<T>>
{
    public override string Expected => $"an array of {item.Expected}";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, IReadOnlyList<T> current, [MaybeNullWhen(false)] out IReadOnlyList<T> value)
    {
        value = null;
        if (node is not Json5Array array)
        {
            return Mismatch(ctx, path, node);
        }

        if (array.Items.Count > maxItems)
        {
            ctx.Error(path, node, $"expected at most {maxItems} items, found {array.Items.Count}");
            return false;
        }

        var list = new List<T>(array.Items.Count);
        var ok = true;
        for (var i = 0; i < array.Items.Count; i++)
        {
            if (item.TryBind(array.Items[i], ctx, ConfigPath.Append(path, i), newItem is null ? default! : newItem(), out var bound))
            {
                list.Add(bound);
            }
            else
            {
                ok = false;
            }
        }

        value = list;
        return ok;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "array");
        writer.WriteNumber("maxItems", maxItems);
        writer.WriteStartObject("items");
        item.WriteSchema(writer);
        writer.WriteEndObject();
    }

    public override void WriteValue(Utf8JsonWriter writer, IReadOnlyList<T> value)
    {
        writer.WriteStartArray();
        foreach (var v in value)
        {
            item.WriteValue(writer, v);
        }

        writer.WriteEndArray();
    }
}

/// <summary>An object whose keys are ids (agent ids, provider names); entries merge over the defaults of the same name.</summary>
internal sealed class MapType<T>(string keyKind, ValueType<T> valueType, Func<string, BindContext, T> newEntry) : ValueType<IReadOnlyDictionary<string, T>>
{
    public override string Expected => $"an object mapping each {keyKind} to {valueType.Expected}";

    public override bool TryBind(
        Json5Node node, BindContext ctx, string path, IReadOnlyDictionary<string, T> current, [MaybeNullWhen(false)] out IReadOnlyDictionary<string, T> value)
    {
        value = null;
        if (node is not Json5Object obj)
        {
            return Mismatch(ctx, path, node);
        }

        var map = new Dictionary<string, T>(current, StringComparer.Ordinal);
        foreach (var property in obj.Properties)
        {
            var childPath = ConfigPath.Append(path, property.Name);
            if (!IdFormat.TryValidate(keyKind, property.Name, out var problem))
            {
                ctx.Error(childPath, property.NameSpan.Start, problem);
                continue;
            }

            var start = map.TryGetValue(property.Name, out var existing) ? existing : newEntry(property.Name, ctx);
            if (valueType.TryBind(property.Value, ctx, childPath, start, out var bound))
            {
                map[property.Name] = bound;
            }
        }

        value = map;
        return true;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "object");
        writer.WriteStartObject("propertyNames");
        writer.WriteString("pattern", "^[A-Za-z0-9._@+-]{1,128}$");
        writer.WriteEndObject();
        writer.WriteStartObject("additionalProperties");
        valueType.WriteSchema(writer);
        writer.WriteEndObject();
    }

    public override void WriteValue(Utf8JsonWriter writer, IReadOnlyDictionary<string, T> value)
    {
        writer.WriteStartObject();
        foreach (var (key, v) in value)
        {
            writer.WritePropertyName(key);
            valueType.WriteValue(writer, v);
        }

        writer.WriteEndObject();
    }
}

/// <summary><c>workflows</c>: an object whose values are objects, kept as parsed nodes for the workflow feature to read.</summary>
internal sealed class RawObjectMapType : ValueType<IReadOnlyDictionary<string, Json5Object>>
{
    public override string Expected => "an object mapping each workflow id to an object";

    public override bool TryBind(
        Json5Node node, BindContext ctx, string path, IReadOnlyDictionary<string, Json5Object> current,
        [MaybeNullWhen(false)] out IReadOnlyDictionary<string, Json5Object> value)
    {
        value = null;
        if (node is not Json5Object obj)
        {
            return Mismatch(ctx, path, node);
        }

        var map = new Dictionary<string, Json5Object>(StringComparer.Ordinal);
        var ok = true;
        foreach (var property in obj.Properties)
        {
            var childPath = ConfigPath.Append(path, property.Name);
            if (!IdFormat.TryValidate("workflow id", property.Name, out var problem))
            {
                ctx.Error(childPath, property.NameSpan.Start, problem);
                ok = false;
            }
            else if (property.Value is not Json5Object definition)
            {
                ctx.Error(childPath, property.Value, $"expected an object (a workflow definition), found {Describe(property.Value)}");
                ok = false;
            }
            else
            {
                map[property.Name] = definition;
            }
        }

        value = map;
        return ok;
    }

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "object");
        writer.WriteStartObject("additionalProperties");
        writer.WriteString("type", "object");
        writer.WriteEndObject();
    }

    public override void WriteValue(Utf8JsonWriter writer, IReadOnlyDictionary<string, Json5Object> value)
    {
        writer.WriteStartObject();
        foreach (var (key, v) in value)
        {
            writer.WritePropertyName(key);
            WriteNode(writer, v);
        }

        writer.WriteEndObject();
    }

    internal static void WriteNode(Utf8JsonWriter writer, Json5Node node)
    {
        switch (node)
        {
            case Json5Object o:
                writer.WriteStartObject();
                foreach (var p in o.Properties)
                {
                    writer.WritePropertyName(p.Name);
                    WriteNode(writer, p.Value);
                }

                writer.WriteEndObject();
                break;
            case Json5Array a:
                writer.WriteStartArray();
                foreach (var item in a.Items)
                {
                    WriteNode(writer, item);
                }

                writer.WriteEndArray();
                break;
            case Json5String s:
                writer.WriteStringValue(s.Value);
                break;
            case Json5Number n when double.IsFinite(n.Value):
                writer.WriteNumberValue(n.Value);
                break;
            case Json5Number n:
                // JSON has no NaN or Infinity; keep the literal as text rather than lose it.
                writer.WriteStringValue(n.Text);
                break;
            case Json5Boolean b:
                writer.WriteBooleanValue(b.Value);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}

/// <summary>One key of an object type.</summary>
internal abstract class Field<TOwner>(string name, string description, bool required)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public bool Required { get; } = required;

    public abstract TOwner Bind(TOwner owner, Json5Node node, BindContext ctx, string path);

    public abstract void WriteSchema(Utf8JsonWriter writer, TOwner? defaults);

    public abstract void WriteValue(Utf8JsonWriter writer, TOwner owner);
}

internal sealed class Field<TOwner, T>(
    string name, string description, ValueType<T> type, Func<TOwner, T> get, Func<TOwner, T, TOwner> set, bool required = false, bool writeDefault = true)
    : Field<TOwner>(name, description, required)
{
    public override TOwner Bind(TOwner owner, Json5Node node, BindContext ctx, string path) =>
        type.TryBind(node, ctx, path, get(owner), out var value) ? set(owner, value) : owner;

    public override void WriteSchema(Utf8JsonWriter writer, TOwner? defaults)
    {
        writer.WriteStartObject(Name);
        if (!type.WritesDescription)
        {
            writer.WriteString("description", Description);
        }

        type.WriteSchema(writer);
        if (writeDefault && defaults is not null && !Required)
        {
            writer.WritePropertyName("default");
            type.WriteValue(writer, get(defaults));
        }

        writer.WriteEndObject();
    }

    public override void WriteValue(Utf8JsonWriter writer, TOwner owner)
    {
        // An optional value that is not set (oauth, webhookUrl, a route's peer) is left out rather than written as null.
        var value = get(owner);
        if (value is null)
        {
            return;
        }

        writer.WritePropertyName(Name);
        type.WriteValue(writer, value);
    }
}

/// <summary>
/// An object with a fixed set of keys: unknown keys are errors with a "did you mean", required keys are checked, and
/// <c>after</c> runs the checks and defaults that span several keys.
/// </summary>
internal sealed class ObjectType<T>(
    string description,
    Func<BindContext, T> create,
    T? schemaDefaults,
    IReadOnlyList<Field<T>> fields,
    Func<T, Json5Object, BindContext, string, T>? after = null) : ValueType<T>
    where T : class
{
    public string Description { get; } = description;

    public IReadOnlyList<Field<T>> Fields { get; } = fields;

    public override string Expected => "an object";

    public override bool TryBind(Json5Node node, BindContext ctx, string path, T? current, [MaybeNullWhen(false)] out T value)
    {
        value = null;
        if (node is not Json5Object obj)
        {
            return Mismatch(ctx, path, node);
        }

        var owner = current ?? create(ctx);
        foreach (var property in obj.Properties)
        {
            var childPath = ConfigPath.Append(path, property.Name);
            var field = Fields.FirstOrDefault(f => f.Name == property.Name);
            if (field is null)
            {
                ctx.Error(childPath, property.NameSpan.Start, UnknownKey(property.Name, path));
                continue;
            }

            owner = field.Bind(owner, property.Value, ctx, childPath);
        }

        foreach (var field in Fields)
        {
            if (field.Required && obj.Find(field.Name) is null)
            {
                ctx.Error(path, obj, $"missing required key '{field.Name}' ({field.Description.TrimEnd('.')})");
            }
        }

        value = after is null ? owner : after(owner, obj, ctx, path);
        return true;
    }

    public override bool WritesDescription => true;

    public override void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "object");
        writer.WriteString("description", Description);
        writer.WriteStartObject("properties");
        foreach (var field in Fields)
        {
            field.WriteSchema(writer, schemaDefaults);
        }

        writer.WriteEndObject();
        if (Fields.Any(f => f.Required))
        {
            writer.WriteStartArray("required");
            foreach (var field in Fields.Where(f => f.Required))
            {
                writer.WriteStringValue(field.Name);
            }

            writer.WriteEndArray();
        }

        writer.WriteBoolean("additionalProperties", false);
    }

    public override void WriteValue(Utf8JsonWriter writer, T? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        foreach (var field in Fields)
        {
            field.WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private string UnknownKey(string name, string path)
    {
        var where = path.Length == 0 ? "at the top level" : $"in {path}";
        var suggestion = Suggestions.Nearest(name, Fields.Select(f => f.Name));
        return suggestion is not null
            ? $"unknown key '{Suggestions.Clip(name)}' {where}; did you mean '{suggestion}'?"
            : $"unknown key '{Suggestions.Clip(name)}' {where}; expected one of: {string.Join(", ", Fields.Select(f => f.Name))}";
    }
}

/// <summary>"Did you mean": the nearest candidate by optimal-string-alignment (Damerau–Levenshtein) distance.</summary>
internal static class Suggestions
{
    /// <summary>Names longer than this get no suggestion (no config key or id is near it, and the cost grows with length).</summary>
    public const int MaxLength = 128;

    /// <summary>The most characters of a user-written name shown in a message.</summary>
    public const int MaxShownLength = 64;

    public static string? Nearest(string input, IEnumerable<string> candidates)
    {
        if (input.Length > MaxLength)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // Distance is at least the length difference: skip candidates that could never be close enough.
            if (candidate.Length > MaxLength || Math.Abs(candidate.Length - input.Length) > Limit(input, candidate))
            {
                continue;
            }

            // Case differences count, but less than a real typo: compare case-insensitively, then break ties exactly.
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant()) * 2 + (Distance(input, candidate) > 0 ? 1 : 0);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        if (best is null)
        {
            return null;
        }

        return bestDistance / 2 <= Limit(input, best) ? best : null;
    }

    /// <summary>A name as shown in a message: clipped to <see cref="MaxShownLength"/> characters, with its length when clipped.</summary>
    public static string Clip(string name) =>
        name.Length <= MaxShownLength ? name : $"{name[..MaxShownLength]}… ({name.Length} characters)";

    /// <summary>Names joined for a message, at most <paramref name="max"/> of them.</summary>
    public static string List(IEnumerable<string> names, int max = 20)
    {
        var all = names.Take(max + 1).Select(Clip).ToList();
        return all.Count <= max ? string.Join(", ", all) : string.Join(", ", all.Take(max)) + ", …";
    }

    private static int Limit(string input, string candidate) => Math.Max(1, Math.Min(input.Length, candidate.Length) / 3);

    // Three rolling rows (the transposition step looks two rows back), so memory is linear in the length.
    internal static int Distance(string a, string b)
    {
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }

            (before, previous, current) = (previous, current, before);
        }

        return previous[b.Length];
    }
}
