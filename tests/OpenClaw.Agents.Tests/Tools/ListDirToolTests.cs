using System.Text.Json;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class ListDirToolTests
{
    [Fact]
    public async Task List_Root_GivesNamesKindsAndSizesInNameOrder()
    {
        using var h = new ToolHarness();
        h.Write("b.txt", "12345");
        h.Write(".hidden", "x");
        Directory.CreateDirectory(h.InWorkspace("a-dir"));
        h.Link("c-link", "b.txt");

        var result = (await h.RunAsync("list_dir", "{}")).AssertOk();

        var entries = result.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([".hidden", "a-dir", "b.txt", "c-link"], entries.Select(e => e.Str("name")));
        Assert.Equal(["file", "directory", "file", "symlink"], entries.Select(e => e.Str("kind")));
        Assert.Equal(5, entries[2].Num("size"));
        Assert.False(entries[3].TryGetProperty("size", out _));
        Assert.False(result.Bool("truncated"));
    }

    [Fact]
    public async Task List_Subdirectory_ListsIt()
    {
        using var h = new ToolHarness();
        h.Write("src/x.cs", "");

        var result = (await h.RunAsync("list_dir", """{"path":"src"}""")).AssertOk();

        Assert.Equal("x.cs", Assert.Single(result.GetProperty("entries").EnumerateArray()).Str("name"));
        Assert.Equal("src", result.Str("path"));
    }

    [Fact]
    public async Task List_MissingOrFile_Fails()
    {
        using var h = new ToolHarness();
        h.Write("f.txt", "");

        (await h.RunAsync("list_dir", """{"path":"missing"}""")).AssertFailed("does not exist");
        (await h.RunAsync("list_dir", """{"path":"f.txt"}""")).AssertFailed("not a directory");
    }

    [Fact]
    public async Task List_ManyEntries_IsCapped()
    {
        using var h = new ToolHarness();
        for (var i = 0; i < OpenClaw.Agents.Tools.ListDirTool.MaxEntries + 5; i++)
        {
            File.WriteAllText(h.InWorkspace($"f{i:D5}"), "");
        }

        var result = (await h.RunAsync("list_dir", "{}")).AssertOk();

        Assert.Equal(OpenClaw.Agents.Tools.ListDirTool.MaxEntries, result.GetProperty("entries").GetArrayLength());
        Assert.True(result.Bool("truncated"));
        Assert.Equal("f00000", result.GetProperty("entries")[0].Str("name"));
    }
}

internal static class JsonArrays
{
    public static List<string> Strings(this JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
