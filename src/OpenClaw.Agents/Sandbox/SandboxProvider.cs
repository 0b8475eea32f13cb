using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// The platform's sandbox backends: bubblewrap on Linux, Seatbelt on macOS, a Job Object on Windows, and the unisolated
/// runner for <see cref="SandboxLevel.None"/> (docs/sandbox.md). One instance per gateway; thread-safe.
/// </summary>
public sealed class SandboxProvider : ISandboxProvider
{
    private readonly ISandbox _none;
    private readonly ISandbox _isolated;

    /// <summary>Creates the provider for this platform.</summary>
    /// <param name="loggerFactory">Where the backends log (availability, cgroup problems).</param>
    /// <param name="time">The clock for timeouts and elapsed times.</param>
    /// <param name="bubblewrapPath">The bwrap binary on Linux; by default the one on PATH, else <c>/usr/bin/bwrap</c>.</param>
    public SandboxProvider(ILoggerFactory? loggerFactory = null, TimeProvider? time = null, string? bubblewrapPath = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var logger = loggerFactory.CreateLogger("OpenClaw.Agents.Sandbox");
        _none = new UnisolatedSandbox(time, logger);
        if (OperatingSystem.IsLinux())
        {
            _isolated = new BubblewrapSandbox(
                bubblewrapPath ?? FindOnPath("bwrap") ?? "/usr/bin/bwrap",
                FindOnPath("prlimit") ?? "/usr/bin/prlimit",
                LinuxCgroups.System(logger),
                Environment.IsPrivilegedProcess,
                time,
                logger);
        }
        else if (OperatingSystem.IsMacOS())
        {
            _isolated = new SeatbeltSandbox(time, logger);
        }
        else if (OperatingSystem.IsWindows())
        {
            _isolated = new JobObjectSandbox(time, logger);
        }
        else
        {
            _isolated = new UnsupportedSandbox();
        }
    }

    /// <inheritdoc />
    public ISandbox ForLevel(SandboxLevel level) => level == SandboxLevel.None ? _none : _isolated;

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (Path.IsPathFullyQualified(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A platform with no backend: every run fails closed.</summary>
    private sealed class UnsupportedSandbox : ISandbox
    {
        private const string Problem = "There is no sandbox backend for this operating system, so no tool process will run.";

        public string Name => "unsupported";

        public ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new SandboxAvailability(false, Name, Problem));

        public Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken) => throw new SandboxUnavailableException(Problem);
    }
}
