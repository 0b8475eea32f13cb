using System.Runtime.InteropServices;
using OpenClaw.Agents.Sandbox;

namespace OpenClaw.Agents.Tests.Sandbox;

/// <summary>The Windows Job Object limits, checked as values since Job Objects cannot run here.</summary>
public sealed class JobObjectSandboxTests
{
    [Fact]
    public void The_limits_bound_cpu_time_memory_and_processes_and_kill_the_tree_on_close()
    {
        var limits = JobObjectSandbox.Limits(new SandboxLimits(TimeoutSeconds: 120, CpuSeconds: 60, MemoryMb: 512, MaxProcesses: 32, MaxOutputBytes: 1000));

        Assert.Equal(60L * 10_000_000, limits.BasicLimitInformation.PerJobUserTimeLimit);
        Assert.Equal((nuint)(512L * 1024 * 1024), limits.JobMemoryLimit);
        Assert.Equal(32u, limits.BasicLimitInformation.ActiveProcessLimit);
        Assert.Equal(
            JobLimitFlags.JobTime | JobLimitFlags.ActiveProcess | JobLimitFlags.JobMemory | JobLimitFlags.DieOnUnhandledException | JobLimitFlags.KillOnJobClose,
            limits.BasicLimitInformation.LimitFlags);
        Assert.Equal(0x2000u, (uint)JobLimitFlags.KillOnJobClose);
    }

    [Fact]
    public void The_struct_has_the_size_windows_expects()
    {
        // sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION) on 64-bit Windows.
        Assert.Equal(Environment.Is64BitProcess ? 144 : 112, Marshal.SizeOf<JobExtendedLimits>());
    }
}
