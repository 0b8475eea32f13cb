using System.CommandLine;
using System.Text;
using OpenClaw.Cli.Gateway;
using OpenClaw.Core;

namespace OpenClaw.Cli.Daemon;

/// <summary>
/// <c>openclaw daemon install | uninstall | start | stop | status [--dry-run]</c>: the gateway as a systemd user unit
/// (Linux) or a launchd agent (macOS), running <c>openclaw gateway run</c>.
/// </summary>
internal static class DaemonCommands
{
    /// <summary>
    /// Builds <c>daemon</c>; tests replace the environment, the path of this binary and the service manager
    /// (<paramref name="createManager"/> gets the environment the command resolved).
    /// </summary>
    public static Command Create(
        Func<string, string?>? getEnvironmentVariable = null, string? processPath = null, Func<Func<string, string?>, ServiceManager>? createManager = null)
    {
        var environment = getEnvironmentVariable ?? System.Environment.GetEnvironmentVariable;
        processPath ??= System.Environment.ProcessPath;
        createManager ??= ServiceManager.ForCurrentPlatform;

        var daemon = new Command("daemon", "Run the gateway as a background service: a systemd user unit (Linux) or a launchd agent (macOS).");
        foreach (var (action, name, description) in new[]
        {
            (DaemonAction.Install, "install", "Write the service file and start the gateway under it (now and at every login)."),
            (DaemonAction.Uninstall, "uninstall", "Stop the service and remove its file."),
            (DaemonAction.Start, "start", "Start the installed service."),
            (DaemonAction.Stop, "stop", "Stop the service (the gateway shuts down gracefully)."),
            (DaemonAction.Status, "status", "Show whether the service is installed and running; exit 3 when it is not running."),
        })
        {
            var dryRun = new Option<bool>("--dry-run") { Description = "Print the file that would be written and the commands that would run; change nothing." };
            var command = new Command(name, description) { dryRun };
            Option<string?>? stateDir = null;
            Option<string?>? configFile = null;
            Option<bool>? json = null;
            if (action == DaemonAction.Install)
            {
                stateDir = new Option<string?>("--state-dir") { Description = "State directory the service uses (default: OPENCLAW_STATE_DIR when set, else the gateway's default ~/.openclaw)." };
                configFile = new Option<string?>("--config") { Description = "Config file the service uses (default: OPENCLAW_CONFIG_PATH when set)." };
                command.Options.Add(stateDir);
                command.Options.Add(configFile);
            }
            else if (action == DaemonAction.Status)
            {
                json = new Option<bool>("--json") { Description = "Print {manager, file, installed, running} as JSON." };
                command.Options.Add(json);
            }

            command.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, () =>
            {
                var env = stateDir is null ? environment
                    : GatewayCommands.WithOverrides(environment, result.GetValue(stateDir), result.GetValue(configFile!));
                var run = new Runner(createManager(env), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
                return action switch
                {
                    DaemonAction.Install => run.InstallAsync(ServiceDefinition.For(processPath, env), result.GetValue(dryRun), cancellationToken),
                    DaemonAction.Status when !result.GetValue(dryRun) => run.StatusAsync(json is not null && result.GetValue(json), cancellationToken),
                    _ => run.ExecuteAsync(action, null, result.GetValue(dryRun), cancellationToken),
                };
            }));
            daemon.Subcommands.Add(command);
        }

        return daemon;
    }

    private sealed class Runner(ServiceManager manager, TextWriter output, TextWriter error)
    {
        public async Task<int> InstallAsync(ServiceDefinition service, bool dryRun, CancellationToken cancellationToken)
        {
            var exit = await ExecuteAsync(DaemonAction.Install, manager.Render(service), dryRun, cancellationToken);
            if (!dryRun && exit == CliExit.Success)
            {
                await output.WriteLineAsync($"installed {manager.ServiceFile}; the gateway is running (`openclaw daemon status`).");
                if (manager.InstallNote is { } note)
                {
                    await output.WriteLineAsync(note);
                }
            }

            return exit;
        }

        public async Task<int> ExecuteAsync(DaemonAction action, string? content, bool dryRun, CancellationToken cancellationToken)
        {
            var file = manager.ServiceFile;
            if (!dryRun && action is not DaemonAction.Install && !File.Exists(file))
            {
                if (action == DaemonAction.Uninstall)
                {
                    await output.WriteLineAsync($"not installed ({file} does not exist); nothing to remove.");
                    return CliExit.Success;
                }

                throw NotInstalled(file);
            }

            var steps = await manager.PlanAsync(action, content, cancellationToken);
            if (dryRun)
            {
                await output.WriteAsync(Describe(steps));
                await output.WriteLineAsync("(--dry-run: nothing was changed)");
                return CliExit.Success;
            }

            var program = ExternalCommand.Find(manager.Program, Environment) ?? throw manager.Missing();
            foreach (var step in steps)
            {
                switch (step)
                {
                    case DaemonStep.Write write:
                        await WriteFileAsync(write.File, write.Content, cancellationToken);
                        break;
                    case DaemonStep.Delete delete:
                        File.Delete(delete.File);
                        await output.WriteLineAsync($"removed {delete.File}");
                        break;
                    case DaemonStep.Run run:
                        var answer = await run.Command.RunAsync(program, cancellationToken);
                        if (action == DaemonAction.Status)
                        {
                            await output.WriteAsync(answer.StandardOutput);
                            return manager.IsRunning(answer) switch
                            {
                                true => CliExit.Success,
                                false => CliExit.GatewayNotRunning,
                                null => throw manager.Failed(run.Command, answer),
                            };
                        }

                        if (answer.ExitCode != 0)
                        {
                            if (!run.MayFail)
                            {
                                throw manager.Failed(run.Command, answer);
                            }

                            // e.g. disabling a unit systemd has already forgotten: what follows still cleans up.
                            await error.WriteLineAsync($"note: `{run.Command.Display}` answered: {answer.FirstLine}");
                        }

                        break;
                }
            }

            if (action is DaemonAction.Start or DaemonAction.Stop)
            {
                await output.WriteLineAsync(action == DaemonAction.Start ? "started." : "stopped.");
            }

            return CliExit.Success;
        }

        public async Task<int> StatusAsync(bool json, CancellationToken cancellationToken)
        {
            var file = manager.ServiceFile;
            if (!json)
            {
                return await ExecuteAsync(DaemonAction.Status, null, dryRun: false, cancellationToken);
            }

            bool? running = false;
            var installed = File.Exists(file);
            if (installed)
            {
                var program = ExternalCommand.Find(manager.Program, Environment) ?? throw manager.Missing();
                var command = await manager.StatusCommand(cancellationToken);
                var answer = await command.RunAsync(program, cancellationToken);
                running = manager.IsRunning(answer) ?? throw manager.Failed(command, answer);
            }

            await output.WriteLineAsync(CliText.Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("manager", manager.Program == "systemctl" ? "systemd" : "launchd");
                writer.WriteString("file", file);
                writer.WriteBoolean("installed", installed);
                writer.WriteBoolean("running", running == true);
                writer.WriteEndObject();
            }));
            return running == true ? CliExit.Success : CliExit.GatewayNotRunning;
        }

        private Func<string, string?> Environment => manager.EnvironmentForLookup;

        private static OpenClawException NotInstalled(string file) =>
            new($"the gateway service is not installed ({file} does not exist); install it with `openclaw daemon install`.");

        private static string Describe(IReadOnlyList<DaemonStep> steps)
        {
            var text = new StringBuilder();
            foreach (var step in steps)
            {
                switch (step)
                {
                    case DaemonStep.Write write:
                        text.Append("# would write ").Append(write.File).Append(":\n").Append(write.Content);
                        break;
                    case DaemonStep.Delete delete:
                        text.Append("# would delete ").Append(delete.File).Append('\n');
                        break;
                    case DaemonStep.Run run:
                        text.Append("# would run: ").Append(run.Command.Display).Append('\n');
                        break;
                }
            }

            return text.ToString();
        }

        private async Task WriteFileAsync(string file, string content, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temporary = file + ".tmp";
            await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            File.Move(temporary, file, overwrite: true);
            await output.WriteLineAsync($"wrote {file}");
        }
    }
}
