using OpenClaw.Core;

namespace OpenClaw.Cli.Daemon;

/// <summary>What <c>openclaw daemon</c> is asked to do.</summary>
internal enum DaemonAction
{
    Install,
    Uninstall,
    Start,
    Stop,
    Status,
}

/// <summary>One step of a plan: write a file, delete one, or run a command.</summary>
internal abstract record DaemonStep
{
    private DaemonStep()
    {
    }

    /// <summary>Writes <paramref name="Content"/> to <paramref name="File"/> (its folder created, replaced atomically).</summary>
    public sealed record Write(string File, string Content) : DaemonStep;

    /// <summary>Deletes <paramref name="File"/>.</summary>
    public sealed record Delete(string File) : DaemonStep;

    /// <summary>Runs <paramref name="Command"/>; a failure stops the plan unless <paramref name="MayFail"/> (e.g. stopping what is not running).</summary>
    public sealed record Run(ExternalCommand Command, bool MayFail = false) : DaemonStep;
}

/// <summary>A service manager the gateway can be installed under: systemd (user) on Linux, launchd on macOS.</summary>
internal abstract class ServiceManager(Func<string, string?> environment)
{
    /// <summary>The environment commands and paths are resolved from.</summary>
    protected Func<string, string?> Environment { get; } = environment;

    /// <summary>The environment whose PATH the program is looked up on.</summary>
    public Func<string, string?> EnvironmentForLookup => Environment;

    /// <summary>The program every step runs (<c>systemctl</c>, <c>launchctl</c>).</summary>
    public abstract string Program { get; }

    /// <summary>The service file (unit or plist).</summary>
    public abstract string ServiceFile { get; }

    /// <summary>The service file's text for <paramref name="service"/>.</summary>
    public abstract string Render(ServiceDefinition service);

    /// <summary>The steps of <paramref name="action"/>; <paramref name="content"/> is the file to write for an install.</summary>
    public abstract Task<IReadOnlyList<DaemonStep>> PlanAsync(DaemonAction action, string? content, CancellationToken cancellationToken);

    /// <summary>The error for a program that is not on PATH, naming the fix.</summary>
    public abstract OpenClawException Missing();

    /// <summary>The error for a step that failed, naming the fix when the cause is known.</summary>
    public virtual OpenClawException Failed(ExternalCommand command, ProcessResult result) =>
        new($"`{command.Display}` failed (exit {result.ExitCode}): {result.FirstLine}");

    /// <summary>Whether the service runs, from the answer of <see cref="StatusCommand"/>; null when the answer is a failure.</summary>
    public abstract bool? IsRunning(ProcessResult result);

    /// <summary>The command whose answer describes the service.</summary>
    public abstract Task<ExternalCommand> StatusCommand(CancellationToken cancellationToken);

    /// <summary>A note printed after a successful install, or null.</summary>
    public virtual string? InstallNote => null;

    /// <summary>The manager for this operating system.</summary>
    /// <exception cref="OpenClawException">Neither Linux nor macOS.</exception>
    public static ServiceManager ForCurrentPlatform(Func<string, string?> environment) =>
        OperatingSystem.IsLinux() ? new SystemdManager(environment)
        : OperatingSystem.IsMacOS() ? new LaunchdManager(environment)
        : throw new OpenClawException(
            "`openclaw daemon` installs a systemd user unit (Linux) or a launchd agent (macOS); on this system run " +
            "`openclaw gateway run` under its own service manager (e.g. Task Scheduler or NSSM on Windows).");
}

/// <summary>The systemd user manager (<c>systemctl --user</c>).</summary>
internal sealed class SystemdManager(Func<string, string?> environment) : ServiceManager(environment)
{
    public override string Program => "systemctl";

    public override string ServiceFile => SystemdUnit.PathFor(Environment);

    public override string? InstallNote =>
        "note: a user service stops when you log out; to keep the gateway running without a login, run `loginctl enable-linger $USER` once.";

    public override string Render(ServiceDefinition service) => SystemdUnit.Render(service);

    public override Task<IReadOnlyList<DaemonStep>> PlanAsync(DaemonAction action, string? content, CancellationToken cancellationToken)
    {
        IReadOnlyList<DaemonStep> steps = action switch
        {
            DaemonAction.Install when File.Exists(ServiceFile) =>
            [
                new DaemonStep.Write(ServiceFile, content!), Run("daemon-reload"), Run("enable", "--now", SystemdUnit.Name),
                Run("restart", SystemdUnit.Name), // a running gateway picks up the new unit (a new binary path, a new state directory)
            ],
            DaemonAction.Install => [new DaemonStep.Write(ServiceFile, content!), Run("daemon-reload"), Run("enable", "--now", SystemdUnit.Name)],
            DaemonAction.Uninstall =>
                [new DaemonStep.Run(Command("disable", "--now", SystemdUnit.Name), MayFail: true), new DaemonStep.Delete(ServiceFile), Run("daemon-reload")],
            DaemonAction.Start => [Run("start", SystemdUnit.Name)],
            DaemonAction.Stop => [Run("stop", SystemdUnit.Name)],
            _ => [new DaemonStep.Run(Command("status", SystemdUnit.Name, "--no-pager"), MayFail: true)],
        };
        return Task.FromResult(steps);
    }

    public override Task<ExternalCommand> StatusCommand(CancellationToken cancellationToken) =>
        Task.FromResult(Command("status", SystemdUnit.Name, "--no-pager"));

    // systemctl status: 0 active, 3 not active (LSB); anything else (4: no such unit, 1: bus trouble) is a failure.
    public override bool? IsRunning(ProcessResult result) => result.ExitCode switch
    {
        0 => true,
        3 => false,
        _ => null,
    };

    public override OpenClawException Missing() => new(
        "systemctl was not found on PATH, so there is no systemd to install the gateway under; run `openclaw gateway run` " +
        "under another supervisor (runit, s6, supervisord, or a container's restart policy).");

    public override OpenClawException Failed(ExternalCommand command, ProcessResult result)
    {
        var line = result.FirstLine;
        if (line.Contains("not been booted with systemd", StringComparison.OrdinalIgnoreCase))
        {
            return new OpenClawException(
                $"`{command.Display}` failed ({line}): this system (a container?) does not run systemd; run `openclaw gateway run` " +
                "under another supervisor (runit, s6, supervisord, or a container's restart policy).");
        }

        if (line.Contains("bus", StringComparison.OrdinalIgnoreCase) || line.Contains("XDG_RUNTIME_DIR", StringComparison.Ordinal))
        {
            return new OpenClawException(
                $"`{command.Display}` cannot reach your user's systemd ({line}): this shell has no user session bus (su, sudo, " +
                "ssh without a login session or a container). Log in as the user directly, or run `loginctl enable-linger $USER` " +
                "and log in again; or run `openclaw gateway run` under another supervisor.");
        }

        return base.Failed(command, result);
    }

    private static DaemonStep.Run Run(params string[] arguments) => new(Command(arguments));

    private static ExternalCommand Command(params string[] arguments) => new("systemctl", ["--user", .. arguments]);
}

/// <summary>The launchd per-user domain (<c>launchctl … gui/&lt;uid&gt;</c>).</summary>
internal sealed class LaunchdManager(Func<string, string?> environment) : ServiceManager(environment)
{
    private string? _domain;

    public override string Program => "launchctl";

    public override string ServiceFile => LaunchdPlist.PathFor(Environment);

    public override string Render(ServiceDefinition service) => LaunchdPlist.Render(service, LaunchdPlist.LogFileFor(Environment));

    public override async Task<IReadOnlyList<DaemonStep>> PlanAsync(DaemonAction action, string? content, CancellationToken cancellationToken)
    {
        var domain = await DomainAsync(cancellationToken);
        var service = $"{domain}/{LaunchdPlist.Label}";
        return action switch
        {
            DaemonAction.Install when File.Exists(ServiceFile) =>
            [
                new DaemonStep.Write(ServiceFile, content!),
                new DaemonStep.Run(Command("bootout", service), MayFail: true), // the older copy, if it is loaded
                new DaemonStep.Run(Command("bootstrap", domain, ServiceFile)),
            ],
            DaemonAction.Install => [new DaemonStep.Write(ServiceFile, content!), new DaemonStep.Run(Command("bootstrap", domain, ServiceFile))],
            DaemonAction.Uninstall => [new DaemonStep.Run(Command("bootout", service), MayFail: true), new DaemonStep.Delete(ServiceFile)],
            DaemonAction.Start => [new DaemonStep.Run(Command("kickstart", service))],
            DaemonAction.Stop => [new DaemonStep.Run(Command("kill", "SIGTERM", service))],
            _ => [new DaemonStep.Run(Command("print", service), MayFail: true)],
        };
    }

    public override async Task<ExternalCommand> StatusCommand(CancellationToken cancellationToken) =>
        Command("print", $"{await DomainAsync(cancellationToken)}/{LaunchdPlist.Label}");

    public override bool? IsRunning(ProcessResult result) =>
        result.ExitCode == 0 ? result.StandardOutput.Contains("state = running", StringComparison.Ordinal) : false;

    public override OpenClawException Missing() => new(
        "launchctl was not found on PATH; run `openclaw gateway run` under another supervisor.");

    private static ExternalCommand Command(params string[] arguments) => new("launchctl", arguments);

    // The per-user GUI domain: gui/<uid>.
    private async Task<string> DomainAsync(CancellationToken cancellationToken)
    {
        if (_domain is null)
        {
            var id = new ExternalCommand("id", ["-u"]);
            var path = ExternalCommand.Find("id", Environment) ?? "/usr/bin/id";
            var result = await id.RunAsync(path, cancellationToken);
            _domain = result.ExitCode == 0 ? "gui/" + result.StandardOutput.Trim() : throw Failed(id, result);
        }

        return _domain;
    }
}
