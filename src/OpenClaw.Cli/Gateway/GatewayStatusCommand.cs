using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Gateway;

/// <summary><c>openclaw gateway status</c> and <c>openclaw gateway stop</c>, through the run file of the state directory.</summary>
internal static class GatewayStatusCommand
{
    /// <summary>Added to the gateway's own shutdown timeout when <c>stop</c> is given none: start-up of the stop, disposal.</summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Prints whether the gateway runs; 0 when it does, <see cref="CliExit.GatewayNotRunning"/> when not.</summary>
    public static async Task<int> StatusAsync(StatePaths paths, bool json, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var state = await GatewayProbe.ProbeAsync(paths, time, cancellationToken);
        if (json)
        {
            await output.WriteLineAsync(Json(state));
        }
        else if (state.Running)
        {
            var info = state.Info!;
            await output.WriteLineAsync(
                $"gateway running at {GatewayProbe.Display(state.BaseUrl!)} (version {state.Version}, pid {info.Pid.ToString(CultureInfo.InvariantCulture)}, " +
                $"up {GatewayProbe.Uptime(state.UptimeSeconds ?? 0)})");
        }
        else
        {
            await output.WriteLineAsync("gateway not running: " + state.Problem);
        }

        return state.Running ? CliExit.Success : CliExit.GatewayNotRunning;
    }

    /// <summary>SIGTERM to the gateway of the state directory, once it is proven to be that gateway; waits until it has exited.</summary>
    public static async Task<int> StopAsync(
        StatePaths paths, Func<string, string?> environment, TimeSpan? timeout, TimeProvider time, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            await error.WriteLineAsync("error: `openclaw gateway stop` is not supported on Windows; press Ctrl+C in the gateway's console or stop its service.");
            return CliExit.Failure;
        }

        var state = await GatewayProbe.ProbeAsync(paths, time, cancellationToken);
        if (!state.Running)
        {
            await error.WriteLineAsync("error: " + state.Problem);

            // The run file's process is alive and is the one that wrote it, but /health did not answer: a hung gateway,
            // the one case where stopping matters most. It is not signalled on that evidence alone; the user is told how.
            if (state.Info is { } hung && ProcessSignals.IsAlive(hung.Pid) && GatewayProbe.IsOurProcess(hung))
            {
                await error.WriteLineAsync(
                    $"hint: process {hung.Pid.ToString(CultureInfo.InvariantCulture)} wrote the run file and is still alive but does not answer; if it is hung, stop it with `kill -TERM {hung.Pid.ToString(CultureInfo.InvariantCulture)}`.");
                return CliExit.Failure;
            }

            return CliExit.GatewayNotRunning;
        }

        var pid = state.Info!.Pid;
        var limit = timeout ?? TimeSpan.FromSeconds(await ShutdownTimeoutSecondsAsync(paths, environment, cancellationToken)) + StopMargin;

        // Checked again just before the signal: the pid must still be the gateway's own process.
        var signal = GatewayProbe.IsOurProcess(state.Info) ? ProcessSignals.Terminate(pid) : SignalResult.Gone;
        if (signal == SignalResult.NotPermitted)
        {
            await error.WriteLineAsync(
                $"error: not permitted to stop the gateway (pid {pid.ToString(CultureInfo.InvariantCulture)}): it runs as another user; stop it as that user or through its service.");
            return CliExit.Failure;
        }

        if (signal == SignalResult.Gone)
        {
            await output.WriteLineAsync($"gateway stopped (pid {pid.ToString(CultureInfo.InvariantCulture)} had already exited)");
            return CliExit.Success;
        }

        var started = time.GetTimestamp();
        while (ProcessSignals.IsAlive(pid))
        {
            if (time.GetElapsedTime(started) >= limit)
            {
                await error.WriteLineAsync(
                    $"error: the gateway (pid {pid.ToString(CultureInfo.InvariantCulture)}) has not stopped within {limit.TotalSeconds:0.#} s; " +
                    $"it may still be finishing requests. Wait, or end it at once with `kill -KILL {pid.ToString(CultureInfo.InvariantCulture)}`.");
                return CliExit.Failure;
            }

            await Task.Delay(s_pollInterval, time, cancellationToken);
        }

        await output.WriteLineAsync($"gateway stopped (pid {pid.ToString(CultureInfo.InvariantCulture)}, was at {GatewayProbe.Display(state.BaseUrl!)})");
        return CliExit.Success;
    }

    /// <summary>The state as JSON: <c>{running, stateDir, address?, version?, pid?, uptimeSeconds?, startedAt?, problem?}</c>.</summary>
    public static string Json(GatewayState state) => CliText.Json(writer =>
    {
        writer.WriteStartObject();
        WriteProperties(writer, state);
        writer.WriteEndObject();
    });

    /// <summary>Writes the state's properties into an object already open on <paramref name="writer"/>.</summary>
    public static void WriteProperties(Utf8JsonWriter writer, GatewayState state)
    {
        writer.WriteBoolean("running", state.Running);
        writer.WriteString("stateDir", state.StateDirectory);
        if (state.Running)
        {
            writer.WriteString("address", GatewayProbe.Display(state.BaseUrl!));
            writer.WriteString("version", state.Version);
            writer.WriteNumber("pid", state.Info!.Pid);
            writer.WriteNumber("uptimeSeconds", state.UptimeSeconds ?? 0);
            writer.WriteString("startedAt", state.Info.StartedAt);
        }
        else
        {
            writer.WriteString("problem", state.Problem);
        }
    }

    private static async Task<int> ShutdownTimeoutSecondsAsync(StatePaths paths, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        try
        {
            return (await new ConfigLoader(paths, environment).LoadAsync(cancellationToken)).Gateway.Limits.ShutdownTimeoutSeconds;
        }
        catch (ConfigException)
        {
            return new GatewayLimitsOptions().ShutdownTimeoutSeconds; // the running gateway keeps its last good config
        }
    }
}
