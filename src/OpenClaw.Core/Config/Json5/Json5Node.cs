namespace OpenClaw.Core.Config.Json5;

/// <summary>A position in a JSON5 text: 0-based character offset, 1-based line and column.</summary>
public readonly record struct TextPosition(int Offset, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>Where a node sits in its source text: <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
public readonly record struct TextSpan(TextPosition Start, TextPosition End)
{
    /// <summary>The number of characters the node spans.</summary>
    public int Length => End.Offset - Start.Offset;
}

/// <summary>A parsed JSON5 value with its exact place in the source, so errors and in-place edits can point at it.</summary>
public abstract class Json5Node
{
    private protected Json5Node(TextSpan span) => Span = span;

    /// <summary>The value's span in the source (for strings, including the quotes).</summary>
    public TextSpan Span { get; }

    /// <summary>A short name of the value's kind for error messages: object, array, string, number, boolean, null.</summary>
    public abstract string Kind { get; }
}

/// <summary>An object. Property order is kept; duplicate names are a parse error.</summary>
public sealed class Json5Object(TextSpan span, IReadOnlyList<Json5Property> properties) : Json5Node(span)
{
    /// <summary>The members in source order.</summary>
    public IReadOnlyList<Json5Property> Properties { get; } = properties;

    /// <inheritdoc />
    public override string Kind => "object";

    /// <summary>The member called <paramref name="name"/>, or <see langword="null"/>.</summary>
    public Json5Property? Find(string name)
    {
        foreach (var p in Properties)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }
}

/// <summary>One member of an object: its (unescaped) name, the span of the name as written, and its value.</summary>
public sealed record Json5Property(string Name, TextSpan NameSpan, Json5Node Value);

/// <summary>An array.</summary>
public sealed class Json5Array(TextSpan span, IReadOnlyList<Json5Node> items) : Json5Node(span)
{
    /// <summary>The elements in order.</summary>
    public IReadOnlyList<Json5Node> Items { get; } = items;

    /// <inheritdoc />
    public override string Kind => "array";
}

/// <summary>A string, with every escape already decoded.</summary>
public sealed class Json5String(TextSpan span, string value) : Json5Node(span)
{
    /// <summary>The decoded value.</summary>
    public string Value { get; } = value;

    /// <inheritdoc />
    public override string Kind => "string";
}

/// <summary>
/// A number. <see cref="Value"/> is its IEEE double (JSON5 numbers are doubles, as in the reference implementation);
/// <see cref="Text"/> is the literal as written, so integers beyond 2^53 can still be read exactly.
/// </summary>
public sealed class Json5Number(TextSpan span, double value, string text) : Json5Node(span)
{
    /// <summary>The value as a double (may be NaN or ±Infinity).</summary>
    public double Value { get; } = value;

    /// <summary>The literal exactly as written, sign included.</summary>
    public string Text { get; } = text;

    /// <inheritdoc />
    public override string Kind => "number";
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed class Json5Boolean(TextSpan span, bool value) : Json5Node(span)
{
    /// <summary>The value.</summary>
    public bool Value { get; } = value;

    /// <inheritdoc />
    public override string Kind => "boolean";
}

/// <summary><c>null</c>.</summary>
public sealed class Json5Null(TextSpan span) : Json5Node(span)
{
    /// <inheritdoc />
    public override string Kind => "null";
}
