using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Runtime;

/// <summary>The kinds of <c>chat.event</c> a run streams (PROTOCOL.md, "Chat").</summary>
public enum ChatEventKind
{
    /// <summary>Text the model streamed (<c>delta {text}</c>).</summary>
    Delta,

    /// <summary>The model called a tool (<c>tool_call {toolCallId, tool, params}</c>).</summary>
    ToolCall,

    /// <summary>A tool finished (<c>tool_result {toolCallId, success, result}</c>).</summary>
    ToolResult,

    /// <summary>A tool call waits for <c>approvals.resolve</c> (<c>approval_required {approvalId, tool, params}</c>).</summary>
    ApprovalRequired,

    /// <summary>The run ended with a reply (<c>done {reply, usage}</c>).</summary>
    Done,

    /// <summary>The run ended without one (<c>error {code, message}</c>).</summary>
    Error,
}

/// <summary>One event of a run, as the gateway sends it in <c>chat.event</c>.</summary>
public sealed record ChatRunEvent
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The session the run belongs to.</summary>
    public required SessionKey SessionKey { get; init; }

    /// <summary>What happened.</summary>
    public required ChatEventKind Kind { get; init; }

    /// <summary>Streamed text (delta).</summary>
    public string? Text { get; init; }

    /// <summary>The tool call (tool_call, tool_result, approval_required).</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The tool's name (tool_call, approval_required).</summary>
    public string? Tool { get; init; }

    /// <summary>The call's parameters (tool_call, approval_required).</summary>
    public JsonElement? Params { get; init; }

    /// <summary>Whether the tool succeeded (tool_result).</summary>
    public bool? Success { get; init; }

    /// <summary>What the tool returned, or its error (tool_result).</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The approval to resolve (approval_required).</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The final reply (done).</summary>
    public string? Reply { get; init; }

    /// <summary>Tokens the whole run used (done).</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>The error code (error): see <see cref="ChatErrorCodes"/>.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>The error message (error).</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>The <c>code</c> of a <c>chat.event</c> <c>error</c>: the gateway's error codes, plus two for runs that were stopped.</summary>
public static class ChatErrorCodes
{
    /// <summary>The model provider failed (PROTOCOL.md <c>-32010</c>).</summary>
    public const int ProviderFailure = -32010;

    /// <summary>The sandbox could not run a tool (<c>-32011</c>).</summary>
    public const int SandboxUnavailable = -32011;

    /// <summary>Something failed inside the gateway; the log has the details under the run id (<c>-32603</c>).</summary>
    public const int Internal = -32603;

    /// <summary>The run was aborted by <c>chat.abort</c> (or the gateway stopping).</summary>
    public const int Aborted = -32800;

    /// <summary>The run took longer than <c>agents.&lt;id&gt;.turnTimeoutSeconds</c>.</summary>
    public const int TimedOut = -32801;
}

/// <summary>Receives the events of runs; called on the run's thread, so it must not block (queue and return).</summary>
public interface IChatEventSink
{
    /// <summary>Takes one event.</summary>
    void OnEvent(ChatRunEvent chatEvent);
}

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>The model finished (or the run stopped at maxTurns).</summary>
    Completed,

    /// <summary>Aborted by the user or the gateway stopping.</summary>
    Aborted,

    /// <summary>Stopped at the turn timeout.</summary>
    TimedOut,

    /// <summary>Failed (provider, sandbox, internal error).</summary>
    Failed,
}

/// <summary>The outcome of a run.</summary>
public sealed record RunResult
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>How it ended.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The final reply (the last model answer's text); empty when none came.</summary>
    public string Reply { get; init; } = "";

    /// <summary>Tokens the run used.</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Zero;

    /// <summary>The error code when it did not complete.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>The error message when it did not complete.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>A run that was accepted: its id, and a task that completes when it ends (it never faults).</summary>
public sealed record ChatRun(string RunId, SessionKey SessionKey, Task<RunResult> Completion);
