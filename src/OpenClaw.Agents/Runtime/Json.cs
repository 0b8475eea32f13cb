using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Agents.Runtime;

/// <summary>Small JSON values written by hand (no reflection, so NativeAOT keeps working).</summary>
internal static class Json
{
    // Models read these values as text: "it's" must stay "it's", not "it\u0027s" (nothing here is embedded in HTML).
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An object whose members <paramref name="write"/> writes.</summary>
    public static JsonElement Object(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>The arguments of a model's tool call as one JSON object (values the clients parsed are JSON elements).</summary>
    public static JsonElement Arguments(FunctionCallContent call) => Object(w =>
    {
        if (call.Arguments is null)
        {
            return;
        }

        foreach (var (name, value) in call.Arguments)
        {
            w.WritePropertyName(name);
            OpenClaw.Providers.ToolJson.WriteValue(w, value);
        }
    });
}
