namespace OpenClaw.Agents.Tests.Tools;

public sealed class EditFileToolTests
{
    [Fact]
    public async Task Edit_UniqueString_ReplacesIt()
    {
        using var h = new ToolHarness();
        h.Write("code.cs", "int a = 1;\nint b = 2;\n");

        var result = (await h.RunAsync("edit_file", """{"path":"code.cs","old_string":"int b = 2;","new_string":"int b = 3;"}""")).AssertOk();

        Assert.Equal("int a = 1;\nint b = 3;\n", File.ReadAllText(h.InWorkspace("code.cs")));
        Assert.Equal(1, result.Num("replacements"));
    }

    [Fact]
    public async Task Edit_AmbiguousString_FailsSayingHowManyTimesAndChangesNothing()
    {
        using var h = new ToolHarness();
        h.Write("code.cs", "x = 1;\nx = 1;\nx = 1;\n");

        (await h.RunAsync("edit_file", """{"path":"code.cs","old_string":"x = 1;","new_string":"x = 2;"}""")).AssertFailed("occurs 3 times");

        Assert.Equal("x = 1;\nx = 1;\nx = 1;\n", File.ReadAllText(h.InWorkspace("code.cs")));
    }

    [Fact]
    public async Task Edit_ReplaceAll_ReplacesEveryOccurrence()
    {
        using var h = new ToolHarness();
        h.Write("code.cs", "x = 1;\nx = 1;\nx = 1;\n");

        var result = (await h.RunAsync("edit_file", """{"path":"code.cs","old_string":"x = 1;","new_string":"y","replace_all":true}""")).AssertOk();

        Assert.Equal("y\ny\ny\n", File.ReadAllText(h.InWorkspace("code.cs")));
        Assert.Equal(3, result.Num("replacements"));
    }

    [Fact]
    public async Task Edit_StringNotFound_Fails()
    {
        using var h = new ToolHarness();
        h.Write("code.cs", "hello\n");

        (await h.RunAsync("edit_file", """{"path":"code.cs","old_string":"Hello","new_string":"bye"}""")).AssertFailed("was not found in 'code.cs'");
    }

    [Fact]
    public async Task Edit_IdenticalStrings_Fail()
    {
        using var h = new ToolHarness();
        h.Write("code.cs", "hello\n");

        (await h.RunAsync("edit_file", """{"path":"code.cs","old_string":"hello","new_string":"hello"}""")).AssertFailed("the same");
    }

    [Fact]
    public async Task Edit_ShrinkingFile_LeavesNoTail()
    {
        using var h = new ToolHarness();
        h.Write("t.txt", "keep this, drop a long long long tail");

        (await h.RunAsync("edit_file", """{"path":"t.txt","old_string":", drop a long long long tail","new_string":""}""")).AssertOk();

        Assert.Equal("keep this", File.ReadAllText(h.InWorkspace("t.txt")));
    }

    [Fact]
    public async Task Edit_ByteOrderMark_IsKept()
    {
        using var h = new ToolHarness();
        File.WriteAllBytes(h.InWorkspace("bom.txt"), [0xEF, 0xBB, 0xBF, (byte)'a', (byte)'b']);

        (await h.RunAsync("edit_file", """{"path":"bom.txt","old_string":"b","new_string":"c"}""")).AssertOk();

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', (byte)'c' }, File.ReadAllBytes(h.InWorkspace("bom.txt")));
    }

    [Fact]
    public async Task Edit_BinaryOrMissingFile_Fails()
    {
        using var h = new ToolHarness();
        File.WriteAllBytes(h.InWorkspace("b.bin"), [(byte)'a', 0, (byte)'b']);

        (await h.RunAsync("edit_file", """{"path":"b.bin","old_string":"a","new_string":"c"}""")).AssertFailed("binary");
        (await h.RunAsync("edit_file", """{"path":"missing.txt","old_string":"a","new_string":"c"}""")).AssertFailed("does not exist");
    }
}
