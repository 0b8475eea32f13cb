using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>
/// A hand-rolled WebSocket client over a TCP socket that does only what a test tells it: it never answers pings and
/// never reads unless asked, to play a dead or slow peer (ClientWebSocket always answers pings).
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawWebSocket> ConnectAsync(Uri gateway, string? token, int receiveBufferBytes = 0)
    {
        var tcp = new TcpClient();
        if (receiveBufferBytes > 0)
        {
            tcp.ReceiveBufferSize = receiveBufferBytes;
        }

        await tcp.ConnectAsync(gateway.Host, gateway.Port, TestContext.Current.CancellationToken);
        var socket = new RawWebSocket(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = new StringBuilder()
            .Append("GET /ws HTTP/1.1\r\n")
            .Append("Host: ").Append(gateway.Authority).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        if (token is not null)
        {
            request.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        request.Append("\r\n");
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), TestContext.Current.CancellationToken);

        // Read the response head byte by byte so no frame after it is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket._stream.ReadAsync(one, TestContext.Current.CancellationToken) == 0)
            {
                throw new IOException("closed during the handshake: " + head);
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("upgrade refused: " + head);
        }

        return socket;
    }

    /// <summary>Sends one masked text frame (the mask is random, as a client's must be).</summary>
    public async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = new List<byte> { 0x81 };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(0x80 | 127);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)((long)payload.Length >> shift));
            }
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        header.AddRange(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        await _stream.WriteAsync(header.ToArray(), TestContext.Current.CancellationToken);
        await _stream.WriteAsync(payload, TestContext.Current.CancellationToken);
    }

    /// <summary>Reads (and discards) until the server ends the connection; false if it is still open at the deadline.</summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan deadline)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(deadline);
        var buffer = new byte[8192];
        try
        {
            while (await _stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
