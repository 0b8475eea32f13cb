using OpenClaw.Agents.Tools;

namespace OpenClaw.Agents.Tests.Tools;

/// <summary>The path-string checks macOS and Windows use, run here so their confinement logic is tested too.</summary>
public sealed class WorkspaceFilesPortableTests
{
    private static ToolHarness Harness()
    {
        var h = new ToolHarness();
        h.WriteOutside("secret.txt", "outside\n");
        h.Write("real/data.txt", "inside\n");
        return h;
    }

    [Fact]
    public void SymlinkedFileOrDirectoryOutside_IsRefused()
    {
        using var h = Harness();
        h.Link("leak.txt", h.InOutside("secret.txt"));
        h.Link("out", h.Outside);
        using var files = WorkspaceFiles.Open(h.Workspace, portable: true);

        Assert.Contains("outside the workspace", Assert.Throws<ToolFailureException>(() => files.OpenFile("leak.txt", write: false)).Message, StringComparison.Ordinal);
        Assert.Throws<ToolFailureException>(() => files.OpenFile("out/secret.txt", write: true));
        Assert.Throws<ToolFailureException>(() => files.OpenDirectory("out"));
        Assert.Throws<ToolFailureException>(() => files.OpenForWrite("out/new.txt", out _));
        Assert.Throws<ToolFailureException>(() => files.Normalize("../outside/secret.txt"));

        Assert.False(File.Exists(h.InOutside("new.txt")));
    }

    [Fact]
    public void DanglingSymlinkOutside_IsNotCreated()
    {
        using var h = Harness();
        h.Link("dangling.txt", h.InOutside("created.txt"));
        using var files = WorkspaceFiles.Open(h.Workspace, portable: true);

        Assert.Throws<ToolFailureException>(() => files.OpenForWrite("dangling.txt", out _));

        Assert.False(File.Exists(h.InOutside("created.txt")));
    }

    [Fact]
    public void SymlinksInside_Work()
    {
        using var h = Harness();
        h.Link("alias.txt", "real/data.txt");
        h.Link("linked", "real");
        using var files = WorkspaceFiles.Open(h.Workspace, portable: true);

        using (var stream = new FileStream(files.OpenFile("alias.txt", write: false), FileAccess.Read))
        using (var reader = new StreamReader(stream))
        {
            Assert.Equal("inside\n", reader.ReadToEnd());
        }

        using var directory = files.OpenDirectory("linked");
        using var child = files.TryOpenChildFile(directory, "data.txt");
        Assert.NotNull(child);
        using var created = files.OpenForWrite("linked/sub/new.txt", out var wasCreated);
        Assert.True(wasCreated);
        Assert.True(File.Exists(h.InWorkspace("real/sub/new.txt")));
    }
}
