namespace OpenClaw.Agents.Tests.Tools;

public sealed class GlobToolTests
{
    private static ToolHarness Tree()
    {
        var h = new ToolHarness();
        h.Write("top.cs", "");
        h.Write("readme.md", "");
        h.Write("src/a.cs", "");
        h.Write("src/deep/b.cs", "");
        h.Write("src/deep/c.ts", "");
        h.Write(".git/config.cs", "");
        return h;
    }

    [Fact]
    public async Task Glob_DoubleStar_MatchesAtEveryDepthSortedAndSkipsGit()
    {
        using var h = Tree();

        var result = (await h.RunAsync("glob", """{"pattern":"**/*.cs"}""")).AssertOk();

        Assert.Equal(["src/a.cs", "src/deep/b.cs", "top.cs"], result.Strings("matches"));
        Assert.False(result.Bool("truncated"));
    }

    [Fact]
    public async Task Glob_SingleStar_StaysInOneDirectory()
    {
        using var h = Tree();

        var result = (await h.RunAsync("glob", """{"pattern":"*.cs"}""")).AssertOk();

        Assert.Equal(["top.cs"], result.Strings("matches"));
    }

    [Fact]
    public async Task Glob_BracesAndPath_MatchUnderThatDirectory()
    {
        using var h = Tree();

        var result = (await h.RunAsync("glob", """{"pattern":"deep/*.{cs,ts}","path":"src"}""")).AssertOk();

        Assert.Equal(["src/deep/b.cs", "src/deep/c.ts"], result.Strings("matches"));
    }

    [Fact]
    public async Task Glob_NothingMatches_ReturnsAnEmptyList()
    {
        using var h = Tree();

        var result = (await h.RunAsync("glob", """{"pattern":"**/*.java"}""")).AssertOk();

        Assert.Empty(result.Strings("matches"));
    }

    [Fact]
    public async Task Glob_UnclosedBrace_Fails()
    {
        using var h = Tree();

        (await h.RunAsync("glob", """{"pattern":"*.{cs"}""")).AssertFailed("unclosed");
    }
}
