using System.CommandLine;
using OpenClaw.Core;
using OpenClaw.Core.State;
using Microsoft.Extensions.Hosting;
using OpenClaw.Gateway.Hosting;

namespace OpenClaw.Cli.Gateway;

/// <summary><c>openclaw gateway …</c>.</summary>
internal static class GatewayCommands
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port to listen on (default: gateway.port, 18789)." };
        var bind = new Option<string?>("--bind") { Description = "Address to bind (default: gateway.bind, 127.0.0.1)." };
        var run = new Command("run", "Run the gateway in the foreground.") { port, bind };
        run.SetAction(async (result, cancellationToken) =>
        {
            var options = new GatewayHostOptions
            {
                StateDirectory = StatePaths.FromEnvironment().Root,
                Port = result.GetValue(port) ?? 18789,
                Bind = result.GetValue(bind) ?? "127.0.0.1",
            };
            try
            {
                await using var app = GatewayHost.Build(options);
                await app.StartAsync(cancellationToken);
                foreach (var address in GatewayHost.Addresses(app))
                {
                    Console.WriteLine($"openclaw gateway listening on {address}");
                }

                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (OpenClawException ex)
            {
                await Console.Error.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
        });

        return new Command("gateway", "Run and manage the gateway.") { run };
    }
}
