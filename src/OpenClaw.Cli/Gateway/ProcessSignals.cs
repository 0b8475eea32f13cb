using System.Globalization;
using System.Runtime.InteropServices;

namespace OpenClaw.Cli.Gateway;

/// <summary>Whether a process lives, and SIGTERM for it (Linux and macOS).</summary>
internal static class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>Whether process <paramref name="pid"/> exists and has not exited (a zombie counts as exited).</summary>
    public static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // "pid (name) S …": the state follows the last ')', since the name may hold anything.
                var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
                var end = stat.LastIndexOf(')');
                return end > 0 && end + 2 < stat.Length && stat[end + 2] is not ('Z' or 'X' or 'x');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return false;
            }
        }

        // kill(pid, 0) checks without sending; EPERM means it exists but is another user's.
        return NativeMethods.kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1;
    }

    /// <summary>Asks process <paramref name="pid"/> to stop as a service manager would (SIGTERM).</summary>
    public static SignalResult Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        if (NativeMethods.kill(pid, SigTerm) == 0)
        {
            return SignalResult.Sent;
        }

        return Marshal.GetLastPInvokeError() == 1 ? SignalResult.NotPermitted : SignalResult.Gone;
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, IDE1006 // one blittable libc call; LibraryImport would need unsafe code
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054, CA5392, IDE1006
    }
}

/// <summary>What became of a signal.</summary>
internal enum SignalResult
{
    /// <summary>Delivered.</summary>
    Sent,

    /// <summary>The process no longer exists.</summary>
    Gone,

    /// <summary>The process is another user's (EPERM).</summary>
    NotPermitted,
}
