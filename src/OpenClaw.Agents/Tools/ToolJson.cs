using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary>Reads tool parameters leniently and writes results as JSON objects (Utf8JsonWriter, no reflection).</summary>
internal static class ToolJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds a JSON object with <paramref name="write"/> writing its properties.</summary>
    public static JsonElement Object(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>Whether a string is well-formed UTF-16 (JSON escapes can carry a lone surrogate, which no file or key may have).</summary>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A string parameter, or null when absent or not a string; one that is not well-formed text is a failure.</summary>
    public static string? GetString(JsonElement parameters, string name)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // A "\ud800" escape without its other half cannot become a .NET string.
            throw new ToolFailureException($"{name} is not well-formed text (it contains a lone surrogate).");
        }
    }

    /// <summary>An integer parameter clamped to [min, max]; null when absent or not a number.</summary>
    public static long? GetInteger(JsonElement parameters, string name, long min, long max)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var number = value.TryGetInt64(out var whole) ? whole : value.GetDouble() switch
        {
            > long.MaxValue => long.MaxValue,
            < long.MinValue => long.MinValue,
            var d when double.IsNaN(d) => min,
            var d => (long)Math.Floor(d),
        };
        return Math.Clamp(number, min, max);
    }

    public static bool GetBoolean(JsonElement parameters, string name) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
