using System.Collections.Concurrent;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;

namespace OpenClaw.Testing.Agents;

/// <summary>
/// A sandbox provider whose backend runs nothing: it records every request (with the level it was asked for) and
/// answers with scripted results, or throws <see cref="SandboxUnavailableException"/> when <see cref="Unavailable"/> is set.
/// </summary>
public sealed class FakeSandboxProvider : ISandboxProvider, ISandbox
{
    private readonly ConcurrentQueue<SandboxResult> _results = new();
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly ConcurrentQueue<SandboxLevel> _levels = new();

    /// <summary>What a run returns when nothing is queued: exit 0, empty output.</summary>
    public SandboxResult DefaultResult { get; set; } = Result(0);

    /// <summary>When set, <see cref="RunAsync"/> throws <see cref="SandboxUnavailableException"/> with this message.</summary>
    public string? Unavailable { get; set; }

    /// <summary>Every request, in order.</summary>
    public IReadOnlyList<SandboxRequest> Requests => [.. _requests];

    /// <summary>The level each <see cref="ForLevel"/> call asked for, in order.</summary>
    public IReadOnlyList<SandboxLevel> Levels => [.. _levels];

    /// <inheritdoc />
    public string Name => "fake";

    /// <summary>A result with an exit code, output and termination.</summary>
    public static SandboxResult Result(
        int exitCode, string stdout = "", string stderr = "", SandboxTermination termination = SandboxTermination.Exited, bool truncated = false) =>
        new()
        {
            ExitCode = exitCode,
            Termination = termination,
            StandardOutput = stdout,
            StandardError = stderr,
            OutputTruncated = truncated,
        };

    /// <summary>Queues the results of coming runs, used in order.</summary>
    public void Enqueue(params SandboxResult[] results)
    {
        foreach (var result in results)
        {
            _results.Enqueue(result);
        }
    }

    /// <inheritdoc />
    public ISandbox ForLevel(SandboxLevel level)
    {
        _levels.Enqueue(level);
        return this;
    }

    /// <inheritdoc />
    public ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SandboxAvailability(Unavailable is null, Name, Unavailable));

    /// <inheritdoc />
    public Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (Unavailable is not null)
        {
            throw new SandboxUnavailableException(Unavailable);
        }

        _requests.Enqueue(request);
        return Task.FromResult(_results.TryDequeue(out var result) ? result : DefaultResult);
    }
}
