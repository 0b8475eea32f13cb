using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// The Linux backend: bubblewrap namespaces and mounts, a per-run cgroup for the process count and memory (rlimits when
/// none can be made and the gateway is not root), rlimits for CPU time and core dumps (docs/sandbox.md).
/// </summary>
internal sealed class BubblewrapSandbox : ISandbox
{
    /// <summary>
    /// The launcher: sets the CPU-time ($1 soft, $2 hard), address-space ($3 KiB or "unlimited") and core rlimits, joins
    /// every cgroup.procs file given before "--", then becomes the rest of its arguments (bubblewrap, or prlimit first).
    /// One process throughout, so the cgroup is joined before anything of the command exists.
    /// </summary>
    private const string LauncherScript =
        "ulimit -c 0 && ulimit -S -t \"$1\" && ulimit -H -t \"$2\" && ulimit -v \"$3\" || { echo \"" + LauncherFailed + "the limits could not be set\" >&2; exit 125; }; " +
        "shift 3; while [ \"$1\" != -- ]; do echo $$ > \"$1\" || { echo \"" + LauncherFailed + "the run's cgroup could not be joined\" >&2; exit 125; }; shift; done; " +
        "shift; exec \"$@\"";

    /// <summary>How the launcher's own failures begin (nothing ran).</summary>
    private const string LauncherFailed = "openclaw-sandbox: ";

    private static readonly TimeSpan s_recheckAfterFailure = TimeSpan.FromSeconds(30);

    private static readonly SandboxLimits s_probeLimits = new(TimeoutSeconds: 30, CpuSeconds: 10, MemoryMb: 64, MaxProcesses: 16, MaxOutputBytes: 4096);

    private readonly string _bubblewrapPath;
    private readonly string _prlimitPath;
    private readonly LinuxCgroups _cgroups;
    private readonly bool _isRoot;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<(string Name, string? LinkTarget)> _layout = BubblewrapArguments.HostLayout();
    private readonly Lock _gate = new();
    private (Task<SandboxAvailability> Task, long StartedAt)? _probe;

    public BubblewrapSandbox(string bubblewrapPath, string prlimitPath, LinuxCgroups cgroups, bool isRoot, TimeProvider time, ILogger logger)
    {
        _bubblewrapPath = bubblewrapPath;
        _prlimitPath = prlimitPath;
        _cgroups = cgroups;
        _isRoot = isRoot;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "bubblewrap";

    /// <inheritdoc />
    public async ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken)
    {
        Task<SandboxAvailability> probe;
        lock (_gate)
        {
            var stale = _probe is not { } current ||
                current.Task.IsFaulted || current.Task.IsCanceled ||
                (current.Task.IsCompletedSuccessfully && !current.Task.Result.Available && _time.GetElapsedTime(current.StartedAt) >= s_recheckAfterFailure);
            if (stale)
            {
                _probe = (ProbeAndLogAsync(), _time.GetTimestamp());
            }

            probe = _probe!.Value.Task;
        }

        return await probe.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        SandboxEnvironment.Validate(request);
        var availability = await CheckAsync(cancellationToken).ConfigureAwait(false);
        if (!availability.Available)
        {
            throw new SandboxUnavailableException(availability.Problem ?? "The bubblewrap sandbox is unavailable.");
        }

        return await RunCoreAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SandboxAvailability> ProbeAndLogAsync()
    {
        var availability = await ProbeAsync(CancellationToken.None).ConfigureAwait(false);
        if (availability.Available)
        {
            SandboxLog.Available(_logger, Name, _isRoot ? "a cgroup" : "a cgroup, or RLIMIT_NPROC");
        }
        else
        {
            SandboxLog.Unavailable(_logger, Name, availability.Problem ?? "");
        }

        return availability;
    }

    private async Task<SandboxAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_bubblewrapPath))
        {
            return new(false, Name,
                $"bubblewrap is not installed (no {_bubblewrapPath}), so tool processes cannot be isolated and none will run. " +
                "Install it: `sudo apt-get install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` (Fedora), " +
                "`sudo pacman -S bubblewrap` (Arch).");
        }

        var workspace = Path.Combine(Path.GetTempPath(), "openclaw-sandbox-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        try
        {
            var request = new SandboxRequest { Command = ["/bin/true"], WorkspacePath = workspace, Limits = s_probeLimits, Level = SandboxLevel.Strict };
            var result = await RunCoreAsync(request, cancellationToken).ConfigureAwait(false);
            if (result.Termination == SandboxTermination.Exited && result.ExitCode == 0)
            {
                return new(true, Name);
            }

            var reason = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                ?? $"exit code {result.ExitCode}";
            return new(false, Name,
                $"bubblewrap could not start a sandbox ({reason}), so no tool process will run. Usually the kernel refuses " +
                "unprivileged user namespaces: allow them with `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian) or " +
                "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 23.10 and later), or run the gateway " +
                "in a container that permits them.");
        }
        catch (SandboxUnavailableException e)
        {
            return new(false, Name, e.Message);
        }
        finally
        {
            try
            {
                Directory.Delete(workspace, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<SandboxResult> RunCoreAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        var limits = request.Limits;
        var bubblewrapArgs = BubblewrapArguments.Build(request, _layout);
        var cgroup = _cgroups.TryCreate(limits, out var cgroupProblem);
        if (cgroup is null && _isRoot)
        {
            throw new SandboxUnavailableException(
                "The gateway runs as root, where the kernel does not apply the process-count rlimit, and no cgroup could be " +
                $"created to bound it instead ({cgroupProblem}); so no tool process will run. Run the gateway as an " +
                "unprivileged user, or give it a writable cgroup: the cgroup v1 pids hierarchy, or a delegated cgroup v2 group " +
                "with the pids controller enabled (systemd: Delegate=yes).");
        }

        try
        {
            List<string> prlimit = [];
            if (cgroup is null)
            {
                // Not root: RLIMIT_NPROC binds, but counts every process of this uid, so the user's own are added.
                if (!File.Exists(_prlimitPath))
                {
                    throw new SandboxUnavailableException(
                        $"prlimit is not installed (no {_prlimitPath}); without a cgroup the sandbox needs it to bound the " +
                        "process count, so nothing ran. Install util-linux: `sudo apt-get install util-linux`.");
                }

                prlimit.AddRange([_prlimitPath, $"--nproc={ProcessesOfThisUser() + limits.MaxProcesses}", "--"]);
            }

            var addressSpace = cgroup is { BoundsMemory: true } ? "unlimited" : (limits.MemoryMb * 1024L).ToString(CultureInfo.InvariantCulture);
            var startInfo = new ProcessStartInfo("/bin/sh") { WorkingDirectory = "/" };
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(LauncherScript);
            startInfo.ArgumentList.Add("openclaw-sandbox");
            startInfo.ArgumentList.Add(limits.CpuSeconds.ToString(CultureInfo.InvariantCulture));
            startInfo.ArgumentList.Add((limits.CpuSeconds + 1).ToString(CultureInfo.InvariantCulture));
            startInfo.ArgumentList.Add(addressSpace);
            foreach (var procs in cgroup?.ProcsFiles ?? [])
            {
                startInfo.ArgumentList.Add(procs);
            }

            startInfo.ArgumentList.Add("--");
            foreach (var arg in prlimit)
            {
                startInfo.ArgumentList.Add(arg);
            }

            startInfo.ArgumentList.Add(_bubblewrapPath);
            foreach (var arg in bubblewrapArgs)
            {
                startInfo.ArgumentList.Add(arg);
            }

            // bubblewrap itself starts with nothing of the gateway's environment: --clearenv cleans only the child, and
            // bubblewrap's own environment would be readable inside through /proc/1/environ.
            startInfo.Environment.Clear();
            startInfo.Environment["PATH"] = SandboxEnvironment.Path;
            startInfo.Environment["LANG"] = "C.UTF-8";

            ProcessOutcome outcome;
            try
            {
                outcome = await ProcessRunner.RunAsync(
                    startInfo,
                    request.StandardInput,
                    limits,
                    _time,
                    started: null,
                    kill: process =>
                    {
                        KillTree(process);
                        cgroup?.KillAll();
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Win32Exception e)
            {
                throw new SandboxUnavailableException("The sandbox's launcher (/bin/sh) could not be started, so nothing ran.", e);
            }

            if (outcome.ExitCode == 125 && outcome.StandardError.StartsWith(LauncherFailed, StringComparison.Ordinal))
            {
                throw new SandboxUnavailableException(
                    $"The sandbox's launcher failed ({outcome.StandardError.Trim()}), so nothing ran. Check that the gateway may " +
                    "write to its cgroup (the cgroup v1 pids hierarchy, or a delegated cgroup v2 group).");
            }

            return outcome.ToResult(_logger, o => cgroup?.OomKilled() == true ? SandboxTermination.MemoryLimit : SandboxEnvironment.FromExitCode(o.ExitCode));
        }
        finally
        {
            if (cgroup is not null)
            {
                // Everything in it is dead or being killed; removing the empty group is off the caller's path.
                _ = Task.Run(async () => await cgroup.DisposeAsync().ConfigureAwait(false), CancellationToken.None);
            }
        }
    }

    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    /// <summary>How many processes run under this process's real uid now (RLIMIT_NPROC counts them all).</summary>
    private static int ProcessesOfThisUser()
    {
        var uid = RealUid("/proc/self/status");
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _) &&
                uid is not null && RealUid(Path.Combine(dir, "status")) == uid)
            {
                count++;
            }
        }

        return count;
    }

    private static string? RealUid(string statusFile)
    {
        try
        {
            foreach (var line in File.ReadLines(statusFile))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    return line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
