using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Tests.Sandbox;

public sealed class BubblewrapArgumentsTests
{
    private static readonly IReadOnlyList<(string Name, string? LinkTarget)> s_mergedUsr = [("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")];

    private static SandboxRequest Request(SandboxLevel level = SandboxLevel.Strict) => new()
    {
        Command = ["/bin/sh", "-c", "echo hi"],
        WorkspacePath = "/home/u/.openclaw/workspace",
        Level = level,
        Limits = new SandboxLimits(10, 10, 128, 32, 1000),
    };

    /// <summary>The values that follow each occurrence of <paramref name="option"/> (the next <paramref name="count"/> arguments).</summary>
    private static List<string> After(List<string> args, string option, int count = 1)
    {
        var values = new List<string>();
        var end = args.IndexOf("--");
        for (var i = 0; i < end; i++)
        {
            if (args[i] == option)
            {
                values.Add(string.Join(" ", args.Skip(i + 1).Take(count)));
            }
        }

        return values;
    }

    [Fact]
    public void Strict_unshares_every_namespace_including_the_network()
    {
        var args = BubblewrapArguments.Build(Request(), s_mergedUsr);

        Assert.Subset(args.ToHashSet(), new HashSet<string> { "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--new-session", "--die-with-parent", "--clearenv", "--disable-userns" });
        Assert.Equal(["ALL"], After(args, "--cap-drop"));
    }

    [Fact]
    public void Relaxed_keeps_the_network_and_shows_name_resolution_files()
    {
        var strict = BubblewrapArguments.Build(Request(), s_mergedUsr);
        var relaxed = BubblewrapArguments.Build(Request(SandboxLevel.Relaxed), s_mergedUsr);

        Assert.DoesNotContain("--unshare-net", relaxed);
        Assert.Contains("/etc/resolv.conf /etc/resolv.conf", After(relaxed, "--ro-bind-try", 2));
        Assert.DoesNotContain("/etc/resolv.conf /etc/resolv.conf", After(strict, "--ro-bind-try", 2));
    }

    [Fact]
    public void Only_the_workspace_is_bound_writable_and_etc_is_never_bound_whole()
    {
        var args = BubblewrapArguments.Build(Request(), s_mergedUsr);

        Assert.Equal(["/home/u/.openclaw/workspace /workspace"], After(args, "--bind", 2));
        var readOnly = After(args, "--ro-bind", 2).Concat(After(args, "--ro-bind-try", 2)).Select(m => m.Split(' ')[0]).ToList();
        Assert.DoesNotContain("/etc", readOnly);
        Assert.DoesNotContain("/etc/shadow", readOnly);
        Assert.DoesNotContain("/etc/ssl", readOnly);
        Assert.DoesNotContain(readOnly, p => p.StartsWith("/home", StringComparison.Ordinal) || p.StartsWith("/root", StringComparison.Ordinal));
        Assert.Equal(["/"], After(args, "--remount-ro"));
    }

    [Fact]
    public void Merged_usr_symlinks_are_recreated_and_real_directories_bound_read_only()
    {
        var args = BubblewrapArguments.Build(Request(), [("bin", "usr/bin"), ("lib", null)]);

        Assert.Equal(["usr/bin /bin"], After(args, "--symlink", 2));
        Assert.Contains("/lib /lib", After(args, "--ro-bind", 2));
        Assert.Contains("/usr /usr", After(args, "--ro-bind", 2));
    }

    [Fact]
    public void The_environment_is_cleared_then_set_from_the_allowlist_and_home_is_the_workspace()
    {
        var request = Request() with { Environment = new Dictionary<string, string> { ["FOO"] = "bar" } };

        var args = BubblewrapArguments.Build(request, s_mergedUsr);

        Assert.True(args.IndexOf("--clearenv") < args.IndexOf("--setenv"));
        Assert.Equal(["PATH " + SandboxEnvironment.Path, "HOME /workspace", "LANG C.UTF-8", "TERM dumb", "TMPDIR /tmp", "FOO bar"], After(args, "--setenv", 2));
    }

    [Fact]
    public void The_command_follows_the_separator_unchanged_and_cwd_is_the_working_directory()
    {
        var args = BubblewrapArguments.Build(Request() with { WorkingDirectory = "src/./app/" }, s_mergedUsr);

        Assert.Equal(["/bin/sh", "-c", "echo hi"], args[(args.LastIndexOf("--") + 1)..]);
        Assert.Equal(["/workspace/src/app"], After(args, "--chdir"));
    }

    [Fact]
    public void Tmp_is_a_private_tmpfs_sized_by_the_memory_limit()
    {
        var args = BubblewrapArguments.Build(Request(), s_mergedUsr);

        Assert.Equal(["134217728 --tmpfs /tmp"], After(args, "--size", 3));
    }
}
