namespace OpenClaw.Agents.Tools;

/// <summary>The built-in tools, in the order <c>tools.list</c> shows them.</summary>
public static class BuiltInTools
{
    /// <summary>Creates one instance of every built-in tool (docs/tools.md).</summary>
    public static IReadOnlyList<IAgentTool> Create() =>
    [
        new ExecTool(),
        new ReadFileTool(),
        new WriteFileTool(),
        new EditFileTool(),
        new ListDirTool(),
        new GlobTool(),
        new GrepTool(),
        new WebFetchTool(),
        new StateGetTool(),
        new StateSetTool(),
    ];
}
