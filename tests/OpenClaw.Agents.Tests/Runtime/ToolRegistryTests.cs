using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Tests.Runtime;

public sealed class ToolRegistryTests
{
    private static AgentOptions Agent(string[] allow, string[] deny, bool webFetch = false) => new()
    {
        Id = "a",
        Workspace = "/tmp/ws",
        Tools = new ToolsOptions { Allow = allow, Deny = deny, WebFetch = new WebFetchOptions { Enabled = webFetch } },
    };

    [Theory]
    [InlineData("*", "exec", true)]
    [InlineData("exec", "exec", true)]
    [InlineData("exe", "exec", false)]
    [InlineData("*_file", "read_file", true)]
    [InlineData("*_file", "read_files", false)]
    [InlineData("state_*", "state_get", true)]
    [InlineData("s*t*e", "state", true)]
    [InlineData("", "exec", false)]
    public void Patterns_match_whole_names(string pattern, string name, bool expected) =>
        Assert.Equal(expected, ToolRegistry.Matches(pattern, name));

    [Fact]
    public void Deny_wins_over_allow_and_web_fetch_needs_its_switch()
    {
        Assert.False(ToolRegistry.IsAllowed(Agent(["*"], ["exec"]), "exec"));
        Assert.True(ToolRegistry.IsAllowed(Agent(["*"], ["exec"]), "read_file"));
        Assert.False(ToolRegistry.IsAllowed(Agent(["read_file"], []), "write_file"));
        Assert.False(ToolRegistry.IsAllowed(Agent(["*"], []), "web_fetch"));
        Assert.True(ToolRegistry.IsAllowed(Agent(["*"], [], webFetch: true), "web_fetch"));
        Assert.False(ToolRegistry.IsAllowed(Agent(["*"], ["web_*"], webFetch: true), "web_fetch"));
    }
}
