using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigLoaderTests
{
    [Fact]
    public async Task LoadAsync_NoFile_GivesDefaultsWithTheStateDirectoryWorkspace()
    {
        using var dir = new TempDirectory();
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var config = await loader.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(18789, config.Gateway.Port);
        Assert.Equal(dir.Combine("workspace"), config.Agents["default"].Workspace);
        Assert.Equal(["anthropic", "openai"], config.Providers.Keys.Order());
    }

    [Fact]
    public async Task LoadAsync_ValidFile_ReadsIt()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("openclaw.json"), "// mine\n{ gateway: { port: 1234 } }", TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var config = await loader.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1234, config.Gateway.Port);
    }

    [Fact]
    public async Task LoadAsync_ConfigPathFromEnvironment_IsUsed()
    {
        using var dir = new TempDirectory();
        var custom = dir.Combine("elsewhere", "my.json5");
        Directory.CreateDirectory(Path.GetDirectoryName(custom)!);
        await File.WriteAllTextAsync(custom, "{ logging: { format: 'json' } }", TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string> { ["OPENCLAW_STATE_DIR"] = dir.Combine("state"), ["OPENCLAW_CONFIG_PATH"] = custom };
        var loader = ConfigLoader.FromEnvironment(name => environment.GetValueOrDefault(name));

        var config = await loader.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(custom, loader.ConfigFile);
        Assert.Equal(LogFormat.Json, config.Logging.Format);
        Assert.Equal(dir.Combine("state", "workspace"), config.Agents["default"].Workspace);
    }

    [Fact]
    public async Task LoadAsync_BrokenFile_ThrowsWithEveryErrorAndNeverDefaults()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("openclaw.json");
        await File.WriteAllTextAsync(file, "{\n  gateway: { port: -1 },\n  logging: { levle: 'info' },\n}", TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Equal(file, ex.File);
        Assert.Equal(["gateway.port", "logging.levle"], ex.Errors.Select(e => e.Path));
        Assert.Equal(
            $"{file} has 2 errors:{Environment.NewLine}" +
            $"  {file}:2:20: gateway.port: expected an integer from 0 to 65535, found -1{Environment.NewLine}" +
            $"  {file}:3:14: logging.levle: unknown key 'levle' in logging; did you mean 'level'?",
            ex.Message);
        Assert.IsAssignableFrom<OpenClawException>(ex);
    }

    [Fact]
    public async Task LoadAsync_SyntaxError_ThrowsWithLineAndColumn()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("openclaw.json"), "{\n  port: 1,,\n}", TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        var error = Assert.Single(ex.Errors);
        Assert.Equal((2, 11), (error.Line, error.Column));
    }

    [Fact]
    public async Task LoadAsync_Directory_ThrowsNamingIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("openclaw.json"));
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains(dir.Combine("openclaw.json") + " is a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_InvalidUtf8_ThrowsNamingFileAndPosition()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("openclaw.json");
        await File.WriteAllBytesAsync(file, [.. "{\n  a: '"u8, 0xC3, 0x28, .. "' }"u8], TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Equal($"{file} is not valid UTF-8 (bad byte 0xC3 at line 2, column 7); save it as UTF-8.", ex.Message);
    }

    [Fact]
    public async Task LoadAsync_ByteOrderMark_IsIgnored()
    {
        using var dir = new TempDirectory();
        await File.WriteAllBytesAsync(dir.Combine("openclaw.json"), [0xEF, 0xBB, 0xBF, .. "{ gateway: { port: 7 } }"u8], TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var config = await loader.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, config.Gateway.Port);
    }

    [Fact]
    public async Task LoadAsync_UnreadableFile_ThrowsNamingIt()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            Assert.Skip("root can read any file (and Windows has no Unix modes), so permissions cannot be tested here");
            return;
        }

        using var dir = new TempDirectory();
        var file = dir.Combine("openclaw.json");
        await File.WriteAllTextAsync(file, "{}", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(file, UnixFileMode.None);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"cannot read {file}: permission denied", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \t\n")]
    [InlineData("// only a comment\n/* and another */\n")]
    public async Task LoadAsync_EmptyFile_IsAnErrorNotDefaults(string content)
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("openclaw.json");
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        var loader = new ConfigLoader(new StatePaths(dir.Path), _ => null);

        var ex = await Assert.ThrowsAsync<ConfigException>(() => loader.LoadAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith($"{file} is empty; delete it to use the defaults", ex.Message, StringComparison.Ordinal);
        Assert.False(loader.Validate(content).IsValid);
    }
}
