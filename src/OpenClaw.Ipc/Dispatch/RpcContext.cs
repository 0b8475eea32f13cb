using System.Text.Json;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class RpcContext
{
    internal RpcContext(RpcConnection connection, string method, string requestId, IServiceProvider? services)
    {
        Connection = connection;
        Method = method;
        RequestId = requestId;
        Services = services;
    }

    /// <summary>The connection the call came on.</summary>
    public RpcConnection Connection { get; }

    /// <summary>The caller, or null for an unauthenticated call to a [none] method.</summary>
    public Principal? Principal => Connection.Principal;

    /// <summary>The method being called.</summary>
    public string Method { get; }

    /// <summary>An id tying together the log lines of this call.</summary>
    public string RequestId { get; }

    /// <summary>The services of the host, when it gave them to the dispatcher.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>Whether the caller's JSON-RPC id was present (false for a notification).</summary>
    public bool IsNotification { get; internal set; }

    /// <summary>The raw JSON-RPC id, for transports that correlate (undefined for a notification).</summary>
    public JsonElement Id { get; internal set; }
}
