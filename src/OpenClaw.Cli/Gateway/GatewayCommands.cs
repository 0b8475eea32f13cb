using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using OpenClaw.Core.Config;
using OpenClaw.Core.Events;
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
        port.CustomParser = r =>
        {
            // Our own parser, so a bad value gets a message about ports rather than the parser's .NET type names.
            if (r.Tokens is [var token]
                && int.TryParse(token.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value <= 65535)
            {
                return value;
            }

            r.AddError("--port must be a number between 0 and 65535 (0 picks a free port).");
            return null;
        };

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

            WebApplication built;
            try
            {
                built = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: environment, cancellationToken: cancellationToken);
            }
            catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Locked)
            {
                await error.WriteLineAsync(
                    $"error: a gateway is already running on the state directory {paths.Root}; stop it first, or start this one with another --state-dir.");
                return 1;
            }

            await using var app = built;
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync(
                    $"error: {config.Gateway.Bind}:{config.Gateway.Port} is already in use (another gateway?); stop that process or choose another port with --port or gateway.port.");
                return 1;
            }

            foreach (var address in GatewayHost.Addresses(app))
            {
                await result.InvocationConfiguration.Output.WriteLineAsync($"openclaw gateway listening on {address}");
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"state directory: {paths.Root}");
            await result.InvocationConfiguration.Output.WriteLineAsync(GatewayHost.TokenNotice(app));
            await app.WaitForShutdownAsync(cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync("openclaw gateway stopped");
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

        return new Command("gateway", "Run and manage the gateway.") { run, token, CreateStatus(environmentBase), CreateStop(environmentBase) };
    }

    private static Command CreateStatus(Func<string, string?> environmentBase)
    {
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a line." };
        var status = new Command("status", "Show whether the gateway of the state directory runs, on what address, its version, pid and uptime (exit 3 when not).")
        {
            json, stateDir,
        };
        status.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, () =>
        {
            var paths = StatePaths.FromEnvironment(WithOverrides(environmentBase, result.GetValue(stateDir), null));
            return GatewayStatusCommand.StatusAsync(paths, result.GetValue(json), TimeProvider.System, result.InvocationConfiguration.Output, cancellationToken);
        }));
        return status;
    }

    private static Command CreateStop(Func<string, string?> environmentBase)
    {
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var configFile = new Option<string?>("--config") { Description = "Config file (default: OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)." };
        var timeout = new Option<int?>("--timeout")
        {
            Description = "Seconds to wait for the gateway to exit (default: gateway.limits.shutdownTimeoutSeconds + 10).",
        };
        timeout.CustomParser = r =>
        {
            if (r.Tokens is [var token]
                && int.TryParse(token.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value is >= 1 and <= 86400)
            {
                return value;
            }

            r.AddError("--timeout must be a number of seconds between 1 and 86400.");
            return null;
        };
        var stop = new Command("stop", "Stop the gateway of the state directory gracefully (SIGTERM) and wait until it has exited (exit 3 when none runs).")
        {
            timeout, stateDir, configFile,
        };
        stop.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, () =>
        {
            var environment = WithOverrides(environmentBase, result.GetValue(stateDir), result.GetValue(configFile));
            var seconds = result.GetValue(timeout);
            return GatewayStatusCommand.StopAsync(
                StatePaths.FromEnvironment(environment), environment, seconds is { } s ? TimeSpan.FromSeconds(s) : null, TimeProvider.System,
                result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        }));
        return stop;
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
