using System.CommandLine;
using System.Diagnostics;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Gateway;

/// <summary>
/// <c>openclaw dashboard</c>: prints the running gateway's dashboard URL (never with the token in it) and opens it in a
/// browser where there is a display.
/// </summary>
internal static class DashboardCommand
{
    /// <summary>The line that says how to sign in; the token itself is printed only by <c>openclaw gateway token</c>.</summary>
    public const string SignInHint = "sign in with the gateway token: `openclaw gateway token` prints it (it is never put in the URL).";

    /// <summary>
    /// Builds <c>dashboard</c>; <paramref name="getEnvironmentVariable"/> replaces the process environment and
    /// <paramref name="openBrowser"/> the browser launcher (tests).
    /// </summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, Func<Uri, bool>? openBrowser = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var noOpen = new Option<bool>("--no-open") { Description = "Only print the URL; do not start a browser." };
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var configFile = new Option<string?>("--config") { Description = "Config file (default: OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)." };
        var json = new Option<bool>("--json") { Description = "Print {url, signIn} as JSON and open nothing." };
        var command = new Command("dashboard", "Print the dashboard URL of the running gateway and open it in a browser where one is available.")
        {
            noOpen, stateDir, configFile, json,
        };
        command.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, async () =>
        {
            var environment = GatewayCommands.WithOverrides(env, result.GetValue(stateDir), result.GetValue(configFile));
            var output = result.InvocationConfiguration.Output;
            var paths = StatePaths.FromEnvironment(environment);
            var state = await GatewayProbe.ProbeAsync(paths, TimeProvider.System, cancellationToken);
            if (!state.Running)
            {
                // Where it will be once started, from the config the gateway would read.
                var configured = GatewayTarget.DefaultUrl((await new ConfigLoader(paths, environment).LoadAsync(cancellationToken)).Gateway);
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"error: {state.Problem}; start it with `openclaw gateway run`, then the dashboard is at {configured}");
                return CliExit.GatewayNotRunning;
            }

            var url = state.BaseUrl!;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(CliText.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("url", url.ToString());
                    w.WriteString("signIn", SignInHint);
                    w.WriteEndObject();
                }));
                return CliExit.Success;
            }

            await output.WriteLineAsync(url.ToString());
            await output.WriteLineAsync(SignInHint);
            if (!result.GetValue(noOpen) && HasDisplay(environment))
            {
                var opened = (openBrowser ?? OpenBrowser)(url);
                if (!opened)
                {
                    await output.WriteLineAsync("(no browser could be started; open the URL yourself)");
                }
            }

            return CliExit.Success;
        }));
        return command;
    }

    /// <summary>Whether a browser can be shown: macOS and Windows always; elsewhere only with an X11 or Wayland display.</summary>
    internal static bool HasDisplay(Func<string, string?> environment) =>
        OperatingSystem.IsMacOS() || OperatingSystem.IsWindows()
        || !string.IsNullOrEmpty(environment("DISPLAY")) || !string.IsNullOrEmpty(environment("WAYLAND_DISPLAY"));

    // xdg-open (Linux) or open (macOS), not waited for: the browser outlives this command.
    private static bool OpenBrowser(Uri url)
    {
        var info = OperatingSystem.IsWindows()
            ? new ProcessStartInfo(url.ToString()) { UseShellExecute = true }
            : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
        if (!OperatingSystem.IsWindows())
        {
            info.ArgumentList.Add(url.ToString());
        }

        try
        {
            using var process = Process.Start(info);
            return process is not null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false; // no xdg-open installed
        }
    }
}
