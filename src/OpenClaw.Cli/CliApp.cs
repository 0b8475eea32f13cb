using System.CommandLine;
using OpenClaw.Cli.Gateway;

namespace OpenClaw.Cli;

/// <summary>The root of the <c>openclaw</c> command tree.</summary>
internal static class CliApp
{
    /// <summary>The exit code after Ctrl+C (128 + SIGINT), as shells report an interrupted command.</summary>
    public const int Interrupted = 130;

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
            Sessions.SessionCommands.Create(),
            Onboard.OnboardCommand.Create(),
            Daemon.DaemonCommands.Create(),
            Completion.CompletionCommand.Create(),
            Users.UserCommands.Create(),
            Status.StatusCommand.Create(),
            DashboardCommand.Create(),
            Logs.LogsCommand.Create(),
        };
        var verbose = new Option<bool>("--verbose") { Description = "Show the details (a stack trace) of an unexpected failure.", Recursive = true };
        root.Options.Add(verbose);
        var parse = root.Parse(args);

        // A wrong command line is exit 2 (CliExit.Usage) with one line per problem, and nothing is done.
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + problem.Message);
            }

            await Console.Error.WriteLineAsync($"hint: `{string.Join(' ', ["openclaw", .. CommandPath(parse.CommandResult)])} --help` shows the usage.");
            return CliExit.Usage;
        }

        // `gateway run` handles SIGTERM and Ctrl+C itself (the host drains requests and runs for up to
        // gateway.limits.shutdownTimeoutSeconds); other commands are cancelled on Ctrl+C and given 2 s to end.
        var isGatewayRun = parse.CommandResult.Command.Name == "run" && parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Command.Name: "gateway" };
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (isGatewayRun)
        {
            invocation.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parse.InvokeAsync(invocation);
        }
        catch (OperationCanceledException)
        {
            return Interrupted; // Ctrl+C: the shell's convention, no trace
        }
        catch (Exception ex)
        {
            // What the commands' own error boundary (CliErrors) did not expect: one line, the details only on request.
            await Console.Error.WriteLineAsync(parse.GetValue(verbose)
                ? "error: " + ex
                : $"error: an unexpected failure ({ex.GetType().Name}: {ex.Message}); run again with --verbose for the details.");
            return CliExit.Failure;
        }
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new Stack<string>();
        for (var at = result; at?.Parent is System.CommandLine.Parsing.CommandResult parent; at = parent)
        {
            names.Push(at.Command.Name);
        }

        return names;
    }
}
