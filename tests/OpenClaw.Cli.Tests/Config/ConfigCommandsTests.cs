using System.CommandLine;
using OpenClaw.Cli.Config;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Config;

public sealed class ConfigCommandsTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public ConfigCommandsTests() => _environment["OPENCLAW_STATE_DIR"] = _state.Path;

    private string ConfigFile => _state.Combine("openclaw.json");

    public void Dispose() => _state.Dispose();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ConfigCommands.Create(name => _environment.GetValueOrDefault(name)) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["config", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Path_PrintsTheStateDirectoryConfigFile()
    {
        var (exit, output, _) = await RunAsync("path");

        Assert.Equal(0, exit);
        Assert.Equal(ConfigFile, output.Trim());
    }

    [Fact]
    public async Task Path_HonoursOpenClawConfigPath()
    {
        _environment["OPENCLAW_CONFIG_PATH"] = _state.Combine("custom.json5");

        var (_, output, _) = await RunAsync("path");

        Assert.Equal(_state.Combine("custom.json5"), output.Trim());
    }

    [Fact]
    public async Task Validate_BrokenFile_ListsEveryErrorWithLineAndColumnAndFails()
    {
        await File.WriteAllTextAsync(ConfigFile, "{\n  gateway: { port: 'x' },\n  loging: {},\n}\n", TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("validate");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal(
            [
                $"error: {ConfigFile} has 2 errors:",
                $"{ConfigFile}:2:20: gateway.port: expected an integer from 0 to 65535, found the string \"x\"",
                $"{ConfigFile}:3:3: loging: unknown key 'loging' at the top level; did you mean 'logging'?",
            ],
            error.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Validate_Json_BrokenFile_GivesEveryErrorWithLineColumnAndPath_AndFails()
    {
        await File.WriteAllTextAsync(ConfigFile, "{\n  gateway: { port: 'x' },\n  loging: {},\n}\n", TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("validate", "--json");

        Assert.Equal(1, exit);
        Assert.Empty(error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(ConfigFile, root.GetProperty("file").GetString());
        Assert.False(root.GetProperty("valid").GetBoolean());
        var errors = root.GetProperty("errors").EnumerateArray().Select(e =>
            $"{e.GetProperty("line").GetInt32()}:{e.GetProperty("column").GetInt32()} {e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}").ToArray();
        Assert.Equal(
            [
                "2:20 gateway.port: expected an integer from 0 to 65535, found the string \"x\"",
                "3:3 loging: unknown key 'loging' at the top level; did you mean 'logging'?",
            ],
            errors);
    }

    [Fact]
    public async Task Validate_Json_ValidFile_SaysValidAndExits0()
    {
        await File.WriteAllTextAsync(ConfigFile, "{ gateway: { port: 9001 } }", TestContext.Current.CancellationToken);

        var (exit, output, _) = await RunAsync("validate", "--json");

        Assert.Equal(0, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Empty(doc.RootElement.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Get_Json_QuotesAString_AndPath_Json_NamesTheFileAndStateDir()
    {
        var (exit, bind, _) = await RunAsync("get", "gateway.bind", "--json");
        var (_, plain, _) = await RunAsync("get", "gateway.bind");
        var (_, path, _) = await RunAsync("path", "--json");

        Assert.Equal(0, exit);
        Assert.Equal("\"127.0.0.1\"", bind.Trim());
        Assert.Equal("127.0.0.1", plain.Trim());
        using var doc = System.Text.Json.JsonDocument.Parse(path);
        Assert.Equal(ConfigFile, doc.RootElement.GetProperty("configFile").GetString());
        Assert.Equal(_state.Path, doc.RootElement.GetProperty("stateDir").GetString());
        Assert.False(doc.RootElement.GetProperty("exists").GetBoolean());
    }

    [Fact]
    public async Task Validate_OtherFile_ChecksThatFile()
    {
        var other = _state.Combine("candidate.json5");
        await File.WriteAllTextAsync(other, "{ logging: { level: 'debug' } }", TestContext.Current.CancellationToken);

        var (exit, output, _) = await RunAsync("validate", "--file", other);

        Assert.Equal(0, exit);
        Assert.Equal($"{other}: valid", output.Trim());
    }

    [Fact]
    public async Task Validate_NoFile_SaysDefaultsApply()
    {
        var (exit, output, _) = await RunAsync("validate");

        Assert.Equal(0, exit);
        Assert.Contains("does not exist; every default applies", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingEnvironmentVariable_NamesIt()
    {
        await File.WriteAllTextAsync(ConfigFile, "{ agents: { default: { systemPrompt: '${PROMPT}' } } }", TestContext.Current.CancellationToken);

        var before = await RunAsync("validate");
        _environment["PROMPT"] = "Hello";
        var after = await RunAsync("validate");

        Assert.Equal(1, before.Exit);
        Assert.Contains("agents.default.systemPrompt: environment variable PROMPT is not set", before.Error, StringComparison.Ordinal);
        Assert.Equal(0, after.Exit);
    }

    [Fact]
    public async Task SetThenGet_RoundTripsAndKeepsComments()
    {
        await File.WriteAllTextAsync(ConfigFile, "// mine\n{\n  gateway: { port: 1 }, // note\n}\n", TestContext.Current.CancellationToken);

        var set = await RunAsync("set", "gateway.port", "9000");
        var get = await RunAsync("get", "gateway.port");
        var model = await RunAsync("get", "agents.default.model");

        Assert.Equal(0, set.Exit);
        Assert.Contains($"set gateway.port in {ConfigFile} (previous version kept in {ConfigFile}.bak)", set.Output, StringComparison.Ordinal);
        Assert.Equal("// mine\n{\n  gateway: { port: 9000 }, // note\n}\n", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
        Assert.Equal("9000", get.Output.Trim());
        Assert.Equal("anthropic/claude-sonnet-4-5", model.Output.Trim());
    }

    [Fact]
    public async Task Get_Object_PrintsJson()
    {
        var (exit, output, _) = await RunAsync("get", "agents.default.sandbox");

        Assert.Equal(0, exit);
        Assert.Contains("\"level\": \"strict\"", output, StringComparison.Ordinal);
        Assert.Contains("\"timeoutSeconds\": 120", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownKey_Fails()
    {
        var (exit, _, error) = await RunAsync("get", "gateway.nope");

        Assert.Equal(1, exit);
        Assert.Contains("gateway.nope is not set", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_InvalidValue_FailsWithPositionAndWritesNothing()
    {
        var (exit, _, error) = await RunAsync("set", "agents.default.sandbox.level", "paranoid");

        Assert.Equal(1, exit);
        Assert.Contains($"error: nothing written; with this edit {ConfigFile} would have 1 error:", error, StringComparison.Ordinal);
        Assert.Contains(":5:16: agents.default.sandbox.level: expected one of \"none\", \"relaxed\", \"strict\", found \"paranoid\"", error, StringComparison.Ordinal);
        Assert.False(File.Exists(ConfigFile));
    }

    [Fact]
    public async Task Set_BadPath_Fails()
    {
        var (exit, _, error) = await RunAsync("set", "gateway..port", "1");

        Assert.Equal(1, exit);
        Assert.Contains("'gateway..port' is not a valid key path", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unset_RemovesTheKey()
    {
        await File.WriteAllTextAsync(ConfigFile, "{\n  logging: {\n    level: 'debug',\n    format: 'json',\n  },\n}\n", TestContext.Current.CancellationToken);

        var (exit, output, _) = await RunAsync("unset", "logging.level");
        var get = await RunAsync("get", "logging.level");

        Assert.Equal(0, exit);
        Assert.Contains("removed logging.level", output, StringComparison.Ordinal);
        Assert.Equal("{\n  logging: {\n    format: 'json',\n  },\n}\n", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
        Assert.Equal("info", get.Output.Trim());
    }

    [Fact]
    public async Task Schema_PrintsJsonSchema()
    {
        var (exit, output, _) = await RunAsync("schema");

        Assert.Equal(0, exit);
        Assert.Contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingExplicitFile_Fails()
    {
        var (exit, _, error) = await RunAsync("validate", "--file", _state.Combine("typo.json"));

        Assert.Equal(1, exit);
        Assert.Contains("typo.json does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_NoStateDirectory_CreatesItOwnerOnly()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Combine("fresh");

        var (exit, _, _) = await RunAsync("set", "channels.telegram.enabled", "true");

        Assert.Equal(0, exit);
        Assert.True(File.Exists(_state.Combine("fresh", "openclaw.json")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_state.Combine("fresh")));
        }
    }

    [Fact]
    public async Task Get_LiteralSecret_IsRedactedButReferencesShow()
    {
        await RunAsync("set", "channels.telegram.botToken", "123456:ABC-secret");
        await RunAsync("set", "providers.openai.apiKey", "${OPENAI_API_KEY}");

        var token = await RunAsync("get", "channels.telegram.botToken");
        var key = await RunAsync("get", "providers.openai.apiKey");
        var implicitKey = await RunAsync("get", "providers.anthropic.apiKey");

        Assert.Equal("***", token.Output.Trim());
        Assert.Equal("${OPENAI_API_KEY}", key.Output.Trim());
        Assert.Equal("cred:anthropic", implicitKey.Output.Trim());
    }

    [Fact]
    public async Task Set_ConfigPathUnderARegularFile_ReportsAnErrorWithoutAStackTrace()
    {
        await File.WriteAllTextAsync(_state.Combine("afile"), "x", TestContext.Current.CancellationToken);
        _environment["OPENCLAW_CONFIG_PATH"] = _state.Combine("afile", "openclaw.json");

        var (exit, _, error) = await RunAsync("set", "gateway.port", "9000");

        AssertCleanError(exit, error);
        Assert.Contains("afile", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_BackupIsADirectory_ReportsCannotWriteWithoutAStackTrace()
    {
        await File.WriteAllTextAsync(ConfigFile, "{ gateway: { port: 1 } }", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(ConfigFile + ".bak");

        var (exit, _, error) = await RunAsync("set", "gateway.port", "9000");

        AssertCleanError(exit, error);
        Assert.Contains($"{ConfigFile}.bak", error, StringComparison.Ordinal); // names the file that could not be written
        Assert.Equal("{ gateway: { port: 1 } }", await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Validate_EmptyFileOption_ReportsAnErrorWithoutAStackTrace()
    {
        var (exit, _, error) = await RunAsync("validate", "--file", "");

        AssertCleanError(exit, error);
    }

    [Fact]
    public async Task Set_UnwritableDirectory_ReportsCannotWriteWithoutAStackTrace()
    {
        // /sys refuses new files even to root (EACCES), like a read-only state directory does to a normal user.
        Assert.SkipUnless(OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel"), "needs Linux /sys");
        _environment["OPENCLAW_CONFIG_PATH"] = "/sys/openclaw-test.json";

        var (exit, _, error) = await RunAsync("set", "gateway.port", "9000");

        AssertCleanError(exit, error);
        Assert.Contains("/sys/openclaw-test.json", error, StringComparison.Ordinal); // names the file that could not be written
    }

    private static void AssertCleanError(int exit, string error)
    {
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }
}
