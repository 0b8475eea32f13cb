namespace OpenClaw.Agents.Tests.Tools;

/// <summary>Confinement of every file tool: nothing outside the workspace is read, listed or written, whatever the path or symlinks say.</summary>
public sealed class WorkspaceFilesTests
{
    private const string Secret = "TOP-SECRET-CONTENT";

    private static ToolHarness WithSecret()
    {
        var h = new ToolHarness();
        h.WriteOutside("secret.txt", Secret + "\n");
        h.Write("inside.txt", "inside\n");
        return h;
    }

    public static TheoryData<string, string> DotDotCalls => new()
    {
        { "read_file", """{"path":"../outside/secret.txt"}""" },
        { "read_file", """{"path":"sub/../../outside/secret.txt"}""" },
        { "write_file", """{"path":"../outside/new.txt","content":"x"}""" },
        { "edit_file", """{"path":"../outside/secret.txt","old_string":"TOP","new_string":"x"}""" },
        { "list_dir", """{"path":".."}""" },
        { "glob", """{"pattern":"*","path":"../outside"}""" },
        { "grep", """{"pattern":"SECRET","path":"../outside"}""" },
        { "exec", """{"command":"true","cwd":".."}""" },
    };

    [Theory]
    [MemberData(nameof(DotDotCalls))]
    public async Task DotDot_OutOfTheWorkspace_IsRefused(string tool, string parameters)
    {
        using var h = WithSecret();

        var error = (await h.RunAsync(tool, parameters)).AssertFailed("outside the workspace");

        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
        Assert.False(File.Exists(h.InOutside("new.txt")));
        Assert.Equal(Secret + "\n", File.ReadAllText(h.InOutside("secret.txt")));
        Assert.Empty(h.Sandboxes.Requests);
    }

    [Fact]
    public async Task AbsolutePaths_OutsideTheWorkspace_AreRefusedWithoutNamingHostPaths()
    {
        using var h = WithSecret();
        var outsidePath = h.InOutside("secret.txt");

        var read = (await h.RunAsync("read_file", $$"""{"path":{{ToolHarness.Q(outsidePath)}}}""")).AssertFailed("Absolute paths must lie under /workspace/");
        (await h.RunAsync("write_file", $$"""{"path":{{ToolHarness.Q(h.InOutside("new.txt"))}},"content":"x"}""")).AssertFailed("Absolute paths");
        (await h.RunAsync("list_dir", """{"path":"/etc"}""")).AssertFailed("Absolute paths");

        Assert.DoesNotContain(h.Outside, read, StringComparison.Ordinal);
        Assert.False(File.Exists(h.InOutside("new.txt")));
    }

    [Fact]
    public async Task AbsolutePath_UnderTheHostWorkspace_IsAccepted()
    {
        using var h = WithSecret();

        var result = (await h.RunAsync("read_file", $$"""{"path":{{ToolHarness.Q(h.InWorkspace("inside.txt"))}}}""")).AssertOk();

        Assert.Equal("inside.txt", result.Str("path"));
    }

    [Fact]
    public async Task SymlinkedFile_PointingOutside_CannotBeReadWrittenEditedOrGrepped()
    {
        using var h = WithSecret();
        h.Link("leak.txt", h.InOutside("secret.txt"));

        var read = (await h.RunAsync("read_file", """{"path":"leak.txt"}""")).AssertFailed("resolves to a location outside the workspace");
        (await h.RunAsync("write_file", """{"path":"leak.txt","content":"pwned"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("edit_file", """{"path":"leak.txt","old_string":"TOP","new_string":"pwned"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("grep", """{"pattern":"SECRET","path":"leak.txt"}""")).AssertFailed("outside the workspace");
        var grepAll = (await h.RunAsync("grep", """{"pattern":"SECRET"}""")).AssertOk();

        Assert.DoesNotContain(Secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Outside, read, StringComparison.Ordinal);
        Assert.Empty(grepAll.GetProperty("matches").EnumerateArray());
        Assert.Equal(Secret + "\n", File.ReadAllText(h.InOutside("secret.txt")));
    }

    [Fact]
    public async Task SymlinkedDirectory_PointingOutside_CannotBeReadWrittenListedGlobbedOrGrepped()
    {
        using var h = WithSecret();
        h.Link("out", h.Outside);

        (await h.RunAsync("read_file", """{"path":"out/secret.txt"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("write_file", """{"path":"out/new.txt","content":"x"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("write_file", """{"path":"out/deeper/new.txt","content":"x"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("edit_file", """{"path":"out/secret.txt","old_string":"TOP","new_string":"x"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("list_dir", """{"path":"out"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("glob", """{"pattern":"*","path":"out"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("grep", """{"pattern":"SECRET","path":"out"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("exec", """{"command":"true","cwd":"out"}""")).AssertFailed("outside the workspace");
        var glob = (await h.RunAsync("glob", """{"pattern":"**/*"}""")).AssertOk();
        var grep = (await h.RunAsync("grep", """{"pattern":"SECRET"}""")).AssertOk();

        Assert.DoesNotContain("out/secret.txt", glob.Strings("matches"));
        Assert.Empty(grep.GetProperty("matches").EnumerateArray());
        Assert.False(File.Exists(h.InOutside("new.txt")));
        Assert.False(Directory.Exists(h.InOutside("deeper")));
        Assert.Equal(Secret + "\n", File.ReadAllText(h.InOutside("secret.txt")));
        Assert.Empty(h.Sandboxes.Requests);
    }

    [Fact]
    public async Task DanglingSymlink_ToAnOutsidePath_IsNotCreatedByWrite()
    {
        using var h = WithSecret();
        h.Link("dangling.txt", h.InOutside("created.txt"));
        h.Link("dangling-dir", h.InOutside("made-dir"));

        (await h.RunAsync("write_file", """{"path":"dangling.txt","content":"x"}""")).AssertFailed("missing file outside the workspace");
        (await h.RunAsync("write_file", """{"path":"dangling-dir/f.txt","content":"x"}""")).AssertFailed("symbolic link to a missing directory");

        Assert.False(File.Exists(h.InOutside("created.txt")));
        Assert.False(Directory.Exists(h.InOutside("made-dir")));
    }

    [Fact]
    public async Task Symlinks_StayingInside_KeepWorking()
    {
        using var h = WithSecret();
        h.Write("real/data.txt", "value=1\n");
        h.Link("alias.txt", "real/data.txt");
        h.Link("linked-dir", "real");
        h.Link("future.txt", "later/target.txt");

        var read = (await h.RunAsync("read_file", """{"path":"alias.txt"}""")).AssertOk();
        (await h.RunAsync("edit_file", """{"path":"alias.txt","old_string":"value=1","new_string":"value=2"}""")).AssertOk();
        var listed = (await h.RunAsync("list_dir", """{"path":"linked-dir"}""")).AssertOk();
        var grep = (await h.RunAsync("grep", """{"pattern":"value","path":"linked-dir"}""")).AssertOk();
        (await h.RunAsync("write_file", """{"path":"future.txt","content":"made through a dangling inside link"}""")).AssertOk();
        (await h.RunAsync("write_file", """{"path":"linked-dir/new/n.txt","content":"through a linked directory"}""")).AssertOk();

        Assert.Equal("value=1\n", read.Str("content"));
        Assert.Equal("value=2\n", File.ReadAllText(h.InWorkspace("real/data.txt")));
        Assert.Equal("data.txt", Assert.Single(listed.GetProperty("entries").EnumerateArray()).Str("name"));
        Assert.Equal("linked-dir/data.txt", Assert.Single(grep.GetProperty("matches").EnumerateArray()).Str("path"));
        Assert.Equal("made through a dangling inside link", File.ReadAllText(h.InWorkspace("later/target.txt")));
        Assert.Equal("through a linked directory", File.ReadAllText(h.InWorkspace("real/new/n.txt")));
        Assert.True(new FileInfo(h.InWorkspace("alias.txt")).LinkTarget is not null);
    }

    [Fact]
    public async Task Symlink_ToTheWorkspaceParent_DoesNotLetDotDotThrough()
    {
        using var h = WithSecret();
        h.Link("up", "..");

        (await h.RunAsync("read_file", """{"path":"up/outside/secret.txt"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("write_file", """{"path":"up/outside/new.txt","content":"x"}""")).AssertFailed("outside the workspace");

        Assert.False(File.Exists(h.InOutside("new.txt")));
    }

    [Fact]
    public async Task SymlinksToDevicesAndFifosOutside_AreRefusedBeforeTheyAreOpened()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "O_PATH checks are Linux-only.");
        using var h = WithSecret();
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", h.InOutside("pipe"))!)
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        h.Link("zero", "/dev/zero");
        h.Link("pipe", h.InOutside("pipe"));

        // Opened for I/O first, /dev/zero would read as endless NULs and the FIFO would say "not a regular file":
        // the outside check comes before any real open.
        (await h.RunAsync("read_file", """{"path":"zero"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("write_file", """{"path":"zero","content":"x"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("write_file", """{"path":"pipe","content":"x"}""")).AssertFailed("outside the workspace");
        (await h.RunAsync("read_file", """{"path":"pipe"}""")).AssertFailed("outside the workspace");
    }
}
