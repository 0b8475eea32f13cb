using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>Writes the messages a server sends on its own: notifications (pushed events).</summary>
public static class RpcMessages
{
    /// <summary>A notification <c>{"jsonrpc":"2.0","method":…,"params":…}</c> as UTF-8 bytes.</summary>
    public static byte[] Notification<T>(string method, T parameters, JsonTypeInfo<T> parametersType)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parametersType);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, method);
            writer.WritePropertyName("params"u8);
            JsonSerializer.Serialize(writer, parameters, parametersType);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
