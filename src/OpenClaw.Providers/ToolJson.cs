using System.Text.Json;

namespace OpenClaw.Providers;

/// <summary>Tool arguments and results as JSON, written the way the provider clients send them to models.</summary>
public static class ToolJson
{
    /// <summary>
    /// Writes one value of a tool call's arguments or result without reflection (JSON elements and nodes as they are,
    /// numbers, text, times, ids, enums, lists and dictionaries; NaN and infinities as text).
    /// </summary>
    /// <exception cref="ArgumentException">A type that would need reflection to write.</exception>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Anthropic.AnthropicRequestWriter.WriteValue(writer, value);
    }
}
