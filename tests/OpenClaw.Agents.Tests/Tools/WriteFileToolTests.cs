namespace OpenClaw.Agents.Tests.Tools;

public sealed class WriteFileToolTests
{
    [Fact]
    public async Task Write_NewFileInNewDirectories_CreatesThem()
    {
        using var h = new ToolHarness();

        var result = (await h.RunAsync("write_file", """{"path":"a/b/c.txt","content":"héllo"}""")).AssertOk();

        Assert.Equal("héllo", File.ReadAllText(h.InWorkspace("a/b/c.txt")));
        Assert.True(result.Bool("created"));
        Assert.Equal(6, result.Num("bytes"));
    }

    [Fact]
    public async Task Write_ExistingLongerFile_ReplacesItWhole()
    {
        using var h = new ToolHarness();
        h.Write("f.txt", "a much longer original content");

        var result = (await h.RunAsync("write_file", """{"path":"f.txt","content":"short"}""")).AssertOk();

        Assert.Equal("short", File.ReadAllText(h.InWorkspace("f.txt")));
        Assert.False(result.Bool("created"));
    }

    [Fact]
    public async Task Write_OntoADirectoryOrTheRoot_Fails()
    {
        using var h = new ToolHarness();
        Directory.CreateDirectory(h.InWorkspace("dir"));

        (await h.RunAsync("write_file", """{"path":"dir","content":"x"}""")).AssertFailed("is a directory");
        (await h.RunAsync("write_file", """{"path":".","content":"x"}""")).AssertFailed("workspace root is a directory");
    }

    [Fact]
    public async Task Write_UnderAFile_FailsWithoutTouchingIt()
    {
        using var h = new ToolHarness();
        h.Write("file", "keep");

        (await h.RunAsync("write_file", """{"path":"file/child.txt","content":"x"}""")).AssertFailed("not a directory");

        Assert.Equal("keep", File.ReadAllText(h.InWorkspace("file")));
    }
}
