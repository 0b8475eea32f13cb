using System.Text.Json;
using OpenClaw.Core.Validation;

namespace OpenClaw.Agents.Tools;

/// <summary>The shared shape of the built-in tools: a schema parsed once, and failures turned into failed outcomes.</summary>
internal abstract class AgentTool : IAgentTool
{
    protected AgentTool(string schemaJson)
    {
        Schema = ToolParameterSchema.Parse(schemaJson);
    }

    public abstract string Name { get; }

    public abstract string Description { get; }

    public ToolParameterSchema Schema { get; }

    public virtual bool IsDangerous => false;

    public async ValueTask<ToolOutcome> ExecuteAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await RunAsync(parameters, context, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolFailureException ex)
        {
            return ToolOutcome.Fail(ex.Message);
        }
        catch (UnauthorizedAccessException)
        {
            // The exception's own message would name the host path.
            return ToolOutcome.Fail($"{Name}: permission denied.");
        }
        catch (IOException ex)
        {
            return ToolOutcome.Fail($"{Name}: input/output error ({ex.GetType().Name}).");
        }
    }

    protected abstract ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken);
}
