using System.CommandLine;
using OpenClaw.Cli.Gateway;

namespace OpenClaw.Cli;

/// <summary>The root of the <c>openclaw</c> command tree.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("OpenClaw.NET — a self-hosted personal AI assistant gateway.")
        {
            GatewayCommands.Create(),
            Credentials.CredentialCommands.Create(),
            Config.ConfigCommands.Create(),
            Rpc.RpcCommands.Create(),
            Doctor.DoctorCommand.Create(),
            Audit.SecurityAuditCommand.Create(),
            Channels.ChannelCommands.CreateChannels(),
            Channels.ChannelCommands.CreatePairing(),
            Status.StatusCommand.Create(),
            DashboardCommand.Create(),
            Logs.LogsCommand.Create(),
        };
        var parse = root.Parse(args);
        return await parse.InvokeAsync();
    }
}
