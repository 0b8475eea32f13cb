using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Sandbox;

public sealed class LinuxCgroupsTests
{
    [Fact]
    public void Membership_maps_v1_controllers_and_the_v2_group()
    {
        var map = LinuxCgroups.ParseMembership("9:name=systemd:/\n8:pids:/a\n4:memory:/process_api/x\n2:cpu,cpuacct:/c\n0::/user.slice\n");

        Assert.Equal("/a", map["pids"]);
        Assert.Equal("/process_api/x", map["memory"]);
        Assert.Equal("/c", map["cpuacct"]);
        Assert.Equal("/user.slice", map[""]);
    }

    [Fact]
    public void Without_a_pids_hierarchy_no_cgroup_is_made_and_the_reason_is_given()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cgroup"), "0::/\n");

        var run = new LinuxCgroups(dir.Combine("sys"), dir.Combine("cgroup"), NullLogger.Instance)
            .TryCreate(new SandboxLimits(1, 1, 1, 1, 1), out var problem);

        Assert.Null(run);
        Assert.Contains("pids", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_group_without_the_pids_controller_delegated_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cgroup"), "0::/svc\n");
        Directory.CreateDirectory(dir.Combine("sys", "svc"));
        File.WriteAllText(dir.Combine("sys", "cgroup.controllers"), "cpu memory pids");
        File.WriteAllText(dir.Combine("sys", "svc", "cgroup.subtree_control"), "cpu memory");

        var run = new LinuxCgroups(dir.Combine("sys"), dir.Combine("cgroup"), NullLogger.Instance)
            .TryCreate(new SandboxLimits(1, 1, 1, 1, 1), out var problem);

        Assert.Null(run);
        Assert.Contains("pids controller is not delegated", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_tree_that_only_looks_like_a_cgroup_hierarchy_is_not_trusted()
    {
        // Writing a pid into a plain file would "join" nothing and leave the process count unbounded.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("cgroup"), "8:pids:/\n");
        Directory.CreateDirectory(dir.Combine("sys", "pids"));
        File.WriteAllText(dir.Combine("sys", "pids", "cgroup.procs"), "");

        var run = new LinuxCgroups(dir.Combine("sys"), dir.Combine("cgroup"), NullLogger.Instance)
            .TryCreate(new SandboxLimits(1, 1, 1, 1, 1), out var problem);

        Assert.Null(run);
        Assert.Contains("could not be created", problem, StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(dir.Combine("sys", "pids")));
    }

    [Fact]
    public async Task A_real_run_cgroup_bounds_processes_and_memory_and_is_removed()
    {
        var run = LinuxCgroups.System(NullLogger.Instance).TryCreate(new SandboxLimits(1, 1, 64, 7, 1), out var problem);
        if (run is null)
        {
            Assert.False(Environment.IsPrivilegedProcess, $"as root a cgroup must be creatable here: {problem}");
            return;
        }

        var group = Path.GetDirectoryName(run.ProcsFiles[0])!;
        Assert.Equal("7", File.ReadAllText(Path.Combine(group, "pids.max")).Trim());
        Assert.True(run.BoundsMemory);

        await run.DisposeAsync();

        Assert.False(Directory.Exists(group));
    }
}
