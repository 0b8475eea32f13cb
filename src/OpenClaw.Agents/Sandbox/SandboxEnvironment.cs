namespace OpenClaw.Agents.Sandbox;

/// <summary>What every backend gives a process: the fixed environment allowlist and a working directory inside the workspace.</summary>
internal static class SandboxEnvironment
{
    /// <summary>PATH inside a sandbox (system directories only).</summary>
    public const string Path = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";

    /// <summary>The allowlist (PATH, HOME, LANG, TERM, TMPDIR) plus the request's own variables, which may override it.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(SandboxRequest request, string home, string tmp)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Path,
            ["HOME"] = home,
            ["LANG"] = "C.UTF-8",
            ["TERM"] = "dumb",
            ["TMPDIR"] = tmp,
        };
        foreach (var (name, value) in request.Environment)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) ||
                value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The environment variable name '{name}' is not valid.", nameof(request));
            }

            variables[name] = value;
        }

        return [.. variables];
    }

    /// <summary>
    /// The working directory relative to the workspace, normalised with '/' separators ("" for the root).
    /// </summary>
    /// <exception cref="ArgumentException">It is absolute or leaves the workspace.</exception>
    public static string RelativeWorkingDirectory(SandboxRequest request)
    {
        var relative = request.WorkingDirectory.Replace('\\', '/');
        if (relative.StartsWith('/') || System.IO.Path.IsPathRooted(request.WorkingDirectory) || relative.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The working directory must be relative to the workspace.", nameof(request));
        }

        var parts = new List<string>();
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw new ArgumentException("The working directory must stay inside the workspace.", nameof(request));
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    /// <summary>Checks the request's shape: a command, an existing workspace directory, positive limits.</summary>
    public static void Validate(SandboxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command.Count == 0 || string.IsNullOrEmpty(request.Command[0]))
        {
            throw new ArgumentException("The command is empty.", nameof(request));
        }

        if (!System.IO.Path.IsPathFullyQualified(request.WorkspacePath) || !Directory.Exists(request.WorkspacePath))
        {
            throw new ArgumentException("The workspace must be an existing directory given by its full path.", nameof(request));
        }

        var limits = request.Limits;
        if (limits.TimeoutSeconds <= 0 || limits.CpuSeconds <= 0 || limits.MemoryMb <= 0 || limits.MaxProcesses <= 0 || limits.MaxOutputBytes < 0)
        {
            throw new ArgumentException("The sandbox limits must be positive.", nameof(request));
        }
    }

    /// <summary>The termination a backend reports for a process that ended by itself with <paramref name="exitCode"/>.</summary>
    /// <remarks>A shell or bubblewrap reports a child killed by signal N as 128 + N, which an exit code cannot be told from.</remarks>
    public static SandboxTermination FromExitCode(int exitCode) => exitCode switch
    {
        128 + 24 => SandboxTermination.CpuLimit, // SIGXCPU: the soft CPU rlimit
        > 128 and <= 128 + 64 => SandboxTermination.Signalled,
        _ => SandboxTermination.Exited,
    };
}
