using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// Per-run cgroups that bound a sandboxed process tree's process count and memory: cgroup v1 (the <c>pids</c> and
/// <c>memory</c> hierarchies, writable as root) or a delegated cgroup v2 subtree with the <c>pids</c> controller enabled.
/// </summary>
internal sealed class LinuxCgroups(string root, string membershipFile, ILogger logger)
{
    /// <summary>The usual places.</summary>
    public static LinuxCgroups System(ILogger logger) => new("/sys/fs/cgroup", "/proc/self/cgroup", logger);

    /// <summary>Controller (or "" for the v2 hierarchy) to this process's cgroup path, from /proc/self/cgroup text.</summary>
    public static IReadOnlyDictionary<string, string> ParseMembership(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var first = line.IndexOf(':', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
            {
                continue;
            }

            var path = line[(second + 1)..];
            var controllers = line[(first + 1)..second];
            if (controllers.Length == 0)
            {
                map[""] = path;
                continue;
            }

            foreach (var controller in controllers.Split(','))
            {
                map[controller] = path;
            }
        }

        return map;
    }

    /// <summary>Creates a cgroup for one run with the process and memory limits, or explains why none can be made.</summary>
    public CgroupRun? TryCreate(SandboxLimits limits, out string problem)
    {
        IReadOnlyDictionary<string, string> membership;
        try
        {
            membership = ParseMembership(File.ReadAllText(membershipFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{membershipFile} could not be read ({e.GetType().Name})";
            return null;
        }

        var name = "openclaw-sandbox-" + Guid.NewGuid().ToString("N");
        var v1Pids = Path.Combine(root, "pids");
        if (membership.TryGetValue("pids", out var pidsPath) && File.Exists(Path.Combine(v1Pids, "cgroup.procs")))
        {
            return CreateV1(Join(v1Pids, pidsPath), membership, name, limits, out problem);
        }

        var unified = File.Exists(Path.Combine(root, "cgroup.controllers")) ? root : Path.Combine(root, "unified");
        if (membership.TryGetValue("", out var v2Path) && File.Exists(Path.Combine(unified, "cgroup.controllers")))
        {
            return CreateV2(Join(unified, v2Path), name, limits, out problem);
        }

        problem = "no cgroup hierarchy with the pids controller is mounted";
        return null;
    }

    private CgroupRun? CreateV1(string pidsParent, IReadOnlyDictionary<string, string> membership, string name, SandboxLimits limits, out string problem)
    {
        var pids = Path.Combine(pidsParent, name);
        try
        {
            Directory.CreateDirectory(pids);
            RequireCgroupFiles(pids);
            File.WriteAllText(Path.Combine(pids, "pids.max"), limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(pids);
            problem = $"a pids cgroup could not be created under {pidsParent} ({e.GetType().Name})";
            return null;
        }

        string? memory = null;
        var v1Memory = Path.Combine(root, "memory");
        if (membership.TryGetValue("memory", out var memoryPath) && File.Exists(Path.Combine(v1Memory, "cgroup.procs")))
        {
            memory = Path.Combine(Join(v1Memory, memoryPath), name);
            try
            {
                Directory.CreateDirectory(memory);
                RequireCgroupFiles(memory);
                var bytes = (limits.MemoryMb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
                File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), bytes);
                TryWrite(Path.Combine(memory, "memory.memsw.limit_in_bytes"), bytes); // no swapping past the limit
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryRemove(memory);
                memory = null;
            }
        }

        problem = "";
        return new CgroupRun(CgroupVersion.V1, pids, memory, logger);
    }

    private CgroupRun? CreateV2(string parent, string name, SandboxLimits limits, out string problem)
    {
        string enabled;
        try
        {
            enabled = File.ReadAllText(Path.Combine(parent, "cgroup.subtree_control"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"the cgroup v2 group {parent} cannot be read ({e.GetType().Name})";
            return null;
        }

        var controllers = enabled.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!controllers.Contains("pids"))
        {
            problem = $"the pids controller is not delegated to the cgroup v2 group {parent}";
            return null;
        }

        var group = Path.Combine(parent, name);
        try
        {
            Directory.CreateDirectory(group);
            RequireCgroupFiles(group);
            File.WriteAllText(Path.Combine(group, "pids.max"), limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(group);
            problem = $"a cgroup could not be created under {parent} ({e.GetType().Name})";
            return null;
        }

        var memory = false;
        if (controllers.Contains("memory"))
        {
            var bytes = (limits.MemoryMb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
            memory = TryWrite(Path.Combine(group, "memory.max"), bytes);
            TryWrite(Path.Combine(group, "memory.swap.max"), "0");
        }

        problem = "";
        return new CgroupRun(CgroupVersion.V2, group, memory ? group : null, logger);
    }

    /// <summary>The kernel fills a new cgroup directory with its files; a plain directory means this is no cgroup file system.</summary>
    private static void RequireCgroupFiles(string group)
    {
        if (!File.Exists(Path.Combine(group, "cgroup.procs")))
        {
            throw new IOException($"{group} is not a cgroup.");
        }
    }

    private static string Join(string mount, string path) => Path.Combine(mount, path.TrimStart('/'));

    private static bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static bool TryRemove(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path); // cgroup directories are removed with rmdir, never recursively
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>Which cgroup interface a run uses.</summary>
internal enum CgroupVersion
{
    V1,
    V2,
}

/// <summary>The cgroup(s) of one run: joined before bubblewrap starts, emptied and removed afterwards.</summary>
internal sealed class CgroupRun(CgroupVersion version, string processGroup, string? memoryGroup, ILogger logger) : IAsyncDisposable
{
    /// <summary>The cgroup.procs files the wrapper writes its pid into before it becomes bubblewrap.</summary>
    public IReadOnlyList<string> ProcsFiles =>
        memoryGroup is null || memoryGroup == processGroup
            ? [Path.Combine(processGroup, "cgroup.procs")]
            : [Path.Combine(processGroup, "cgroup.procs"), Path.Combine(memoryGroup, "cgroup.procs")];

    /// <summary>Whether memory is bounded by the cgroup (otherwise an rlimit is needed).</summary>
    public bool BoundsMemory => memoryGroup is not null;

    /// <summary>Whether the kernel's OOM killer killed something in the run's memory cgroup.</summary>
    public bool OomKilled()
    {
        if (memoryGroup is null)
        {
            return false;
        }

        var file = Path.Combine(memoryGroup, version == CgroupVersion.V1 ? "memory.oom_control" : "memory.events");
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal) &&
                    long.TryParse(line.AsSpan(9), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                {
                    return count > 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return false;
    }

    /// <summary>Sends SIGKILL to every process in the run's cgroup.</summary>
    public void KillAll()
    {
        if (version == CgroupVersion.V2 && TryWriteKill())
        {
            return;
        }

        foreach (var pid in Members())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Kills what is left and removes the cgroups.</summary>
    public async ValueTask DisposeAsync()
    {
        var delay = TimeSpan.FromMilliseconds(1);
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10); waited += delay)
        {
            if (Members().Count == 0 && LinuxCgroups.TryRemove(processGroup) && (memoryGroup is null || LinuxCgroups.TryRemove(memoryGroup)))
            {
                return;
            }

            KillAll();
            await Task.Delay(delay).ConfigureAwait(false); // the kernel reaps asynchronously
            delay = TimeSpan.FromMilliseconds(Math.Min(100, delay.TotalMilliseconds * 2));
        }

        SandboxLog.CgroupLeft(logger, processGroup, new IOException("The cgroup stayed busy."));
    }

    private List<int> Members()
    {
        var pids = new List<int>();
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(processGroup, "cgroup.procs")))
            {
                if (int.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return pids;
    }

    private bool TryWriteKill()
    {
        try
        {
            File.WriteAllText(Path.Combine(processGroup, "cgroup.kill"), "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
