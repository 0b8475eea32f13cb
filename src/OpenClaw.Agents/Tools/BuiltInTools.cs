namespace OpenClaw.Agents.Tools;

/// <summary>The built-in tools, in the order <c>tools.list</c> shows them.</summary>
public static class BuiltInTools
{
    /// <summary>Creates one instance of every built-in tool.</summary>
    public static IReadOnlyList<IAgentTool> Create() => [];
}
