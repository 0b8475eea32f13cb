using System.Collections.Frozen;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// The one table of minimum roles (PROTOCOL.md, "Methods"). Every method the gateway registers takes its role from
/// here, the dispatcher enforces it, and the role tests are generated from it, so a new method cannot skip the check.
/// </summary>
internal static class MethodRoles
{
    public static readonly FrozenDictionary<string, Role> Table = new Dictionary<string, Role>(StringComparer.Ordinal)
    {
        // Connection and system
        ["connect"] = Role.None,
        ["system.health"] = Role.None,
        ["system.version"] = Role.None,
        ["system.status"] = Role.Viewer,
        ["system.methods"] = Role.Viewer,

        // Auth and users
        ["auth.login"] = Role.None,
        ["auth.refresh"] = Role.None,
        ["auth.logout"] = Role.Viewer,
        ["auth.me"] = Role.Viewer,
        ["users.list"] = Role.Admin,
        ["users.create"] = Role.Admin,
        ["users.update"] = Role.Admin,
        ["users.delete"] = Role.Admin,

        // Sessions
        ["sessions.create"] = Role.Operator,
        ["sessions.list"] = Role.Viewer,
        ["sessions.get"] = Role.Viewer,
        ["sessions.events"] = Role.Viewer,
        ["sessions.search"] = Role.Viewer,
        ["sessions.stats"] = Role.Viewer,
        ["sessions.fork"] = Role.Operator,
        ["sessions.end"] = Role.Operator,

        // Models and usage
        ["models.list"] = Role.Viewer,
        ["usage.summary"] = Role.Viewer,

        // Chat, agents, tools and approvals
        ["chat.send"] = Role.Operator,
        ["chat.abort"] = Role.Operator,
        ["chat.history"] = Role.Viewer,
        ["agents.list"] = Role.Viewer,
        ["agents.get"] = Role.Viewer,
        ["tools.list"] = Role.Viewer,
        ["tools.execute"] = Role.Operator,
        ["approvals.list"] = Role.Operator,
        ["approvals.resolve"] = Role.Operator,

        // Channels and pairing
        ["channels.list"] = Role.Viewer,
        ["channels.status"] = Role.Viewer,
        ["channels.probe"] = Role.Viewer,
        ["pairing.list"] = Role.Admin,
        ["pairing.approve"] = Role.Admin,
        ["pairing.reject"] = Role.Admin,

        // Config and events
        ["config.get"] = Role.Viewer,
        ["config.validate"] = Role.Viewer,
        ["config.set"] = Role.Admin,
        ["events.subscribe"] = Role.Viewer,
        ["events.unsubscribe"] = Role.Viewer,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The minimum role of a method; a method missing from the table is a programming error.</summary>
    public static Role For(string method) =>
        Table.TryGetValue(method, out var role)
            ? role
            : throw new InvalidOperationException($"Method '{method}' has no entry in MethodRoles.Table; add it there first.");
}
