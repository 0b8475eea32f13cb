using System.Net;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>
/// One caller's link to the dispatcher: an HTTP request, a WebSocket or a stdio peer. It carries who the caller is and,
/// where the transport can push, a way to send notifications.
/// </summary>
/// <remarks>Thread-safe: requests on one connection may run concurrently.</remarks>
public class RpcConnection
{
    private volatile Principal? _principal;

    /// <summary>Creates a connection for a transport.</summary>
    /// <param name="transport">A short name for logs: <c>http</c>, <c>ws</c>, <c>stdio</c>.</param>
    /// <param name="id">An id unique within the process, used in logs and request ids.</param>
    /// <param name="remoteAddress">The client's address (IPv4-mapped IPv6 already reduced to IPv4), or null.</param>
    /// <param name="principal">Who is calling, when the transport authenticated the caller up front.</param>
    public RpcConnection(string transport, string id, IPAddress? remoteAddress, Principal? principal)
    {
        Transport = transport;
        Id = id;
        RemoteAddress = remoteAddress;
        _principal = principal;
    }

    /// <summary>A short name for logs: <c>http</c>, <c>ws</c>, <c>stdio</c>.</summary>
    public string Transport { get; }

    /// <summary>An id unique within the process.</summary>
    public string Id { get; }

    /// <summary>The client's address, or null when the transport has none.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>Who is calling, or null before authentication.</summary>
    public Principal? Principal
    {
        get => _principal;
        set => _principal = value;
    }

    /// <summary>Whether the transport can push notifications to this caller.</summary>
    public virtual bool CanPush => false;

    /// <summary>
    /// Queues one complete JSON-RPC message for the caller. False when the caller is gone or too slow (the transport
    /// then closes the connection); a push never blocks and never buffers without limit.
    /// </summary>
    public virtual bool TryPush(ReadOnlyMemory<byte> message) => false;
}
