using System.Text.Json;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;
using OpenClaw.Testing;
using OpenClaw.Testing.Agents;

namespace OpenClaw.Agents.Tests.Tools;

/// <summary>A workspace and a sibling "outside" directory in a temp folder, and a way to call a built-in tool there.</summary>
internal sealed class ToolHarness : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ToolHarness()
    {
        Workspace = _temp.Combine("workspace");
        Outside = _temp.Combine("outside");
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Outside);
        Agent = new AgentOptions { Id = "default", Workspace = Workspace };
    }

    public string Workspace { get; }

    public string Outside { get; }

    public AgentOptions Agent { get; set; }

    public FakeSandboxProvider Sandboxes { get; } = new();

    public IToolSessionState? State { get; set; }

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public ToolContext Context => new()
    {
        Agent = Agent,
        Workspace = Workspace,
        Sandboxes = Sandboxes,
        State = State,
        Time = Time,
    };

    public static IAgentTool Tool(string name) => BuiltInTools.Create().Single(t => t.Name == name);

    /// <summary>A JSON string literal.</summary>
    public static string Q(string value) => JsonSerializer.Serialize(value);

    public string InWorkspace(string relative) => Path.Combine(Workspace, relative);

    public string InOutside(string relative) => Path.Combine(Outside, relative);

    public string Write(string relative, string content)
    {
        var path = InWorkspace(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteOutside(string relative, string content)
    {
        var path = InOutside(relative);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Creates a symlink at a workspace-relative path (as exec could have).</summary>
    public void Link(string relative, string target)
    {
        var path = InWorkspace(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    /// <summary>Validates the parameters against the tool's schema (as the runtime does) and runs it.</summary>
    public Task<ToolOutcome> RunAsync(string toolName, string parametersJson) => RunAsync(Tool(toolName), parametersJson);

    public async Task<ToolOutcome> RunAsync(IAgentTool tool, string parametersJson)
    {
        using var document = JsonDocument.Parse(parametersJson);
        var validation = tool.Schema.Validate(document.RootElement);
        Assert.True(validation.IsValid, validation.ToString());
        return await tool.ExecuteAsync(document.RootElement.Clone(), Context, TestContext.Current.CancellationToken);
    }

    public void Dispose() => _temp.Dispose();
}

internal static class OutcomeAssertions
{
    public static JsonElement AssertOk(this ToolOutcome outcome)
    {
        Assert.True(outcome.Success, outcome.Error);
        Assert.NotNull(outcome.Result);
        return outcome.Result.Value;
    }

    public static string AssertFailed(this ToolOutcome outcome, string expectedFragment)
    {
        Assert.False(outcome.Success, "expected a failure, got " + outcome.Result);
        Assert.NotNull(outcome.Error);
        Assert.Contains(expectedFragment, outcome.Error, StringComparison.Ordinal);
        return outcome.Error;
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static long Num(this JsonElement element, string name) => element.GetProperty(name).GetInt64();

    public static bool Bool(this JsonElement element, string name) => element.GetProperty(name).GetBoolean();
}
