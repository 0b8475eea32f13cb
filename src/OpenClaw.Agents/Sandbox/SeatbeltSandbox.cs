using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// The macOS backend: <c>sandbox-exec</c> with a generated Seatbelt profile (deny by default; system paths readable; the
/// workspace and a private temp directory writable; no network at strict), and rlimits for CPU, memory and processes.
/// </summary>
internal sealed class SeatbeltSandbox(TimeProvider time, ILogger logger, string sandboxExecPath = SeatbeltSandbox.DefaultSandboxExec) : ISandbox
{
    /// <summary>Where macOS ships sandbox-exec.</summary>
    public const string DefaultSandboxExec = "/usr/bin/sandbox-exec";

    /// <summary>Sets the rlimits, then becomes the command.</summary>
    private const string LimitScript =
        "ulimit -c 0 && ulimit -t \"$1\" && ulimit -v \"$2\" && ulimit -u \"$3\" && shift 3 && exec \"$@\"";

    /// <summary>The system paths a process may read.</summary>
    private static readonly string[] s_readablePaths =
    [
        "/usr", "/bin", "/sbin", "/System", "/Library", "/opt/homebrew", "/usr/local", "/private/etc", "/private/var/db/timezone",
        "/dev",
    ];

    /// <inheritdoc />
    public string Name => "seatbelt";

    /// <summary>The Seatbelt profile for a level; the workspace and temp directory come in as the WORKSPACE and TMP parameters.</summary>
    public static string Profile(SandboxLevel level)
    {
        var profile = new StringBuilder();
        profile.Append("(version 1)\n");
        profile.Append("(deny default)\n");
        profile.Append("(allow process-fork)\n");
        profile.Append("(allow process-exec)\n");
        profile.Append("(allow signal (target same-sandbox))\n");
        profile.Append("(allow sysctl-read)\n");
        profile.Append("(allow mach-lookup (global-name \"com.apple.system.opendirectoryd.libinfo\"))\n");
        profile.Append("(allow file-read-metadata)\n");
        profile.Append("(allow file-read* (literal \"/\")");
        foreach (var path in s_readablePaths)
        {
            profile.Append(CultureInfo.InvariantCulture, $" (subpath \"{path}\")");
        }

        profile.Append(")\n");
        profile.Append("(allow file-read* file-write* (subpath (param \"WORKSPACE\")) (subpath (param \"TMP\")))\n");
        profile.Append("(allow file-write* (literal \"/dev/null\") (literal \"/dev/zero\") (literal \"/dev/dtracehelper\"))\n");
        if (level == SandboxLevel.Relaxed)
        {
            profile.Append("(allow network*)\n");
            profile.Append("(allow mach-lookup (global-name \"com.apple.dnssd.service\") (global-name \"com.apple.trustd.agent\"))\n");
            profile.Append("(allow file-read* (literal \"/private/var/run/resolv.conf\"))\n");
        }

        return profile.ToString();
    }

    /// <summary>The full argv: sandbox-exec, the profile and its parameters, the rlimit shell, then the command.</summary>
    public static List<string> Arguments(SandboxRequest request, string workspace, string tmp, string sandboxExec = DefaultSandboxExec)
    {
        var limits = request.Limits;
        List<string> argv =
        [
            sandboxExec, "-p", Profile(request.Level), "-D", $"WORKSPACE={workspace}", "-D", $"TMP={tmp}",
            "/bin/sh", "-c", LimitScript, "openclaw-sandbox",
            limits.CpuSeconds.ToString(CultureInfo.InvariantCulture),
            (limits.MemoryMb * 1024L).ToString(CultureInfo.InvariantCulture),
            limits.MaxProcesses.ToString(CultureInfo.InvariantCulture),
        ];
        argv.AddRange(request.Command);
        return argv;
    }

    /// <summary>Seatbelt matches resolved paths: /var, /tmp and /etc are symlinks into /private on macOS.</summary>
    public static string Canonical(string path)
    {
        foreach (var prefix in (string[])["/var/", "/tmp/", "/etc/"])
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return "/private" + path;
            }
        }

        return path;
    }

    /// <inheritdoc />
    public ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(File.Exists(sandboxExecPath)
            ? new SandboxAvailability(true, Name)
            : new SandboxAvailability(false, Name, $"{sandboxExecPath} is missing, so tool processes cannot be isolated and none will run."));

    /// <inheritdoc />
    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        SandboxEnvironment.Validate(request);
        var availability = await CheckAsync(cancellationToken).ConfigureAwait(false);
        if (!availability.Available)
        {
            throw new SandboxUnavailableException(availability.Problem!);
        }

        var relative = SandboxEnvironment.RelativeWorkingDirectory(request);
        var workspace = Canonical(Path.GetFullPath(request.WorkspacePath).TrimEnd('/'));
        var tmp = Path.Combine(Path.GetTempPath(), "openclaw-sandbox-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        try
        {
            var argv = Arguments(request, workspace, Canonical(tmp), sandboxExecPath);
            var startInfo = new ProcessStartInfo(argv[0]) { WorkingDirectory = relative.Length == 0 ? workspace : Path.Combine(workspace, relative) };
            foreach (var arg in argv.Skip(1))
            {
                startInfo.ArgumentList.Add(arg);
            }

            startInfo.Environment.Clear();
            foreach (var (name, value) in SandboxEnvironment.For(request, workspace, tmp))
            {
                startInfo.Environment[name] = value;
            }

            ProcessOutcome outcome;
            try
            {
                outcome = await ProcessRunner.RunAsync(startInfo, request.StandardInput, request.Limits, time, null, BubblewrapSandbox.KillTree, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Win32Exception e)
            {
                throw new SandboxUnavailableException("sandbox-exec could not be started, so nothing ran.", e);
            }

            return outcome.ToResult(logger, static o => SandboxEnvironment.FromExitCode(o.ExitCode));
        }
        finally
        {
            try
            {
                Directory.Delete(tmp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
