using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>One registered method: binds params, runs the handler and writes the result.</summary>
internal abstract class RpcMethod(string name, Role minimumRole)
{
    public string Name { get; } = name;

    public Role MinimumRole { get; } = minimumRole;

    /// <summary>Binds, runs and writes the successful response; throws for any failure (mapped by the dispatcher).</summary>
    public abstract ValueTask InvokeAsync(JsonElement? parameters, RpcContext context, ResponseBuffer response, CancellationToken cancellationToken);
}

internal sealed class RpcMethod<TParams, TResult> : RpcMethod
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly JsonTypeInfo<TParams> _paramsType;
    private readonly JsonTypeInfo<TResult> _resultType;
    private readonly RpcHandler<TParams, TResult> _handler;
    private readonly Dictionary<string, JsonPropertyInfo>? _fields;
    private readonly JsonPropertyInfo[] _required;

    public RpcMethod(string name, Role minimumRole, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, RpcHandler<TParams, TResult> handler)
        : base(name, minimumRole)
    {
        _paramsType = paramsType;
        _resultType = resultType;
        _handler = handler;
        if (paramsType.Kind == JsonTypeInfoKind.Object)
        {
            _fields = paramsType.Properties.Where(p => p.Set is not null || p.IsRequired || p.AssociatedParameter is not null)
                .ToDictionary(p => p.Name, StringComparer.Ordinal);
            // A non-nullable constructor parameter without a default is required; an init-only property is one only
            // when marked `required` (source generation also lists plain init-only properties as parameters).
            _required = [.. _fields.Values.Where(p => p.IsRequired
                || p.AssociatedParameter is { IsNullable: false, HasDefaultValue: false, IsMemberInitializer: false })];
        }
        else
        {
            _required = [];
        }
    }

    public override ValueTask InvokeAsync(JsonElement? parameters, RpcContext context, ResponseBuffer response, CancellationToken cancellationToken)
    {
        var bound = Bind(parameters);
        var pending = _handler(bound, context, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            response.WriteResult(context.Id, pending.Result, _resultType);
            return ValueTask.CompletedTask;
        }

        return AwaitAsync(pending, context, response);
    }

    private async ValueTask AwaitAsync(ValueTask<TResult> pending, RpcContext context, ResponseBuffer response) =>
        response.WriteResult(context.Id, await pending.ConfigureAwait(false), _resultType);

    private TParams Bind(JsonElement? parameters)
    {
        var element = parameters ?? s_emptyObject;
        if (element.ValueKind == JsonValueKind.Array)
        {
            if (element.GetArrayLength() != 0)
            {
                throw RpcException.InvalidParams($"'{Name}' takes its params by name: send an object, not an array.");
            }

            element = s_emptyObject;
        }

        if (_fields is not null)
        {
            CheckFields(element);
        }

        try
        {
            return JsonSerializer.Deserialize(element, _paramsType)
                ?? throw RpcException.InvalidParams($"'{Name}' needs its params as an object.");
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);

            // "must be an array" is only true of the field itself, not of a bad element inside it ("$.tags[1]").
            var whole = ex.Path == "$." + field || ex.Path == "$['" + field + "']";
            var expected = whole && _fields!.TryGetValue(field!, out var property) ? Expected(property.PropertyType) : null;
            throw field is null
                ? RpcException.InvalidParams("Invalid params: they do not match what the method takes.")
                : RpcException.InvalidParams(
                    expected is null ? $"Invalid params: field '{field}' has the wrong type." : $"Invalid params: field '{field}' must be {expected}.",
                    field);
        }
    }

    // Before deserializing, so the error names the field exactly: unknown fields, nulls where a value is needed, and
    // missing required fields.
    private void CheckFields(JsonElement element)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (!_fields!.TryGetValue(member.Name, out var property))
            {
                throw RpcException.InvalidParams($"Invalid params: unknown field '{Shorten(member.Name)}'.", Shorten(member.Name));
            }

            if (member.Value.ValueKind == JsonValueKind.Null && !property.IsSetNullable && property.PropertyType != typeof(JsonElement))
            {
                throw RpcException.InvalidParams($"Invalid params: field '{member.Name}' must not be null.", member.Name);
            }
        }

        foreach (var property in _required)
        {
            if (!element.TryGetProperty(property.Name, out _))
            {
                throw RpcException.InvalidParams($"Invalid params: missing required field '{property.Name}'.", property.Name);
            }
        }
    }

    // "$.limit", "$.filter.agent", "$.items[2]" → the top-level field name.
    private static string? FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path is not null && path.StartsWith("$['", StringComparison.Ordinal) ? Shorten(path[3..].Split('\'')[0]) : null;
        }

        var rest = path.AsSpan(2);
        var end = rest.IndexOfAny('.', '[');
        return Shorten((end < 0 ? rest : rest[..end]).ToString());
    }

    // Never cuts a surrogate pair in half (the half would be written as U+FFFD).
    private static string Shorten(string name) =>
        name.Length <= 64 ? name : name[..(char.IsHighSurrogate(name[63]) ? 63 : 64)] + "…";

    private static string? Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong)
                ? "a whole number in range"
                : "a number";
        }

        if (type == typeof(JsonElement))
        {
            return null;
        }

        if (type.IsEnum)
        {
            return "one of the documented values";
        }

        return typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "an array" : "an object";
    }
}
