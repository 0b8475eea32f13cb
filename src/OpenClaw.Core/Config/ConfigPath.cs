namespace OpenClaw.Core.Config;

/// <summary>
/// A key path such as <c>agents.default.sandbox.level</c>, <c>routing[0].agent</c> or <c>agents["my.agent"].model</c>:
/// the form used in error messages and by <c>openclaw config get/set/unset</c>.
/// </summary>
public sealed class ConfigPath
{
    private ConfigPath(IReadOnlyList<ConfigPathSegment> segments) => Segments = segments;

    /// <summary>The segments, outermost first.</summary>
    public IReadOnlyList<ConfigPathSegment> Segments { get; }

    /// <summary>Parses a key path; throws <see cref="ConfigException"/> with the position of the problem.</summary>
    public static ConfigPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<ConfigPathSegment>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '[')
            {
                int close;
                if (i + 1 < text.Length && text[i + 1] is '"' or '\'')
                {
                    // A quoted key: scan to the matching quote, undoing backslash escapes; ']' and '.' inside are part of the key.
                    var (key, end) = ReadQuoted(text, i + 1);
                    if (end >= text.Length || text[end] != ']')
                    {
                        throw Bad(text, $"the quoted key at character {i + 2} must be followed by ']'");
                    }

                    segments.Add(ConfigPathSegment.Key(key));
                    close = end;
                }
                else
                {
                    close = text.IndexOf(']', i);
                    if (close < 0)
                    {
                        throw Bad(text, "'[' has no closing ']'");
                    }

                    var inner = text[(i + 1)..close];
                    if (!int.TryParse(inner, System.Globalization.NumberStyles.None, null, out var index))
                    {
                        throw Bad(text, $"'[{inner}]' must be an index like [0] or a quoted key like [\"my.agent\"]");
                    }

                    segments.Add(ConfigPathSegment.At(index));
                }

                i = close + 1;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    if (i == text.Length)
                    {
                        throw Bad(text, "it ends with '.'");
                    }
                }

                continue;
            }

            var start = i;
            while (i < text.Length && text[i] != '.' && text[i] != '[')
            {
                i++;
            }

            if (i == start)
            {
                throw Bad(text, "it has an empty key (two dots in a row, or a leading dot)");
            }

            segments.Add(ConfigPathSegment.Key(text[start..i]));
            if (i < text.Length && text[i] == '.')
            {
                i++;
                if (i == text.Length)
                {
                    throw Bad(text, "it ends with '.'");
                }
            }
        }

        if (segments.Count == 0)
        {
            throw Bad(text, "it is empty");
        }

        return new ConfigPath(segments);
    }

    /// <summary>Appends a key to a path string, quoting it when it is not a plain name.</summary>
    public static string Append(string path, string key)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(key);
        if (IsPlain(key))
        {
            return path.Length == 0 ? key : path + "." + key;
        }

        return path + "[\"" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"]";
    }

    /// <summary>Appends an array index to a path string.</summary>
    public static string Append(string path, int index) => $"{path}[{index}]";

    /// <inheritdoc />
    public override string ToString()
    {
        var path = "";
        foreach (var s in Segments)
        {
            path = s.IsIndex ? Append(path, s.Index) : Append(path, s.Name!);
        }

        return path;
    }

    private static bool IsPlain(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@' or '+' or '$'))
            {
                return false;
            }
        }

        return true;
    }

    // Reads a quoted key starting at the quote; returns the key and the index just after the closing quote.
    private static (string Key, int End) ReadQuoted(string text, int start)
    {
        var quote = text[start];
        var key = new System.Text.StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 == text.Length)
                {
                    break;
                }

                key.Append(text[++i]);
            }
            else if (c == quote)
            {
                return (key.ToString(), i + 1);
            }
            else
            {
                key.Append(c);
            }
        }

        throw Bad(text, $"the quoted key at character {start + 1} has no closing {quote}");
    }

    private static ConfigException Bad(string text, string why) => new($"'{text}' is not a valid key path: {why}.");
}

/// <summary>One step of a <see cref="ConfigPath"/>: an object key or an array index.</summary>
public readonly record struct ConfigPathSegment
{
    /// <summary>The key, or <see langword="null"/> for an index.</summary>
    public string? Name { get; private init; }

    /// <summary>The index (meaningful when <see cref="IsIndex"/>).</summary>
    public int Index { get; private init; }

    /// <summary>Whether this step is an array index.</summary>
    public bool IsIndex => Name is null;

    /// <summary>An object key.</summary>
    public static ConfigPathSegment Key(string name) => new() { Name = name };

    /// <summary>An array index.</summary>
    public static ConfigPathSegment At(int index) => new() { Index = index };

    /// <inheritdoc />
    public override string ToString() => Name ?? $"[{Index}]";
}
