using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Sandbox;

/// <summary>The provider's choice of backend and the ways the Linux backend fails closed.</summary>
public sealed class SandboxProviderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxRequest Touch(string file) => new()
    {
        Command = ["/bin/sh", "-c", $"touch {file}"],
        WorkspacePath = _dir.Path,
        Limits = new SandboxLimits(10, 10, 128, 32, 10_000),
    };

    [Fact]
    public void Levels_map_to_the_platform_backend_and_none_to_the_unisolated_runner()
    {
        var provider = new SandboxProvider();

        Assert.Equal("none", provider.ForLevel(SandboxLevel.None).Name);
        Assert.Equal(OperatingSystem.IsLinux() ? "bubblewrap" : OperatingSystem.IsMacOS() ? "seatbelt" : "job-object", provider.ForLevel(SandboxLevel.Strict).Name);
        Assert.Same(provider.ForLevel(SandboxLevel.Strict), provider.ForLevel(SandboxLevel.Relaxed));
    }

    [Fact]
    public async Task Missing_bubblewrap_fails_closed_with_how_to_install_it()
    {
        var sandbox = new SandboxProvider(bubblewrapPath: _dir.Combine("no-such-bwrap")).ForLevel(SandboxLevel.Strict);

        var availability = await sandbox.CheckAsync(Ct);
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.RunAsync(Touch("ran"), Ct));

        Assert.False(availability.Available);
        Assert.Contains("sudo apt-get install bubblewrap", availability.Problem, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install bubblewrap", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("ran")));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Bubblewrap_refused_by_the_kernel_fails_closed_with_the_sysctl_to_fix_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "bubblewrap is the Linux backend");
        // A stand-in for bubblewrap on a kernel that refuses user namespaces: it says so the way bwrap does, and exits 1.
        var fake = _dir.Combine("bwrap");
        File.WriteAllText(fake, "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var sandbox = new SandboxProvider(bubblewrapPath: fake).ForLevel(SandboxLevel.Strict);

        var availability = await sandbox.CheckAsync(Ct);
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.RunAsync(Touch("ran"), Ct));

        Assert.False(availability.Available);
        Assert.Contains("No permissions to creating new namespace", availability.Problem, StringComparison.Ordinal);
        Assert.Contains("kernel.unprivileged_userns_clone=1", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("ran")));
    }

    [Fact]
    public async Task As_root_without_a_cgroup_nothing_runs_because_the_process_count_would_be_unbounded()
    {
        var sandbox = new BubblewrapSandbox(
            "/usr/bin/bwrap", "/usr/bin/prlimit", new LinuxCgroups(_dir.Combine("no-cgroupfs"), "/proc/self/cgroup", NullLogger.Instance),
            isRoot: true, TimeProvider.System, NullLogger.Instance);

        var availability = await sandbox.CheckAsync(Ct);
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.RunAsync(Touch("ran"), Ct));

        Assert.False(availability.Available);
        Assert.Contains("runs as root", error.Message, StringComparison.Ordinal);
        Assert.Contains("Delegate=yes", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("ran")));
    }

    [Fact]
    public async Task Not_root_without_a_cgroup_the_process_count_and_memory_are_rlimits()
    {
        var sandbox = new BubblewrapSandbox(
            "/usr/bin/bwrap", "/usr/bin/prlimit", new LinuxCgroups(_dir.Combine("no-cgroupfs"), "/proc/self/cgroup", NullLogger.Instance),
            isRoot: false, TimeProvider.System, NullLogger.Instance);
        var request = Touch("x") with { Command = ["/bin/cat", "/proc/self/limits"] };

        var result = await sandbox.RunAsync(request, Ct);

        var limits = result.StandardOutput.Split('\n');
        Assert.DoesNotContain("unlimited", limits.Single(l => l.StartsWith("Max processes", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(" 134217728 ", limits.Single(l => l.StartsWith("Max address space", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(" 10 ", limits.Single(l => l.StartsWith("Max cpu time", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
