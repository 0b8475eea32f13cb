using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Approvals;

/// <summary>How an approval ended.</summary>
public enum ApprovalDecision
{
    /// <summary>Allowed by <c>approvals.resolve</c>.</summary>
    Allow,

    /// <summary>Denied by <c>approvals.resolve</c>.</summary>
    Deny,

    /// <summary>Nobody decided within <c>tools.approvalTimeoutSeconds</c> (counts as a denial).</summary>
    TimedOut,

    /// <summary>The run was aborted while it waited.</summary>
    Cancelled,
}

/// <summary>A tool call waiting for a decision, as <c>approvals.list</c> shows it.</summary>
public sealed record PendingApproval
{
    /// <summary>The id <c>approvals.resolve</c> takes.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>The session of the run.</summary>
    public required SessionKey SessionKey { get; init; }

    /// <summary>The run that waits.</summary>
    public required string RunId { get; init; }

    /// <summary>The tool call it decides.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The tool that would run.</summary>
    public required string Tool { get; init; }

    /// <summary>The exact parameters it would run with (what was shown is what runs).</summary>
    public required JsonElement Params { get; init; }

    /// <summary>When it was asked.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it is denied if nobody decides.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>
/// The approvals waiting for a person. A run opens one per tool call that needs it and waits; <c>approvals.resolve</c>
/// decides it. An approval is bound to one call: its tool and its exact parameters, which are what then runs.
/// </summary>
/// <remarks>Thread-safe. A decision is taken once: the first resolve wins, later ones are refused.</remarks>
public sealed class ApprovalBroker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Waiter> _pending = new(StringComparer.Ordinal);

    /// <summary>The approvals waiting now, oldest first.</summary>
    public IReadOnlyList<PendingApproval> List() => [.. _pending.Values.Select(w => w.Approval).OrderBy(a => a.RequestedAt)];

    /// <summary>Opens an approval for one tool call; <see cref="WaitAsync"/> then waits for its decision.</summary>
    public PendingApproval Open(SessionKey sessionKey, string runId, string toolCallId, string tool, JsonElement parameters, TimeSpan timeout)
    {
        var now = time.GetUtcNow();
        var approval = new PendingApproval
        {
            ApprovalId = "ap_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9)),
            SessionKey = sessionKey,
            RunId = runId,
            ToolCallId = toolCallId,
            Tool = tool,
            Params = parameters.Clone(),
            RequestedAt = now,
            ExpiresAt = now + timeout,
        };
        _pending[approval.ApprovalId] = new Waiter(approval);
        return approval;
    }

    /// <summary>Waits for the decision of an opened approval, or its timeout, or the run's cancellation.</summary>
    public async Task<ApprovalDecision> WaitAsync(PendingApproval approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (!_pending.TryGetValue(approval.ApprovalId, out var waiter))
        {
            return ApprovalDecision.Cancelled;
        }

        var timeout = approval.ExpiresAt - time.GetUtcNow();
        using var timer = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, time);
        using var timerRegistration = timer.Token.Register(() => waiter.TrySet(ApprovalDecision.TimedOut));
        using var cancelRegistration = cancellationToken.Register(() => waiter.TrySet(ApprovalDecision.Cancelled));
        try
        {
            return await waiter.Decision.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(approval.ApprovalId, out _);
        }
    }

    /// <summary>Removes an approval (its run stopped waiting, or never started to); unknown ids are ignored.</summary>
    public void Forget(string approvalId)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        if (_pending.TryRemove(approvalId, out var waiter))
        {
            waiter.TrySet(ApprovalDecision.Cancelled);
        }
    }

    /// <summary>Decides a waiting approval.</summary>
    /// <exception cref="AgentException">No approval with that id is waiting (unknown, already decided or expired).</exception>
    public PendingApproval Resolve(string approvalId, bool allow)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        if (!_pending.TryGetValue(approvalId, out var waiter) || !waiter.TrySet(allow ? ApprovalDecision.Allow : ApprovalDecision.Deny))
        {
            throw new AgentException(AgentErrorKind.NotFound, $"No approval '{approvalId}' is waiting (it was decided, timed out, or never existed); approvals.list shows the waiting ones.");
        }

        return waiter.Approval;
    }

    private sealed class Waiter(PendingApproval approval)
    {
        public PendingApproval Approval { get; } = approval;

        public TaskCompletionSource<ApprovalDecision> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TrySet(ApprovalDecision decision) => Decision.TrySetResult(decision);
    }
}
