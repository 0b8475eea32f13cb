namespace OpenClaw.Agents.Tools;

/// <summary>A failure the model can act on; <see cref="AgentTool"/> turns it into a failed <see cref="ToolOutcome"/>.</summary>
/// <remarks>The message is shown to the model and the user: it names workspace-relative paths only.</remarks>
internal sealed class ToolFailureException : Exception
{
    public ToolFailureException(string message)
        : base(message)
    {
    }

    public ToolFailureException()
    {
    }

    public ToolFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
