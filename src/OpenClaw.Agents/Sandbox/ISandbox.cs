using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>Runs one tool process isolated at a <see cref="SandboxLevel"/>, within limits (docs/sandbox.md).</summary>
/// <remarks>
/// Implementations fail closed: when the backend cannot isolate (missing, refused by the kernel), <see cref="RunAsync"/>
/// throws <see cref="SandboxUnavailableException"/> and nothing runs on the host. Thread-safe.
/// </remarks>
public interface ISandbox
{
    /// <summary>The backend's name, e.g. <c>bubblewrap</c>, <c>seatbelt</c>, <c>job-object</c>, <c>none</c>.</summary>
    string Name { get; }

    /// <summary>Whether the backend can run anything here, and if not, why and how to fix it.</summary>
    ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs the command and returns its exit status and (capped) output. Cancelling kills the process and everything
    /// it started within a second and returns a result with <see cref="SandboxTermination.Cancelled"/>, or throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="SandboxUnavailableException">The backend cannot isolate the process; nothing ran.</exception>
    Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken);
}

/// <summary>One process to run in the sandbox.</summary>
public sealed record SandboxRequest
{
    /// <summary>The program and its arguments (argv); <c>exec</c> passes <c>["/bin/sh", "-c", command]</c>.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The host path of the workspace: the only writable path, mounted at <see cref="SandboxPaths.Workspace"/> inside.</summary>
    public required string WorkspacePath { get; init; }

    /// <summary>The working directory relative to the workspace ("" for its root).</summary>
    public string WorkingDirectory { get; init; } = "";

    /// <summary>The isolation level (strict: no network).</summary>
    public SandboxLevel Level { get; init; } = SandboxLevel.Strict;

    /// <summary>The limits of this run.</summary>
    public required SandboxLimits Limits { get; init; }

    /// <summary>Variables set for the process on top of the fixed allowlist (never secrets).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Bytes written to the process's standard input (then closed); empty when none.</summary>
    public ReadOnlyMemory<byte> StandardInput { get; init; }
}

/// <summary>Limits of one sandboxed run.</summary>
/// <param name="TimeoutSeconds">Wall-clock limit.</param>
/// <param name="CpuSeconds">CPU-time limit.</param>
/// <param name="MemoryMb">Memory limit in MiB.</param>
/// <param name="MaxProcesses">The most processes at once (a fork bomb stays bounded).</param>
/// <param name="MaxOutputBytes">The most bytes of stdout plus stderr kept; past it the process is killed.</param>
public sealed record SandboxLimits(int TimeoutSeconds, int CpuSeconds, int MemoryMb, int MaxProcesses, int MaxOutputBytes)
{
    /// <summary>The limits of an agent's <c>sandbox</c> options.</summary>
    public static SandboxLimits From(SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.TimeoutSeconds, options.CpuSeconds, options.MemoryMb, options.MaxProcesses, options.MaxOutputBytes);
    }
}

/// <summary>Fixed paths inside the sandbox.</summary>
public static class SandboxPaths
{
    /// <summary>Where the workspace appears inside the sandbox (also HOME there).</summary>
    public const string Workspace = "/workspace";
}

/// <summary>How a sandboxed process ended.</summary>
public enum SandboxTermination
{
    /// <summary>It exited by itself (see <see cref="SandboxResult.ExitCode"/>).</summary>
    Exited,

    /// <summary>Killed at the wall-clock limit.</summary>
    TimedOut,

    /// <summary>Killed for writing more than the output limit.</summary>
    OutputLimit,

    /// <summary>Killed by the memory limit.</summary>
    MemoryLimit,

    /// <summary>Killed by the CPU-time limit.</summary>
    CpuLimit,

    /// <summary>Killed because the caller cancelled (chat.abort, turn timeout).</summary>
    Cancelled,

    /// <summary>Killed by a signal for another reason.</summary>
    Signalled,
}

/// <summary>What a sandboxed run produced.</summary>
public sealed record SandboxResult
{
    /// <summary>The exit code (128 + signal when killed by one).</summary>
    public required int ExitCode { get; init; }

    /// <summary>How it ended.</summary>
    public required SandboxTermination Termination { get; init; }

    /// <summary>Standard output as UTF-8 (invalid bytes replaced), cut at the limit with a marker line.</summary>
    public required string StandardOutput { get; init; }

    /// <summary>Standard error, the same way.</summary>
    public required string StandardError { get; init; }

    /// <summary>Whether output was cut at the limit.</summary>
    public bool OutputTruncated { get; init; }

    /// <summary>How long it ran.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>Whether a backend works here.</summary>
/// <param name="Available">Whether it can run anything.</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Problem">Why not, with how to fix it, when it is not available.</param>
public sealed record SandboxAvailability(bool Available, string Backend, string? Problem = null);
