using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Daemon;

/// <summary><c>openclaw daemon</c> as a process (run through <c>dotnet openclaw.dll</c>), with a fake systemctl first on PATH.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DaemonProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Install_through_dotnet_refuses_and_names_the_published_binary()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_dir.Path, "daemon", "install", "--dry-run");

        Assert.Equal(1, exit);
        Assert.Contains("error: the service must run the published `openclaw` binary", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_subcommand_is_a_usage_error()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_dir.Path, "daemon", "instal");

        Assert.NotEqual(0, exit); // a parse error: the root maps it to CliExit.Usage
        Assert.Contains("instal", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_runs_systemctl_user_stop_on_the_installed_unit()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("systemd is Linux only");
        }

        var bin = Directory.CreateDirectory(_dir.Combine("bin")).FullName;
        var log = _dir.Combine("systemctl.log");
        File.WriteAllText(Path.Combine(bin, "systemctl"), $"#!/bin/sh\necho \"$*\" >> '{log}'\n");
        File.SetUnixFileMode(Path.Combine(bin, "systemctl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var unit = Directory.CreateDirectory(_dir.Combine("xdg", "systemd", "user")).FullName;
        File.WriteAllText(Path.Combine(unit, "openclaw-gateway.service"), "[Service]\n");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["XDG_CONFIG_HOME"] = _dir.Combine("xdg"),
        };

        using var run = GatewayProcess.Start(_dir.Path, environment, "daemon", "stop");
        var exit = await run.WaitForExitAsync();

        Assert.Equal(0, exit);
        Assert.Contains("stopped.", run.Output, StringComparison.Ordinal);
        Assert.Equal(["--user stop openclaw-gateway.service"], await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken));
    }
}
