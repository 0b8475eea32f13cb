using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>A JSON-RPC error response with id null, for refusals made before a message is read (HTTP 401/403/413/415/429).</summary>
internal static class RpcErrorBody
{
    public static byte[] Of(RpcError error)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteNull("id"u8);
            writer.WriteStartObject("error"u8);
            writer.WriteNumber("code"u8, error.Code);
            writer.WriteString("message"u8, error.Message);
            if (error.Data is { } data)
            {
                writer.WritePropertyName("data"u8);
                data.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
