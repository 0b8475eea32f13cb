using System.Text.Json;
using OpenClaw.Core.Validation;

namespace OpenClaw.Agents.Tools;

/// <summary>A tool an agent can call: a name, a description and a JSON Schema for the model, and the code that runs it.</summary>
/// <remarks>
/// The runtime validates every call against <see cref="Schema"/> before <see cref="ExecuteAsync"/> runs, and applies
/// the agent's tool policy and approvals; a tool checks only what its schema cannot say (paths, addresses). Thread-safe.
/// </remarks>
public interface IAgentTool
{
    /// <summary>The name the model calls it by (<c>[a-z0-9_]+</c>).</summary>
    string Name { get; }

    /// <summary>What it does, for the model and <c>tools.list</c>.</summary>
    string Description { get; }

    /// <summary>Its parameters' JSON Schema.</summary>
    ToolParameterSchema Schema { get; }

    /// <summary>Whether approval <c>dangerous</c> asks before it runs (exec, web_fetch).</summary>
    bool IsDangerous { get; }

    /// <summary>
    /// Runs the tool with validated parameters. Failures a model can act on (file not found, ambiguous edit, exit code)
    /// are a failed <see cref="ToolOutcome"/>, not exceptions; <see cref="Sandbox.SandboxUnavailableException"/> is thrown.
    /// </summary>
    ValueTask<ToolOutcome> ExecuteAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken);
}

/// <summary>What a tool call produced: a JSON result on success, an error message a model can read otherwise.</summary>
public sealed record ToolOutcome
{
    /// <summary>Whether it succeeded.</summary>
    public required bool Success { get; init; }

    /// <summary>The result (any JSON), when it succeeded or when a failure has details (an exit code and output).</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>A success with a result.</summary>
    public static ToolOutcome Ok(JsonElement result) => new() { Success = true, Result = result };

    /// <summary>A failure with a message the model and the user can read (never a secret or a host path outside the workspace).</summary>
    public static ToolOutcome Fail(string error, JsonElement? result = null) => new() { Success = false, Error = error, Result = result };
}
