using System.Text;

namespace OpenClaw.Cli;

/// <summary>Text the commands print: aligned tables, and untrusted text made safe for a terminal.</summary>
internal static class CliText
{
    /// <summary>
    /// The text with every control character (and bidi control) replaced by <c>?</c>, so a stranger's name, a model's
    /// reply or a logged error cannot drive the terminal; newlines stay when <paramref name="keepNewlines"/>, tabs become spaces.
    /// </summary>
    public static string Printable(string value, bool keepNewlines = false)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value.ReplaceLineEndings("\n"))
        {
            text.Append(c switch
            {
                '\n' when keepNewlines => '\n',
                '\t' => ' ',
                _ when char.IsControl(c) || IsBidiControl(c) => '?',
                _ => c,
            });
        }

        return text.ToString();
    }

    /// <summary>Rows (the first is the header) as left-aligned columns two spaces apart.</summary>
    public static string Table(List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// One JSON document written by <paramref name="write"/>, indented, non-ASCII kept readable: what every
    /// <c>--json</c> and every pretty-printed answer uses.
    /// </summary>
    public static string Json(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Direction overrides and isolates reorder what is shown ("Trojan Source").
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
