namespace OpenClaw.Core.Config.Json5;

/// <summary>
/// Reads JSON5 (https://spec.json5.org, 1.0.0) into <see cref="Json5Node"/> trees with exact source positions.
/// </summary>
/// <remarks>
/// Strict: whatever the input, the only exception is <see cref="Json5Exception"/>. Unlike npm json5, which keeps the
/// last of duplicate property names, a duplicate is an error naming the key and where it was first defined.
/// Nesting beyond <see cref="Json5ReaderOptions.MaxDepth"/> is an error, never a stack overflow. Thread-safe.
/// </remarks>
public static class Json5Reader
{
    /// <summary>Parses one JSON5 document with the default options.</summary>
    /// <exception cref="Json5Exception">The text is not valid JSON5; the message says what and where.</exception>
    public static Json5Node Parse(string text) => Parse(text, Json5ReaderOptions.Default);

    /// <summary>Parses one JSON5 document with the given limits.</summary>
    /// <exception cref="Json5Exception">The text is not valid JSON5 or nests too deeply.</exception>
    public static Json5Node Parse(string text, Json5ReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1, nameof(options));
        return new Json5Parser(text, options).ParseDocument();
    }

    /// <summary>Whether <paramref name="text"/> holds no value: nothing but white space and (complete) comments.</summary>
    internal static bool IsBlank(string text) => new Json5Parser(text, Json5ReaderOptions.Default).IsOnlyTrivia();
}
