using System.Text.Json;
using System.Text.RegularExpressions;
using OpenClaw.Agents.Tools;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class BuiltInToolsTests
{
    [Fact]
    public void Create_ReturnsEveryToolInAStableOrder()
    {
        Assert.Equal(
            ["exec", "read_file", "write_file", "edit_file", "list_dir", "glob", "grep", "web_fetch", "state_get", "state_set"],
            BuiltInTools.Create().Select(t => t.Name));
    }

    [Fact]
    public void Create_OnlyExecAndWebFetchAreDangerous()
    {
        Assert.Equal(["exec", "web_fetch"], BuiltInTools.Create().Where(t => t.IsDangerous).Select(t => t.Name));
    }

    [Fact]
    public void EveryTool_HasAClosedObjectSchemaAndADescription()
    {
        foreach (var tool in BuiltInTools.Create())
        {
            Assert.Matches(new Regex("^[a-z0-9_]+$"), tool.Name);
            Assert.True(tool.Description.Length > 40, tool.Name);
            Assert.Equal("object", tool.Schema.Document.GetProperty("type").GetString());
            Assert.False(tool.Schema.Document.GetProperty("additionalProperties").GetBoolean(), tool.Name);
            using var unknown = JsonDocument.Parse("""{"unexpected":1}""");
            Assert.False(tool.Schema.Validate(unknown.RootElement).IsValid, tool.Name);
        }
    }

    [Fact]
    public async Task NonObjectParameters_AreAFailureNotACrash()
    {
        // The runtime validates first, but a tool must not crash when called directly with odd input.
        using var h = new ToolHarness();
        using var array = JsonDocument.Parse("[1,2]");
        foreach (var tool in BuiltInTools.Create())
        {
            var outcome = await tool.ExecuteAsync(array.RootElement, h.Context, TestContext.Current.CancellationToken);

            if (tool.Name == "list_dir")
            {
                Assert.True(outcome.Success, tool.Name);
            }
            else
            {
                Assert.False(outcome.Success, tool.Name);
            }
        }

        Assert.Empty(h.Sandboxes.Requests);
    }
}
