using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Agents.Sandbox;

/// <summary>The limit flags of JOBOBJECT_BASIC_LIMIT_INFORMATION that the sandbox sets.</summary>
[Flags]
internal enum JobLimitFlags : uint
{
    None = 0,
    ProcessTime = 0x2,
    ActiveProcess = 0x8,
    JobTime = 0x4,
    JobMemory = 0x200,
    DieOnUnhandledException = 0x400,
    KillOnJobClose = 0x2000,
}

/// <summary>JOBOBJECT_BASIC_LIMIT_INFORMATION (winnt.h), blittable.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JobBasicLimits
{
    public long PerProcessUserTimeLimit;
    public long PerJobUserTimeLimit;
    public JobLimitFlags LimitFlags;
    public nuint MinimumWorkingSetSize;
    public nuint MaximumWorkingSetSize;
    public uint ActiveProcessLimit;
    public nuint Affinity;
    public uint PriorityClass;
    public uint SchedulingClass;
}

/// <summary>IO_COUNTERS (winnt.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JobIoCounters
{
    public ulong ReadOperationCount;
    public ulong WriteOperationCount;
    public ulong OtherOperationCount;
    public ulong ReadTransferCount;
    public ulong WriteTransferCount;
    public ulong OtherTransferCount;
}

/// <summary>JOBOBJECT_EXTENDED_LIMIT_INFORMATION (winnt.h), blittable.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JobExtendedLimits
{
    public JobBasicLimits BasicLimitInformation;
    public JobIoCounters IoInfo;
    public nuint ProcessMemoryLimit;
    public nuint JobMemoryLimit;
    public nuint PeakProcessMemoryUsed;
    public nuint PeakJobMemoryUsed;
}

/// <summary>
/// The Windows backend: the command's process tree in a Job Object with a job-wide memory limit, a job-wide CPU time
/// limit, an active-process limit, and kill-on-close; the wall clock, output cap, cleared environment and stdin are the
/// shared runner's. A Job Object limits resources only: it does not hide files or cut the network (docs/sandbox.md).
/// </summary>
internal sealed partial class JobObjectSandbox(TimeProvider time, ILogger logger) : ISandbox
{
    private const int JobObjectExtendedLimitInformation = 9;

    /// <summary>The job limits for a run: CPU time in 100 ns ticks, memory in bytes, the process count.</summary>
    public static JobExtendedLimits Limits(SandboxLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new JobExtendedLimits
        {
            BasicLimitInformation = new JobBasicLimits
            {
                PerJobUserTimeLimit = limits.CpuSeconds * TimeSpan.TicksPerSecond,
                ActiveProcessLimit = (uint)limits.MaxProcesses,
                LimitFlags = JobLimitFlags.JobTime | JobLimitFlags.ActiveProcess | JobLimitFlags.JobMemory |
                    JobLimitFlags.DieOnUnhandledException | JobLimitFlags.KillOnJobClose,
            },
            JobMemoryLimit = (nuint)(limits.MemoryMb * 1024L * 1024L),
        };
    }

    /// <inheritdoc />
    public string Name => "job-object";

    /// <inheritdoc />
    public ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new SandboxAvailability(true, Name));

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken) =>
        OperatingSystem.IsWindows()
            ? RunOnWindowsAsync(request, cancellationToken)
            : throw new SandboxUnavailableException("Job Objects exist only on Windows, so nothing ran.");

    [SupportedOSPlatform("windows")]
    private async Task<SandboxResult> RunOnWindowsAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        SandboxEnvironment.Validate(request);
        var relative = SandboxEnvironment.RelativeWorkingDirectory(request);
        var startInfo = new ProcessStartInfo(request.Command[0])
        {
            WorkingDirectory = relative.Length == 0 ? request.WorkspacePath : Path.Combine(request.WorkspacePath, relative),
        };
        foreach (var arg in request.Command.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in SandboxEnvironment.For(request, request.WorkspacePath, Path.GetTempPath()))
        {
            startInfo.Environment[name] = value;
        }

        foreach (var name in (string[])["SystemRoot", "windir", "ComSpec", "PATHEXT"])
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                startInfo.Environment[name] = value;
            }
        }

        using var job = Native.CreateJobObjectW(IntPtr.Zero, null);
        if (job.IsInvalid)
        {
            throw new SandboxUnavailableException("A Job Object could not be created, so nothing ran.");
        }

        var limits = Limits(request.Limits);
        if (!Native.SetInformationJobObject(job, JobObjectExtendedLimitInformation, ref limits, (uint)Marshal.SizeOf<JobExtendedLimits>()))
        {
            throw new SandboxUnavailableException("The Job Object's limits could not be set, so nothing ran.");
        }

        ProcessOutcome outcome;
        try
        {
            outcome = await ProcessRunner.RunAsync(
                startInfo,
                request.StandardInput,
                request.Limits,
                time,
                started: process =>
                {
                    if (!Native.AssignProcessToJobObject(job, process.SafeHandle))
                    {
                        BubblewrapSandbox.KillTree(process);
                        throw new SandboxUnavailableException("The process could not be put into its Job Object, so it was killed.");
                    }
                },
                kill: process =>
                {
                    Native.TerminateJobObject(job, 137);
                    BubblewrapSandbox.KillTree(process);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            return new SandboxResult { ExitCode = 127, Termination = SandboxTermination.Exited, StandardOutput = "", StandardError = $"{request.Command[0]}: not found\n" };
        }

        // ERROR_NOT_ENOUGH_QUOTA (1816): the job's CPU time ran out.
        return outcome.ToResult(logger, static o => o.ExitCode == 1816 ? SandboxTermination.CpuLimit : SandboxTermination.Exited);
    }

    [SupportedOSPlatform("windows")]
    private static partial class Native
    {
        [LibraryImport("kernel32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static partial Microsoft.Win32.SafeHandles.SafeFileHandle CreateJobObjectW(IntPtr attributes, string? name);

        [LibraryImport("kernel32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static partial bool SetInformationJobObject(Microsoft.Win32.SafeHandles.SafeFileHandle job, int infoClass, ref JobExtendedLimits info, uint length);

        [LibraryImport("kernel32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static partial bool AssignProcessToJobObject(Microsoft.Win32.SafeHandles.SafeFileHandle job, Microsoft.Win32.SafeHandles.SafeProcessHandle process);

        [LibraryImport("kernel32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static partial bool TerminateJobObject(Microsoft.Win32.SafeHandles.SafeFileHandle job, uint exitCode);
    }
}
