using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>Writes one JSON-RPC response object; a failed result write is replaced by an error.</summary>
internal sealed class ResponseBuffer
{
    private static readonly JsonEncodedText s_jsonrpc = JsonEncodedText.Encode("jsonrpc");
    private static readonly JsonEncodedText s_version = JsonEncodedText.Encode("2.0");
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_result = JsonEncodedText.Encode("result");
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText s_code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data");

    // Readable messages ('quotes' stay quotes); the body is application/json, never embedded in HTML.
    private static readonly JsonWriterOptions s_options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>The error written, when the response is an error.</summary>
    public RpcError? Error { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void WriteResult<T>(JsonElement id, T result, JsonTypeInfo<T> resultType)
    {
        using var writer = Start(id);
        writer.WritePropertyName(s_result);
        JsonSerializer.Serialize(writer, result, resultType);
        writer.WriteEndObject();
        writer.Flush();
    }

    public void WriteError(JsonElement id, RpcError error)
    {
        Error = error;
        using var writer = Start(id);
        writer.WriteStartObject(s_error);
        writer.WriteNumber(s_code, error.Code);
        writer.WriteString(s_message, error.Message);
        if (error.Data is { } data)
        {
            writer.WritePropertyName(s_data);
            data.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    // Starts over, so an error can replace a half-written result.
    private Utf8JsonWriter Start(JsonElement id)
    {
        _buffer.ResetWrittenCount();
        var writer = new Utf8JsonWriter(_buffer, s_options);
        writer.WriteStartObject();
        writer.WriteString(s_jsonrpc, s_version);
        writer.WritePropertyName(s_id);
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        return writer;
    }
}
