namespace OpenClaw.Agents.Tests.Tools;

public sealed class GrepToolTests
{
    [Fact]
    public async Task Grep_Pattern_GivesFileLineAndText()
    {
        using var h = new ToolHarness();
        h.Write("a.txt", "alpha\nbeta\ngamma beta\n");
        h.Write("sub/b.cs", "// beta here\n");

        var result = (await h.RunAsync("grep", """{"pattern":"beta"}""")).AssertOk();

        var matches = result.GetProperty("matches").EnumerateArray()
            .Select(m => $"{m.Str("path")}:{m.Num("line")}:{m.Str("text")}").ToList();
        Assert.Equal(["a.txt:2:beta", "a.txt:3:gamma beta", "sub/b.cs:1:// beta here"], matches);
        Assert.Equal(2, result.Num("filesSearched"));
        Assert.False(result.Bool("truncated"));
    }

    [Fact]
    public async Task Grep_IgnoreCaseAndGlob_FilterTheSearch()
    {
        using var h = new ToolHarness();
        h.Write("a.txt", "BETA\n");
        h.Write("sub/b.cs", "beta\n");

        var result = (await h.RunAsync("grep", """{"pattern":"beta","ignore_case":true,"glob":"*.txt"}""")).AssertOk();

        var match = Assert.Single(result.GetProperty("matches").EnumerateArray());
        Assert.Equal("a.txt", match.Str("path"));
    }

    [Fact]
    public async Task Grep_MaxResults_CutsAndSaysSo()
    {
        using var h = new ToolHarness();
        h.Write("many.txt", string.Concat(Enumerable.Repeat("hit\n", 50)));

        var result = (await h.RunAsync("grep", """{"pattern":"hit","max_results":5}""")).AssertOk();

        Assert.Equal(5, result.GetProperty("matches").GetArrayLength());
        Assert.True(result.Bool("truncated"));
    }

    [Fact]
    public async Task Grep_BinaryFiles_AreSkipped()
    {
        using var h = new ToolHarness();
        File.WriteAllBytes(h.InWorkspace("bin.dat"), [(byte)'h', (byte)'i', (byte)'t', 0, (byte)'\n']);
        h.Write("text.txt", "hit\n");

        var result = (await h.RunAsync("grep", """{"pattern":"hit"}""")).AssertOk();

        Assert.Equal("text.txt", Assert.Single(result.GetProperty("matches").EnumerateArray()).Str("path"));
    }

    [Fact]
    public async Task Grep_SingleFilePath_SearchesThatFile()
    {
        using var h = new ToolHarness();
        h.Write("a.txt", "x\nneedle\n");
        h.Write("b.txt", "needle\n");

        var result = (await h.RunAsync("grep", """{"pattern":"needle","path":"a.txt"}""")).AssertOk();

        var match = Assert.Single(result.GetProperty("matches").EnumerateArray());
        Assert.Equal(("a.txt", 2L), (match.Str("path"), match.Num("line")));
    }

    [Fact]
    public async Task Grep_InvalidRegex_Fails()
    {
        using var h = new ToolHarness();

        (await h.RunAsync("grep", """{"pattern":"(unclosed"}""")).AssertFailed("not a valid regular expression");
    }

    [Fact]
    public async Task Grep_BacktrackingPattern_IsStillAnswered()
    {
        using var h = new ToolHarness();
        h.Write("a.txt", "abcabc\nxyz\n");

        // A backreference needs the backtracking engine (the non-backtracking one refuses it).
        var result = (await h.RunAsync("grep", """{"pattern":"(abc)\\1"}""")).AssertOk();

        Assert.Equal(1, Assert.Single(result.GetProperty("matches").EnumerateArray()).Num("line"));
    }

    [Fact]
    public async Task Grep_LongLineWithEmoji_IsCutWithoutBreakingIt()
    {
        using var h = new ToolHarness();
        h.Write("long.txt", "x" + string.Concat(Enumerable.Repeat("😀", 400)) + "\n");

        var result = (await h.RunAsync("grep", """{"pattern":"x"}""")).AssertOk();

        var text = Assert.Single(result.GetProperty("matches").EnumerateArray()).Str("text");
        Assert.EndsWith("😀…", text, StringComparison.Ordinal);
        Assert.True(text.Length <= OpenClaw.Agents.Tools.GrepTool.MaxLineChars + 1);
    }
}
