using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigEditorTests
{
    private const string Original = """
        // Hand-written; keep my comments.
        {
          gateway: {
            port: 18789, // the default
          },
          /* providers I use */
          providers: {
            ollama: { type: "openai-compatible", baseUrl: "http://127.0.0.1:11434/v1" },
          },
        }

        """;

    private static (ConfigEditor Editor, ConfigLoader Loader) Create(TempDirectory dir)
    {
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);
        return (new ConfigEditor(loader), loader);
    }

    [Fact]
    public async Task SetAsync_ExistingFile_EditsInPlaceKeepsBackupAndMode0600()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, Original, TestContext.Current.CancellationToken);

        var result = await editor.SetAsync("agents.default.model", "ollama/llama3.1", TestContext.Current.CancellationToken);

        Assert.True(result.Changed);
        var written = await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken);
        Assert.Equal(Original.Replace(
            "  },\n}\n",
            "  },\n  agents: {\n    default: {\n      model: \"ollama/llama3.1\",\n    },\n  },\n}\n", StringComparison.Ordinal), written);
        Assert.Equal(Original, await File.ReadAllTextAsync(loader.ConfigFile + ".bak", TestContext.Current.CancellationToken));
        Assert.Equal(loader.ConfigFile + ".bak", result.BackupFile);
        Assert.Equal("ollama/llama3.1", (await loader.LoadAsync(TestContext.Current.CancellationToken)).Agents["default"].Model);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(loader.ConfigFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(loader.ConfigFile + ".bak"));
        }

        Assert.Equal(["openclaw.json", "openclaw.json.bak"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task SetAsync_NoFile_CreatesItWithoutBackup()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);

        var result = await editor.SetAsync("gateway.port", "9000", TestContext.Current.CancellationToken);

        Assert.True(result.Changed);
        Assert.Null(result.BackupFile);
        Assert.Equal("{\n  gateway: {\n    port: 9000,\n  },\n}\n", await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(loader.ConfigFile + ".bak"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(loader.ConfigFile));
        }
    }

    [Fact]
    public async Task SetAsync_InvalidValue_WritesNothingAndListsTheError()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, Original, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => editor.SetAsync("gateway.port", "99999", TestContext.Current.CancellationToken));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("gateway.port", error.Path);
        Assert.Equal((4, 11), (error.Line, error.Column));
        Assert.Equal(Original, await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
        Assert.Equal(["openclaw.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task SetAsync_UnknownKey_IsRefusedWithSuggestion()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => editor.SetAsync("gateway.prot", "1", TestContext.Current.CancellationToken));

        Assert.Contains("did you mean 'port'?", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(loader.ConfigFile));
    }

    [Fact]
    public async Task SetAsync_SameValue_DoesNotRewrite()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, Original, TestContext.Current.CancellationToken);

        var result = await editor.SetAsync("gateway.port", "18789", TestContext.Current.CancellationToken);

        Assert.False(result.Changed);
        Assert.False(File.Exists(loader.ConfigFile + ".bak"));
    }

    [Fact]
    public async Task SetAsync_BrokenFile_RefusesToEditIt()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, "{ gateway: ", TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => editor.SetAsync("gateway.port", "1", TestContext.Current.CancellationToken));

        Assert.Contains("fix the file by hand first", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("{ gateway: ", await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnsetAsync_Member_RemovesItAndKeepsBackup()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, Original, TestContext.Current.CancellationToken);

        var result = await editor.UnsetAsync("gateway.port", TestContext.Current.CancellationToken);

        Assert.True(result.Changed);
        // The emptied object collapses to {}; every other byte stays.
        Assert.Equal(Original.Replace("  gateway: {\n    port: 18789, // the default\n  },", "  gateway: {},", StringComparison.Ordinal), await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
        Assert.Equal(Original, await File.ReadAllTextAsync(loader.ConfigFile + ".bak", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnsetAsync_ProviderStillInUse_WritesNothing()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        var text = Original.Replace("  },\n}\n", "  },\n  agents: { default: { model: 'ollama/llama3.1' } },\n}\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(loader.ConfigFile, text, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => editor.UnsetAsync("providers.ollama", TestContext.Current.CancellationToken));

        Assert.Equal("agents.default.model", Assert.Single(ex.Errors).Path);
        Assert.Equal(text, await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnsetAsync_AbsentKeyOrFile_ChangesNothing()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);

        var noFile = await editor.UnsetAsync("gateway.port", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(loader.ConfigFile, Original, TestContext.Current.CancellationToken);
        var noKey = await editor.UnsetAsync("logging.level", TestContext.Current.CancellationToken);

        Assert.False(noFile.Changed);
        Assert.False(noKey.Changed);
        Assert.Equal(Original, await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SetAsync_CommentOnlyFile_AppendsTheObjectAfterTheComments()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, "// my notes\n/* more */", TestContext.Current.CancellationToken);

        var result = await editor.SetAsync("gateway.port", "9000", TestContext.Current.CancellationToken);

        Assert.True(result.Changed);
        var written = await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken);
        Assert.StartsWith("// my notes\n/* more */\n{", written, StringComparison.Ordinal);
        Assert.Equal(9000, (await loader.LoadAsync(TestContext.Current.CancellationToken)).Gateway.Port);
    }

    [Fact]
    public async Task UnsetAsync_CommentOnlyFile_ChangesNothing()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        await File.WriteAllTextAsync(loader.ConfigFile, "// my notes\n", TestContext.Current.CancellationToken);

        var result = await editor.UnsetAsync("gateway.port", TestContext.Current.CancellationToken);

        Assert.False(result.Changed);
        Assert.Equal("// my notes\n", await File.ReadAllTextAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SetAsync_FileWithBom_KeepsTheBomAndTheBackupIsByteExact()
    {
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        byte[] original = [0xEF, 0xBB, 0xBF, .. "{ gateway: { port: 1 } }\n"u8.ToArray()];
        await File.WriteAllBytesAsync(loader.ConfigFile, original, TestContext.Current.CancellationToken);

        await editor.SetAsync("gateway.port", "9000", TestContext.Current.CancellationToken);

        Assert.Equal(original, await File.ReadAllBytesAsync(loader.ConfigFile + ".bak", TestContext.Current.CancellationToken));
        Assert.Equal(
            [0xEF, 0xBB, 0xBF, .. "{ gateway: { port: 9000 } }\n"u8.ToArray()],
            await File.ReadAllBytesAsync(loader.ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SetAsync_SymlinkedConfig_EditsTheTargetAndKeepsTheLink()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var dir = new TempDirectory();
        var (editor, loader) = Create(dir);
        Directory.CreateDirectory(dir.Combine("dotfiles"));
        var target = dir.Combine("dotfiles", "openclaw.json");
        await File.WriteAllTextAsync(target, "{ gateway: { port: 1 } }\n", TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(loader.ConfigFile, target);

        await editor.SetAsync("gateway.port", "9000", TestContext.Current.CancellationToken);

        Assert.Equal(target, File.ResolveLinkTarget(loader.ConfigFile, returnFinalTarget: true)?.FullName);
        Assert.Equal("{ gateway: { port: 9000 } }\n", await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
        Assert.Equal("{ gateway: { port: 1 } }\n", await File.ReadAllTextAsync(loader.ConfigFile + ".bak", TestContext.Current.CancellationToken));
    }
}
