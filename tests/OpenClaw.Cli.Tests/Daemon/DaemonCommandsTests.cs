using System.CommandLine;
using OpenClaw.Cli.Daemon;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Daemon;

/// <summary>
/// <c>openclaw daemon</c> on Linux against a fake <c>systemctl</c> first on PATH that records its arguments, so no test
/// touches the real systemd.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // systemd and a shell-script systemctl
public sealed class DaemonCommandsTests : IDisposable
{
    private const string Binary = "/opt/openclaw/bin/openclaw";
    private const string Token = "canary-daemon-token-5be1";

    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public DaemonCommandsTests()
    {
        Directory.CreateDirectory(_dir.Combine("bin"));
        Directory.CreateDirectory(_dir.Combine("state"));
        _environment["PATH"] = _dir.Combine("bin");
        _environment["HOME"] = _dir.Combine("home");
        _environment["XDG_CONFIG_HOME"] = _dir.Combine("xdg");
        _environment["OPENCLAW_STATE_DIR"] = _dir.Combine("state");
        _environment["OPENCLAW_GATEWAY_TOKEN"] = Token;
        _environment["OPENCLAW_MASTER_PASSWORD"] = Token + "-master";
    }

    private string UnitFile => _dir.Combine("xdg", "systemd", "user", "openclaw-gateway.service");

    private string Log => _dir.Combine("systemctl.log");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Install_dry_run_prints_the_unit_and_the_commands_and_changes_nothing()
    {
        FakeSystemctl();

        var run = await RunAsync("install", "--dry-run");

        Assert.Equal(0, run.Exit);
        Assert.Contains($"# would write {UnitFile}:", run.Output, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={Binary} gateway run\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Restart=on-failure\n", run.Output, StringComparison.Ordinal);
        Assert.Contains($"Environment=OPENCLAW_STATE_DIR={_dir.Combine("state")}\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("# would run: systemctl --user daemon-reload\n# would run: systemctl --user enable --now openclaw-gateway.service", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("OPENCLAW_GATEWAY_TOKEN", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(UnitFile));
        Assert.False(File.Exists(Log)); // systemctl was never run
    }

    [Fact]
    public async Task Install_writes_the_unit_under_XDG_CONFIG_HOME_reloads_and_enables_it()
    {
        FakeSystemctl();

        var run = await RunAsync("install");

        Assert.Equal(0, run.Exit);
        var unit = await File.ReadAllTextAsync(UnitFile, TestContext.Current.CancellationToken);
        Assert.Contains($"ExecStart={Binary} gateway run\n", unit, StringComparison.Ordinal);
        Assert.Contains($"Environment=OPENCLAW_STATE_DIR={_dir.Combine("state")}\n", unit, StringComparison.Ordinal);
        Assert.Contains("[Install]\nWantedBy=default.target", unit, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, unit, StringComparison.Ordinal);
        Assert.Equal(["--user daemon-reload", "--user enable --now openclaw-gateway.service"], await CallsAsync());
        Assert.Contains("loginctl enable-linger", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_with_HOME_only_goes_to_dot_config_and_without_a_state_dir_sets_no_environment()
    {
        FakeSystemctl();
        _environment.Remove("XDG_CONFIG_HOME");
        _environment.Remove("OPENCLAW_STATE_DIR");

        var run = await RunAsync("install");

        Assert.Equal(0, run.Exit);
        var unit = await File.ReadAllTextAsync(_dir.Combine("home", ".config", "systemd", "user", "openclaw-gateway.service"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("Environment=", unit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_again_restarts_the_running_service_so_the_new_unit_applies()
    {
        FakeSystemctl();
        Assert.Equal(0, (await RunAsync("install")).Exit);
        File.Delete(Log);

        var run = await RunAsync("install", "--state-dir", _dir.Combine("other-state"));

        Assert.Equal(0, run.Exit);
        Assert.Contains($"Environment=OPENCLAW_STATE_DIR={_dir.Combine("other-state")}\n", await File.ReadAllTextAsync(UnitFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(["--user daemon-reload", "--user enable --now openclaw-gateway.service", "--user restart openclaw-gateway.service"], await CallsAsync());
    }

    [Fact]
    public async Task Uninstall_disables_the_service_removes_the_unit_and_reloads()
    {
        FakeSystemctl();
        Assert.Equal(0, (await RunAsync("install")).Exit);
        File.Delete(Log);

        var run = await RunAsync("uninstall");

        Assert.Equal(0, run.Exit);
        Assert.False(File.Exists(UnitFile));
        Assert.Equal(["--user disable --now openclaw-gateway.service", "--user daemon-reload"], await CallsAsync());
    }

    [Fact]
    public async Task Uninstall_when_not_installed_says_so_and_runs_nothing()
    {
        FakeSystemctl();

        var run = await RunAsync("uninstall");

        Assert.Equal(0, run.Exit);
        Assert.Contains("not installed", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Log));
    }

    [Fact]
    public async Task Start_and_stop_wrap_systemctl_user()
    {
        FakeSystemctl();
        Assert.Equal(0, (await RunAsync("install")).Exit);
        File.Delete(Log);

        Assert.Equal(0, (await RunAsync("stop")).Exit);
        Assert.Equal(0, (await RunAsync("start")).Exit);

        Assert.Equal(["--user stop openclaw-gateway.service", "--user start openclaw-gateway.service"], await CallsAsync());
    }

    [Fact]
    public async Task Status_passes_systemctls_answer_through_and_exits_3_when_the_service_is_not_running()
    {
        FakeSystemctl();
        Assert.Equal(0, (await RunAsync("install")).Exit);

        FakeSystemctl("echo '● openclaw-gateway.service - OpenClaw gateway'; echo '   Active: inactive (dead)'; exit 3");
        var stopped = await RunAsync("status");
        FakeSystemctl("echo '   Active: active (running)'; exit 0");
        var running = await RunAsync("status", "--json");

        Assert.Equal(3, stopped.Exit);
        Assert.Contains("inactive (dead)", stopped.Output, StringComparison.Ordinal);
        Assert.Equal(0, running.Exit);
        Assert.Contains("\"running\": true", running.Output, StringComparison.Ordinal);
        Assert.Contains("\"installed\": true", running.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_when_not_installed_names_daemon_install()
    {
        FakeSystemctl();

        var run = await RunAsync("status");

        Assert.Equal(1, run.Exit);
        Assert.Contains("openclaw daemon install", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_without_systemctl_on_PATH_names_another_supervisor_and_writes_nothing()
    {
        var run = await RunAsync("install");

        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error: systemctl was not found on PATH", run.Error, StringComparison.Ordinal);
        Assert.Contains("openclaw gateway run", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(UnitFile));
    }

    [Fact]
    public async Task Install_without_a_user_session_bus_names_loginctl_enable_linger()
    {
        FakeSystemctl("echo 'Failed to connect to bus: No medium found' >&2; exit 1");

        var run = await RunAsync("install");

        Assert.Equal(1, run.Exit);
        Assert.Contains("No medium found", run.Error, StringComparison.Ordinal);
        Assert.Contains("loginctl enable-linger", run.Error, StringComparison.Ordinal);
        Assert.Contains("openclaw gateway run", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n')); // one line, no stack trace
    }

    [Fact]
    public async Task Install_where_systemd_is_not_init_names_another_supervisor()
    {
        FakeSystemctl("echo 'System has not been booted with systemd as init system (PID 1). Cannot operate.' >&2; exit 1");

        var run = await RunAsync("install");

        Assert.Equal(1, run.Exit);
        Assert.Contains("does not run systemd", run.Error, StringComparison.Ordinal);
        Assert.Contains("openclaw gateway run", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_run_through_dotnet_says_the_published_binary_is_needed()
    {
        FakeSystemctl();

        var run = await RunAsAsync("/usr/share/dotnet/dotnet", "install", "--dry-run");

        Assert.Equal(1, run.Exit);
        Assert.Contains("published `openclaw` binary", run.Error, StringComparison.Ordinal);
        Assert.Contains("/usr/share/dotnet/dotnet", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_dry_run_on_macOS_prints_the_plist_and_the_launchctl_bootstrap()
    {
        var root = new RootCommand
        {
            DaemonCommands.Create(name => _environment.GetValueOrDefault(name), Binary, env => new LaunchdManager(env)),
        };
        using var output = new StringWriter();

        var exit = await root.Parse(["daemon", "install", "--dry-run"]).InvokeAsync(new InvocationConfiguration { Output = output }, TestContext.Current.CancellationToken);

        var plist = _dir.Combine("home", "Library", "LaunchAgents", "ai.openclaw.gateway.plist");
        Assert.Equal(0, exit);
        Assert.Contains($"# would write {plist}:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"<string>{Binary}</string>", output.ToString(), StringComparison.Ordinal);
        Assert.Matches($@"# would run: launchctl bootstrap gui/\d+ {plist}\n", output.ToString());
        Assert.DoesNotContain(Token, output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(plist));
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsAsync(Binary, args);

    private async Task<(int Exit, string Output, string Error)> RunAsAsync(string processPath, params string[] args)
    {
        var root = new RootCommand
        {
            DaemonCommands.Create(name => _environment.GetValueOrDefault(name), processPath, env => new SystemdManager(env)),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["daemon", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    // A systemctl that appends its arguments to the log, then runs `behaviour`.
    private void FakeSystemctl(string behaviour = "exit 0")
    {
        var script = _dir.Combine("bin", "systemctl");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$*\" >> '{Log}'\n{behaviour}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task<string[]> CallsAsync() =>
        (await File.ReadAllLinesAsync(Log, TestContext.Current.CancellationToken)).Where(l => l.Length > 0).ToArray();
}
