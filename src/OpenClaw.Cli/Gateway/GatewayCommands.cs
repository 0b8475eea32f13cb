using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;

namespace OpenClaw.Cli.Gateway;

/// <summary><c>openclaw gateway …</c>.</summary>
internal static class GatewayCommands
{
    /// <summary>Builds the command; <paramref name="getEnvironmentVariable"/> replaces the process environment (tests).</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null)
    {
        var environmentBase = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var port = new Option<int?>("--port") { Description = "TCP port to listen on, 0 for any free one (default: gateway.port)." };
        var bind = new Option<string?>("--bind") { Description = "Address to bind (default: gateway.bind, 127.0.0.1)." };
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var configFile = new Option<string?>("--config") { Description = "Config file (default: OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)." };
        port.Validators.Add(r =>
        {
            // Read the raw token: GetValue throws when the value is not a number at all (reported by the parser already).
            if (r.Tokens is [var token] && int.TryParse(token.Value, out var value) && value is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });

        foreach (var pathOption in new[] { stateDir, configFile })
        {
            pathOption.Validators.Add(r =>
            {
                if (r.Tokens is [var token] && string.IsNullOrWhiteSpace(token.Value))
                {
                    r.AddError($"{pathOption.Name} needs a path.");
                }
            });
        }

        var run = new Command("run", "Run the gateway in the foreground with the config file (defaults when it is missing).")
        {
            port, bind, stateDir, configFile,
        };
        run.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            var environment = WithOverrides(environmentBase, result.GetValue(stateDir), result.GetValue(configFile));
            var paths = StatePaths.FromEnvironment(environment);
            var config = await new ConfigLoader(paths, environment).LoadAsync(cancellationToken);
            if (result.GetValue(bind) is { } boundTo
                && ConfigSchema.CheckGatewayBind(boundTo, config.Gateway.Cors.AllowedOrigins, "--bind") is { } problem)
            {
                // The same checks as gateway.bind in the file: an override must not bypass validation.
                await error.WriteLineAsync("error: " + problem);
                return 1;
            }

            if (result.GetValue(port) is not null || result.GetValue(bind) is not null)
            {
                config = config with
                {
                    Gateway = config.Gateway with
                    {
                        Port = result.GetValue(port) ?? config.Gateway.Port,
                        Bind = result.GetValue(bind) ?? config.Gateway.Bind,
                    },
                };
            }

            if (CheckAddressIsLocal(config.Gateway.Bind) is { } notLocal)
            {
                await error.WriteLineAsync("error: " + notLocal);
                return 1;
            }

            await using var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: environment, cancellationToken: cancellationToken);
            await app.StartAsync(cancellationToken);
            foreach (var address in GatewayHost.Addresses(app))
            {
                await result.InvocationConfiguration.Output.WriteLineAsync($"openclaw gateway listening on {address}");
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"state directory: {paths.Root}");
            await result.InvocationConfiguration.Output.WriteLineAsync(GatewayHost.TokenNotice(app));
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }));

        var rotate = new Option<bool>("--rotate") { Description = "Replace the stored token with a new one (the gateway must be stopped)." };
        var token = new Command("token", "Print the gateway token (created if there is none yet), or replace it with --rotate.")
        {
            rotate, stateDir, configFile,
        };
        token.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, async () =>
        {
            var environment = WithOverrides(environmentBase, result.GetValue(stateDir), result.GetValue(configFile));
            return await GatewayTokenCommand.RunAsync(
                StatePaths.FromEnvironment(environment), environment, result.GetValue(rotate),
                result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        }));

        return new Command("gateway", "Run and manage the gateway.") { run, token };
    }

    // --state-dir and --config act exactly as OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH would, everywhere they are read.
    internal static Func<string, string?> WithOverrides(Func<string, string?> environment, string? stateDir, string? configFile)
    {
        if (stateDir is null && configFile is null)
        {
            return environment;
        }

        var root = stateDir is null ? null : Path.GetFullPath(stateDir);
        var config = configFile is null ? null : Path.GetFullPath(configFile);
        return name => name switch
        {
            "OPENCLAW_STATE_DIR" when root is not null => root,
            "OPENCLAW_CONFIG_PATH" when config is not null => config,
            _ => environment(name),
        };
    }

    // Binding port 0 on the address shows whether it belongs to this machine before the host starts (a failed host
    // start logs a stack trace).
    private static string? CheckAddressIsLocal(string bind)
    {
        if (!IPAddress.TryParse(bind, out var address))
        {
            return null; // "localhost"
        }

        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return null;
        }
        catch (SocketException ex)
        {
            return $"cannot listen on {bind}: {ex.Message}; bind an address of this machine (127.0.0.1, 0.0.0.0 or one shown by `ip addr`).";
        }
    }
}
