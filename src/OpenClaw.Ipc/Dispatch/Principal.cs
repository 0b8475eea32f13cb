namespace OpenClaw.Ipc.Dispatch;

/// <summary>Who is calling: an authenticated identity and the role it holds right now.</summary>
/// <param name="Subject">A stable key for limits and logs: <c>gateway-token</c>, or <c>user:&lt;id&gt;</c>. Never a secret.</param>
/// <param name="Role">The role the caller holds.</param>
/// <param name="UserId">The user's id when the caller signed in as a user.</param>
/// <param name="Username">The user's name when the caller signed in as a user.</param>
public sealed record Principal(string Subject, Role Role, string? UserId = null, string? Username = null)
{
    /// <summary>The holder of the gateway token, who acts as admin.</summary>
    public static Principal GatewayToken { get; } = new("gateway-token", Role.Admin);
}
