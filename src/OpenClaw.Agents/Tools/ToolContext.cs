using System.Text.Json;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Tools;

/// <summary>What a tool call may use: the agent's options, its workspace, the sandbox, and the session's state.</summary>
public sealed record ToolContext
{
    /// <summary>The agent whose tool runs (workspace, sandbox and tool options).</summary>
    public required AgentOptions Agent { get; init; }

    /// <summary>The session the call belongs to, when it runs in one (<c>tools.execute</c> may run without).</summary>
    public SessionKey? SessionKey { get; init; }

    /// <summary>The full host path of the workspace (exists; tools are confined to it).</summary>
    public required string Workspace { get; init; }

    /// <summary>The sandbox backends.</summary>
    public required ISandboxProvider Sandboxes { get; init; }

    /// <summary>The session's state, for <c>state_get</c>/<c>state_set</c>; null when the call has no session.</summary>
    public IToolSessionState? State { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>A session's named state, read from its projection and written as <c>state_changed</c> events.</summary>
public interface IToolSessionState
{
    /// <summary>The value of a key, or null when unset.</summary>
    ValueTask<JsonElement?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets (or, with null, clears) a key; durable when it returns. Reserved prefixes are refused by the caller.</summary>
    ValueTask SetAsync(string key, JsonElement? value, CancellationToken cancellationToken);
}
