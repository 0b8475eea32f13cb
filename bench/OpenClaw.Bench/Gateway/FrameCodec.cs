using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Bench.Gateway;

/// <summary>What came back for one request.</summary>
internal enum ReplyKind
{
    /// <summary>Not a reply to a request of ours (a notification or event): ignored.</summary>
    None,

    /// <summary>A successful reply.</summary>
    Ok,

    /// <summary>An error reply.</summary>
    Error,
}

/// <summary>Writes numbered requests and reads the id and outcome of replies, without allocating per message.</summary>
internal interface IFrameCodec
{
    /// <summary>A JSON string literal.</summary>
    static string Quoted(string text) => "\"" + JsonEncodedText.Encode(text) + "\"";

    /// <summary>Writes <paramref name="prefix"/>, the id in decimal, then <paramref name="suffix"/>; returns the length.</summary>
    static int Write(Span<byte> buffer, byte[] prefix, long id, byte[] suffix)
    {
        prefix.CopyTo(buffer);
        Utf8Formatter.TryFormat(id, buffer[prefix.Length..], out var written);
        var at = prefix.Length + written;
        suffix.CopyTo(buffer[at..]);
        return at + suffix.Length;
    }

    /// <summary>Writes request <paramref name="id"/> into <paramref name="buffer"/>; returns the length.</summary>
    int WriteRequest(Span<byte> buffer, long id);

    /// <summary>Reads one received message: whether it answers a request, and which.</summary>
    ReplyKind ReadReply(ReadOnlySpan<byte> message, out long id);
}

/// <summary>JSON-RPC 2.0 (PROTOCOL.md): <c>{"jsonrpc":"2.0","id":n,"method":m[,"params":p]}</c>.</summary>
internal sealed class JsonRpcCodec : IFrameCodec
{
    private readonly byte[] _prefix = "{\"jsonrpc\":\"2.0\",\"id\":"u8.ToArray();
    private readonly byte[] _suffix;

    public JsonRpcCodec(string method, string? paramsJson)
    {
        _suffix = Encoding.UTF8.GetBytes(",\"method\":" + IFrameCodec.Quoted(method) + (paramsJson is null ? "" : ",\"params\":" + paramsJson) + "}");
    }

    public int WriteRequest(Span<byte> buffer, long id) => IFrameCodec.Write(buffer, _prefix, id, _suffix);

    public ReplyKind ReadReply(ReadOnlySpan<byte> message, out long id)
    {
        id = -1;
        var kind = ReplyKind.None;
        var reader = new Utf8JsonReader(message);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ReplyKind.None; // a batch reply: we never send batches
        }

        var hasId = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                hasId = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out id);
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                kind = ReplyKind.Ok;
                reader.Read();
                reader.Skip();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                kind = ReplyKind.Error;
                reader.Read();
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return hasId ? kind : ReplyKind.None;
    }
}

/// <summary>
/// The original OpenClaw's frames (peers/openclaw/probe.mjs): <c>{"type":"req","id":"h7","method":m,"params":{}}</c>,
/// answered by <c>{"type":"res","id":"h7","ok":true,"payload":…}</c>; events (<c>"type":"event"</c>) are ignored.
/// </summary>
internal sealed class PeerCodec : IFrameCodec
{
    private readonly byte[] _prefix = "{\"type\":\"req\",\"id\":\"h"u8.ToArray();
    private readonly byte[] _suffix;

    public PeerCodec(string method)
    {
        _suffix = Encoding.UTF8.GetBytes("\",\"method\":" + IFrameCodec.Quoted(method) + ",\"params\":{}}");
    }

    public int WriteRequest(Span<byte> buffer, long id) => IFrameCodec.Write(buffer, _prefix, id, _suffix);

    public ReplyKind ReadReply(ReadOnlySpan<byte> message, out long id)
    {
        id = -1;
        var isRes = false;
        var hasId = false;
        var ok = false;
        var reader = new Utf8JsonReader(message);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ReplyKind.None;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isRes = reader.ValueTextEquals("res"u8);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                var text = reader.ValueSpan;
                hasId = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && text.Length > 1 && text[0] == (byte)'h'
                    && Utf8Parser.TryParse(text[1..], out id, out var consumed) && consumed == text.Length - 1;
            }
            else if (reader.ValueTextEquals("ok"u8))
            {
                reader.Read();
                ok = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return isRes && hasId ? (ok ? ReplyKind.Ok : ReplyKind.Error) : ReplyKind.None;
    }
}
