using OpenClaw.Core;

namespace OpenClaw.Cli.Rpc;

/// <summary>No gateway answered: the command exits with <see cref="CliExit.GatewayNotRunning"/>.</summary>
internal sealed class GatewayNotRunningException(string message) : OpenClawException(message);

/// <summary>The one message for a gateway that cannot be reached, naming the URL and how to start one.</summary>
internal static class GatewayUnreachable
{
    public static OpenClawException Create(GatewayTarget target, string reason) => new GatewayNotRunningException(
        $"cannot reach the gateway at {target.Display} ({reason}); is it running? Start it with `openclaw gateway run`, " +
        "or point at it with --url.");

    public static OpenClawException Timeout(GatewayTarget target, TimeSpan connectTimeout) =>
        Create(target, $"no connection within {connectTimeout.TotalSeconds:0.#} s");
}
