using System.Diagnostics;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class ReadFileToolTests
{
    [Fact]
    public async Task Read_WholeFile_ReturnsItsLines()
    {
        using var h = new ToolHarness();
        h.Write("notes/a.txt", "one\ntwo\nthree\n");

        var result = (await h.RunAsync("read_file", """{"path":"notes/a.txt"}""")).AssertOk();

        Assert.Equal("one\ntwo\nthree\n", result.Str("content"));
        Assert.Equal(1, result.Num("startLine"));
        Assert.Equal(3, result.Num("endLine"));
        Assert.False(result.Bool("truncated"));
        Assert.Equal("notes/a.txt", result.Str("path"));
    }

    [Fact]
    public async Task Read_OffsetAndLimit_ReturnsThoseLinesAndWhereToGoOn()
    {
        using var h = new ToolHarness();
        h.Write("n.txt", string.Concat(Enumerable.Range(1, 10).Select(i => i + "\n")));

        var result = (await h.RunAsync("read_file", """{"path":"n.txt","offset":3,"limit":2}""")).AssertOk();

        Assert.Equal("3\n4\n", result.Str("content"));
        Assert.Equal(4, result.Num("endLine"));
        Assert.True(result.Bool("truncated"));
        Assert.Equal(5, result.Num("nextOffset"));
    }

    [Fact]
    public async Task Read_OffsetPastTheEnd_SaysHowManyLinesThereAre()
    {
        using var h = new ToolHarness();
        h.Write("n.txt", "a\nb\nc");

        (await h.RunAsync("read_file", """{"path":"n.txt","offset":9}""")).AssertFailed("which has 3 lines");
    }

    [Fact]
    public async Task Read_EmptyFile_ReturnsNothing()
    {
        using var h = new ToolHarness();
        h.Write("empty.txt", "");

        var result = (await h.RunAsync("read_file", """{"path":"empty.txt"}""")).AssertOk();

        Assert.Equal("", result.Str("content"));
        Assert.False(result.Bool("truncated"));
    }

    [Fact]
    public async Task Read_HugeLine_IsCutAtTheByteCap()
    {
        using var h = new ToolHarness();
        h.Write("big.txt", new string('x', 300_000));
        h.Write("wide.txt", string.Concat(Enumerable.Repeat("é😀", 100_000)));

        var ascii = (await h.RunAsync("read_file", """{"path":"big.txt"}""")).AssertOk();
        var wide = (await h.RunAsync("read_file", """{"path":"wide.txt"}""")).AssertOk();

        Assert.Equal(OpenClaw.Agents.Tools.ReadFileTool.MaxContentBytes, ascii.Str("content").Length);
        Assert.True(ascii.Bool("truncated"));
        var wideBytes = System.Text.Encoding.UTF8.GetByteCount(wide.Str("content"));
        Assert.InRange(wideBytes, OpenClaw.Agents.Tools.ReadFileTool.MaxContentBytes - 6, OpenClaw.Agents.Tools.ReadFileTool.MaxContentBytes);
        Assert.DoesNotContain('\uFFFD', wide.Str("content"));
        Assert.True(wide.Bool("truncated"));
    }

    [Fact]
    public async Task Read_BinaryFile_IsRefused()
    {
        using var h = new ToolHarness();
        File.WriteAllBytes(h.InWorkspace("image.bin"), [0x89, 0x50, 0x00, 0x01, 0x02]);

        (await h.RunAsync("read_file", """{"path":"image.bin"}""")).AssertFailed("binary");
    }

    [Fact]
    public async Task Read_MissingFileOrDirectory_FailsWithTheRelativePath()
    {
        using var h = new ToolHarness();
        Directory.CreateDirectory(h.InWorkspace("dir"));

        var missing = (await h.RunAsync("read_file", """{"path":"nope/x.txt"}""")).AssertFailed("does not exist");
        (await h.RunAsync("read_file", """{"path":"dir"}""")).AssertFailed("'dir' is a directory");

        Assert.DoesNotContain(h.Workspace, missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Fifo_IsRefusedWithoutHanging()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo and O_NONBLOCK opens are Linux here.");
        using var h = new ToolHarness();
        using (var mkfifo = Process.Start("mkfifo", h.InWorkspace("pipe"))!)
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        (await h.RunAsync("read_file", """{"path":"pipe"}""")).AssertFailed("not a regular file");
    }

    [Fact]
    public async Task Read_SandboxAbsolutePath_MapsToTheWorkspace()
    {
        using var h = new ToolHarness();
        h.Write("src/main.c", "int main;\n");

        var result = (await h.RunAsync("read_file", """{"path":"/workspace/src/main.c"}""")).AssertOk();

        Assert.Equal("int main;\n", result.Str("content"));
        Assert.Equal("src/main.c", result.Str("path"));
    }

    [Fact]
    public async Task Read_PathWithALoneSurrogate_FailsCleanly()
    {
        using var h = new ToolHarness();
        using var parameters = System.Text.Json.JsonDocument.Parse("""{"path":"a\ud800.txt"}""");

        // Called directly: Core's schema validation itself throws on this input (reported to the lead).
        var outcome = await ToolHarness.Tool("read_file").ExecuteAsync(parameters.RootElement, h.Context, TestContext.Current.CancellationToken);

        outcome.AssertFailed("lone surrogate");
    }
}
