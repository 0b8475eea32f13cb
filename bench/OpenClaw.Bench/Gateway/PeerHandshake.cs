using System.Net.WebSockets;
using System.Text.Json;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// The original OpenClaw's connect handshake, as peers/openclaw/probe.mjs does it: wait for the
/// <c>connect.challenge</c> event, answer with a <c>connect</c> request carrying the token, expect <c>ok</c>.
/// </summary>
internal static class PeerHandshake
{
    /// <summary>Thrown when the peer refused the connect; <see cref="Retryable"/> while it is still starting.</summary>
    internal sealed class RefusedException(string message, bool retryable) : Exception(message)
    {
        public bool Retryable => retryable;
    }

    public static async Task ConnectAsync(ClientWebSocket socket, string token, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        while (true)
        {
            using var message = JsonDocument.Parse(await ReceiveTextAsync(socket, buffer, cancellationToken));
            var root = message.RootElement;
            if (Is(root, "type", "event") && Is(root, "event", "connect.challenge"))
            {
                break;
            }
        }

        await socket.SendAsync(ConnectFrame(token), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        while (true)
        {
            using var message = JsonDocument.Parse(await ReceiveTextAsync(socket, buffer, cancellationToken));
            var root = message.RootElement;
            if (!Is(root, "type", "res") || !Is(root, "id", "c1"))
            {
                continue;
            }

            if (root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
            {
                return;
            }

            var error = root.TryGetProperty("error", out var e) ? e : default;
            var retryable = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("retryable", out var r) && r.ValueKind == JsonValueKind.True;
            throw new RefusedException("connect refused: " + (error.ValueKind == JsonValueKind.Undefined ? root.GetRawText() : error.GetRawText()), retryable);
        }
    }

    private static bool Is(JsonElement element, string property, string value) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String && p.ValueEquals(value);

    private static byte[] ConnectFrame(string token)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "req");
            w.WriteString("id", "c1");
            w.WriteString("method", "connect");
            w.WriteStartObject("params");
            w.WriteNumber("minProtocol", 4);
            w.WriteNumber("maxProtocol", 4);
            w.WriteStartObject("client");
            w.WriteString("id", "gateway-client");
            w.WriteString("version", "0.0.1");
            w.WriteString("platform", "linux");
            w.WriteString("mode", "backend");
            w.WriteEndObject();
            w.WriteString("role", "operator");
            w.WriteStartArray("scopes");
            w.WriteStringValue("operator.read");
            w.WriteStringValue("operator.write");
            w.WriteStringValue("operator.admin");
            w.WriteEndArray();
            w.WriteStartArray("caps");
            w.WriteEndArray();
            w.WriteStartObject("auth");
            w.WriteString("token", token);
            w.WriteEndObject();
            w.WriteString("locale", "en-US");
            w.WriteString("userAgent", "openclaw-bench/0.1");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static async Task<ReadOnlyMemory<byte>> ReceiveTextAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                throw new BenchException("a handshake frame from the peer is larger than 256 KiB");
            }

            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new RefusedException($"the peer closed the socket during the handshake ({socket.CloseStatus} {socket.CloseStatusDescription})", retryable: true);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer.AsMemory(0, length);
            }
        }
    }

    /// <summary>
    /// Polls until a fresh socket completes the handshake and one <c>health</c> call succeeds, or the time is up or
    /// <paramref name="stillRunning"/> says the process died. Connection refusals are retried after 2 ms, the peer's
    /// "still starting" refusals after 20 ms.
    /// </summary>
    public static async Task WaitReadyAsync(Uri uri, string token, TimeSpan timeout, Func<bool>? stillRunning = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "nothing tried";
        var buffer = new byte[1024 * 1024];
        while (DateTime.UtcNow < deadline)
        {
            if (stillRunning is not null && !stillRunning())
            {
                throw new BenchException($"the peer gateway exited before it was ready (last attempt: {last})");
            }

            var remaining = deadline - DateTime.UtcNow;
            remaining = remaining < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : remaining;
            using var attempt = new CancellationTokenSource(remaining < TimeSpan.FromSeconds(10) ? remaining : TimeSpan.FromSeconds(10));
            using var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            var pause = TimeSpan.FromMilliseconds(2);
            try
            {
                await socket.ConnectAsync(uri, attempt.Token);
                await ConnectAsync(socket, token, attempt.Token);
                await socket.SendAsync("{\"type\":\"req\",\"id\":\"ready\",\"method\":\"health\",\"params\":{}}"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, attempt.Token);
                while (true)
                {
                    using var reply = JsonDocument.Parse(await ReceiveTextAsync(socket, buffer, attempt.Token));
                    if (Is(reply.RootElement, "type", "res") && Is(reply.RootElement, "id", "ready"))
                    {
                        if (reply.RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
                        {
                            return;
                        }

                        last = "health failed: " + reply.RootElement.GetRawText()[..Math.Min(300, reply.RootElement.GetRawText().Length)];
                        pause = TimeSpan.FromMilliseconds(20);
                        break;
                    }
                }
            }
            catch (RefusedException ex) when (ex.Retryable)
            {
                last = ex.Message;
                pause = TimeSpan.FromMilliseconds(20);
            }
            catch (RefusedException ex)
            {
                throw new BenchException($"the peer at {uri} refused the connect: {ex.Message}");
            }
            catch (OperationCanceledException)
            {
                last = "connected, but no handshake within the time left";
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or JsonException)
            {
                last = ex.GetBaseException().Message;
            }

            await Task.Delay(pause);
        }

        throw new BenchException($"the peer at {uri} was not ready within {timeout.TotalSeconds:N0} s (last attempt: {last}); start it with /work/shared/peers/openclaw/start.sh");
    }
}
