using OpenClaw.Gateway.Auth;

namespace OpenClaw.Gateway.Hosting;

/// <summary>What start-up found, for the lines the host prints (never a secret).</summary>
internal sealed class StartupReport
{
    public GatewayTokenSource TokenSource { get; set; } = GatewayTokenSource.Stored;
}
