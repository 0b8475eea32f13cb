namespace OpenClaw.Core.Events;

/// <summary>The eight event kinds, as they appear in the <c>type</c> field.</summary>
public static class EventTypes
{
    /// <summary>A session began.</summary>
    public const string SessionStarted = "session_started";

    /// <summary>A message arrived from the peer.</summary>
    public const string MessageReceived = "message_received";

    /// <summary>The agent called a tool.</summary>
    public const string ToolCalled = "tool_called";

    /// <summary>A tool finished.</summary>
    public const string ToolResult = "tool_result";

    /// <summary>The model answered.</summary>
    public const string AgentResponse = "agent_response";

    /// <summary>Text was delivered to the peer.</summary>
    public const string MessageSent = "message_sent";

    /// <summary>Session state was set or cleared.</summary>
    public const string StateChanged = "state_changed";

    /// <summary>The session ended.</summary>
    public const string SessionEnded = "session_ended";

    /// <summary>All eight kinds.</summary>
    public static IReadOnlyList<string> All { get; } =
        [SessionStarted, MessageReceived, ToolCalled, ToolResult, AgentResponse, MessageSent, StateChanged, SessionEnded];
}

/// <summary>The reserved <see cref="StateChanged"/> key prefixes (ARCHITECTURE.md, "Sessions as events").</summary>
public static class StateKeys
{
    /// <summary>Runs: started, aborted, failed (with the error).</summary>
    public const string RunPrefix = "run.";

    /// <summary>Tool approvals: asked, answered.</summary>
    public const string ApprovalPrefix = "approval.";

    /// <summary>Context management: older turns summarised, with the summary.</summary>
    public const string ContextPrefix = "context.";

    /// <summary>Channel delivery state.</summary>
    public const string ChannelPrefix = "channel.";

    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 200;

    /// <summary>Whether <paramref name="key"/> lies under one of the reserved prefixes.</summary>
    public static bool IsReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(RunPrefix, StringComparison.Ordinal)
            || key.StartsWith(ApprovalPrefix, StringComparison.Ordinal)
            || key.StartsWith(ContextPrefix, StringComparison.Ordinal)
            || key.StartsWith(ChannelPrefix, StringComparison.Ordinal);
    }
}
