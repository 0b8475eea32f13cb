using System.CommandLine;
using System.Net.Sockets;
using OpenClaw.Core;

namespace OpenClaw.Cli;

/// <summary>The one error boundary of every command: what a user can fix becomes one <c>error: …</c> line and exit 1.</summary>
internal static class CliErrors
{
    /// <summary>Runs a command's body; never lets a stack trace reach the terminal for an error the user can act on.</summary>
    public static async Task<int> RunAsync(ParseResult result, Func<Task<int>> action)
    {
        var error = result.InvocationConfiguration.Error;
        try
        {
            return await action();
        }
        catch (Rpc.GatewayNotRunningException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CliExit.GatewayNotRunning;
        }
        catch (OpenClawException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
        }
        catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync("error: the port is already in use; stop the other process or set gateway.port (or --port).");
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or SocketException or UnauthorizedAccessException)
        {
            // Bad paths, unwritable state directories and unusable addresses: the OS's words name the path.
            await error.WriteLineAsync("error: " + ex.Message);
        }

        return CliExit.Failure;
    }
}
