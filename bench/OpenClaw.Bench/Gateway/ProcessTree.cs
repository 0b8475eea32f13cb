using System.Globalization;

namespace OpenClaw.Bench.Gateway;

/// <summary>Resident memory of a process and all its descendants, read from /proc (Linux).</summary>
internal static class ProcessTree
{
    /// <summary>One process of the tree and its VmRSS in KiB.</summary>
    public readonly record struct Member(int Pid, string Name, long RssKiB);

    /// <summary>The process and every descendant alive now, the root first.</summary>
    public static IReadOnlyList<Member> Measure(int rootPid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || ParentOf(pid) is not { } parent)
            {
                continue;
            }

            if (!parents.TryGetValue(parent, out var children))
            {
                parents[parent] = children = [];
            }

            children.Add(pid);
        }

        var members = new List<Member>();
        var pending = new Queue<int>([rootPid]);
        while (pending.TryDequeue(out var pid))
        {
            if (Status(pid) is { } member)
            {
                members.Add(member);
            }

            foreach (var child in parents.GetValueOrDefault(pid) ?? [])
            {
                pending.Enqueue(child);
            }
        }

        return members;
    }

    public static string Describe(IReadOnlyList<Member> members) =>
        string.Join(" + ", members.Select(m => $"{m.Name}[{m.Pid}] {m.RssKiB / 1024.0:N1} MiB"));

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null; // gone meanwhile
        }
    }

    private static Member? Status(int pid)
    {
        try
        {
            string name = "?";
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Name:", StringComparison.Ordinal))
                {
                    name = line[5..].Trim();
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }

            return new Member(pid, name, rss);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
