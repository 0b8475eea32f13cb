using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Tests.Sandbox;

/// <summary>The macOS profile and argv, checked as text since sandbox-exec cannot run here.</summary>
public sealed class SeatbeltSandboxTests
{
    private static SandboxRequest Request(SandboxLevel level) => new()
    {
        Command = ["/bin/sh", "-c", "make"],
        WorkspacePath = "/Users/me/.openclaw/workspace",
        Level = level,
        Limits = new SandboxLimits(120, 60, 512, 64, 1000),
    };

    [Fact]
    public void The_strict_profile_denies_by_default_writes_only_the_workspace_and_tmp_and_has_no_network()
    {
        var profile = SeatbeltSandbox.Profile(SandboxLevel.Strict);
        var lines = profile.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("(version 1)", lines[0]);
        Assert.Equal("(deny default)", lines[1]);
        Assert.DoesNotContain("network", profile, StringComparison.Ordinal);
        Assert.Equal(
            ["(allow file-read* file-write* (subpath (param \"WORKSPACE\")) (subpath (param \"TMP\")))",
             "(allow file-write* (literal \"/dev/null\") (literal \"/dev/zero\") (literal \"/dev/dtracehelper\"))"],
            lines.Where(l => l.Contains("file-write", StringComparison.Ordinal)));
        Assert.DoesNotContain("/Users", profile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_relaxed_profile_adds_the_network()
    {
        Assert.Contains("(allow network*)", SeatbeltSandbox.Profile(SandboxLevel.Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void The_argv_passes_paths_as_parameters_then_the_limits_then_the_command()
    {
        var argv = SeatbeltSandbox.Arguments(Request(SandboxLevel.Strict), "/Users/me/ws", "/private/var/folders/t");

        Assert.Equal(["/usr/bin/sandbox-exec", "-p", SeatbeltSandbox.Profile(SandboxLevel.Strict), "-D", "WORKSPACE=/Users/me/ws", "-D", "TMP=/private/var/folders/t", "/bin/sh", "-c"], argv[..9]);
        Assert.Equal(["openclaw-sandbox", "60", "524288", "64", "/bin/sh", "-c", "make"], argv[10..]);
    }

    [Theory]
    [InlineData("/var/folders/x", "/private/var/folders/x")]
    [InlineData("/tmp/ws", "/private/tmp/ws")]
    [InlineData("/Users/me", "/Users/me")]
    public void Paths_are_given_as_seatbelt_sees_them(string path, string expected) =>
        Assert.Equal(expected, SeatbeltSandbox.Canonical(path));

    [Fact]
    public async Task Without_sandbox_exec_it_fails_closed()
    {
        var sandbox = new SeatbeltSandbox(TimeProvider.System, NullLogger.Instance, "/no/sandbox-exec");
        using var workspace = new OpenClaw.Testing.TempDirectory();

        await Assert.ThrowsAsync<SandboxUnavailableException>(() =>
            sandbox.RunAsync(Request(SandboxLevel.Strict) with { WorkspacePath = workspace.Path }, TestContext.Current.CancellationToken));
    }
}
