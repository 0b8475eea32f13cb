using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>A feature's methods; each registers its handlers with roles from <see cref="MethodRoles"/>.</summary>
internal interface IRpcMethodGroup
{
    /// <summary>Adds this group's methods to the table.</summary>
    void Register(RpcMethodTable table);
}
