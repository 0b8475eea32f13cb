namespace OpenClaw.Ipc.Dispatch;

/// <summary>What a caller may do; each role includes the ones before it (PROTOCOL.md, "Authentication and roles").</summary>
public enum Role
{
    /// <summary>No credential: only the methods marked [none].</summary>
    None = 0,

    /// <summary>Read.</summary>
    Viewer = 1,

    /// <summary>Chat, sessions, tools, channels.</summary>
    Operator = 2,

    /// <summary>Users, config, credentials, pairing approvals.</summary>
    Admin = 3,
}

/// <summary>Role names as they appear on the wire (<c>none</c>, <c>viewer</c>, <c>operator</c>, <c>admin</c>).</summary>
public static class RoleNames
{
    /// <summary>The wire name of a role.</summary>
    public static string ToWire(this Role role) => role switch
    {
        Role.None => "none",
        Role.Viewer => "viewer",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Parses a wire name; false for anything else (case-sensitive, as the protocol's names are).</summary>
    public static bool TryParse(string? name, out Role role)
    {
        role = name switch
        {
            "none" => Role.None,
            "viewer" => Role.Viewer,
            "operator" => Role.Operator,
            "admin" => Role.Admin,
            _ => (Role)(-1),
        };
        return (int)role >= 0;
    }
}
