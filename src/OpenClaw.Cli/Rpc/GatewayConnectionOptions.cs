using System.CommandLine;
using OpenClaw.Cli.Gateway;

namespace OpenClaw.Cli.Rpc;

/// <summary>The options every command that talks to a running gateway takes, and how they resolve to a target.</summary>
internal sealed class GatewayConnectionOptions
{
    public Option<string?> Url { get; } = new("--url") { Description = "The gateway's URL (default: gateway.bind and gateway.port from the config, e.g. http://127.0.0.1:18789)." };

    public Option<string?> TokenEnv { get; } = new("--token-env") { Description = "Read the token from this environment variable when OPENCLAW_GATEWAY_TOKEN is not set (default: the stored credential gateway-token)." };

    public Option<string?> StateDir { get; } = new("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };

    public Option<string?> ConfigFile { get; } = new("--config") { Description = "Config file (default: OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(TokenEnv);
        command.Options.Add(StateDir);
        command.Options.Add(ConfigFile);
    }

    /// <summary>The gateway the parsed options point at, with its token.</summary>
    public Task<GatewayTarget> ResolveAsync(ParseResult result, Func<string, string?> getEnvironmentVariable, CancellationToken cancellationToken) =>
        GatewayTarget.ResolveAsync(
            GatewayCommands.WithOverrides(getEnvironmentVariable, result.GetValue(StateDir), result.GetValue(ConfigFile)),
            result.GetValue(Url), result.GetValue(TokenEnv), result.InvocationConfiguration.Error, cancellationToken);
}
