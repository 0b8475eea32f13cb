using System.Globalization;
using System.Text;

namespace OpenClaw.Core.Config.Json5;

/// <summary>Formats scalar values as JSON5 literals, for tools that edit config text in place.</summary>
public static class Json5Writer
{
    /// <summary>
    /// A double-quoted literal that both JSON and JSON5 read back as <paramref name="value"/>: quotes, backslashes,
    /// control characters, U+2028/U+2029 and lone surrogates are escaped; other characters are kept as they are.
    /// </summary>
    public static string FormatString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F || c is '\u2028' or '\u2029')
                    {
                        AppendUnicodeEscape(sb, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // A lone surrogate cannot be written as UTF-8; the escape keeps the exact value.
                        AppendUnicodeEscape(sb, c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// The shortest literal that reads back as exactly <paramref name="value"/>; NaN and the infinities become
    /// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> (valid JSON5, not JSON), and negative zero stays <c>-0</c>.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void AppendUnicodeEscape(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
