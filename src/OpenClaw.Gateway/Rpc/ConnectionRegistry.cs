using System.Collections.Concurrent;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>The open push-capable connections, so features can forget a connection's state when it closes.</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<RpcConnection, byte> _open = new();

    /// <summary>Raised after a connection closed.</summary>
    public event Action<RpcConnection>? Closed;

    public void Add(RpcConnection connection) => _open.TryAdd(connection, 0);

    public void Remove(RpcConnection connection)
    {
        if (_open.TryRemove(connection, out _))
        {
            Closed?.Invoke(connection);
        }
    }
}
