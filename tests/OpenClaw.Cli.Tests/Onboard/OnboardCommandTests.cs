using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Onboard;

/// <summary><c>openclaw onboard</c> as a process: flags for scripts, and the wizard at a pseudo-terminal.</summary>
public sealed class OnboardCommandTests : IDisposable
{
    private const string AnthropicKey = "sk-ant-onboard-test-key-4711";
    private const string TelegramToken = "777000:AAOnboardTelegramTokenForTests";
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StatePaths Paths => new(_state.Path);

    private async Task<(int Exit, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var run = GatewayProcess.Start(_state.Path, environment, args);
        var exit = await run.WaitForExitAsync();
        return (exit, run.Output);
    }

    private async Task<string?> CredentialAsync(string name)
    {
        using var store = new CredentialStore(Paths);
        return (await store.GetAsync(name, Ct))?.Reveal();
    }

    [Fact]
    public async Task NonInteractive_stores_the_key_writes_a_valid_config_and_creates_the_gateway_token()
    {
        var (exit, output) = await RunAsync(new Dictionary<string, string> { ["MY_ANTHROPIC_KEY"] = AnthropicKey },
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "MY_ANTHROPIC_KEY", "--yes");

        Assert.True(exit == 0, output);
        var text = await File.ReadAllTextAsync(Paths.ConfigFile, Ct);
        var config = await new ConfigLoader(Paths).LoadAsync(Ct);
        Assert.Equal(ProviderType.Anthropic, config.Providers["anthropic"].Type);
        Assert.Equal(SecretSource.Credential, config.Providers["anthropic"].ApiKey.Source);
        Assert.Equal("anthropic/claude-sonnet-4-5", config.Agents["default"].Model);
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic"));
        Assert.DoesNotContain(AnthropicKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey, output, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(await CredentialAsync("gateway-token")));
        Assert.True(Directory.Exists(Paths.WorkspaceDirectory));
        Assert.Contains("openclaw daemon install", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonInteractive_openai_compatible_with_telegram_writes_the_provider_and_the_channel()
    {
        var workspace = Path.Combine(_state.Path, "elsewhere");
        var (exit, output) = await RunAsync(new Dictionary<string, string> { ["TG"] = TelegramToken },
            "onboard", "--non-interactive", "--provider", "openai-compatible", "--base-url", "http://127.0.0.1:11434/v1",
            "--model", "llama3.1", "--workspace", workspace, "--telegram-token-env", "TG");

        Assert.True(exit == 0, output);
        var config = await new ConfigLoader(Paths).LoadAsync(Ct);
        Assert.Equal(ProviderType.OpenAICompatible, config.Providers["local"].Type);
        Assert.Equal("http://127.0.0.1:11434/v1", config.Providers["local"].BaseUrl);
        Assert.Equal("local/llama3.1", config.Agents["default"].Model);
        Assert.Equal(workspace, config.Agents["default"].Workspace);
        Assert.True(Directory.Exists(workspace));
        Assert.True(config.Channels.Telegram.Enabled);
        Assert.Equal(DmPolicy.Pairing, config.Channels.Telegram.DmPolicy);
        Assert.Equal(TelegramToken, await CredentialAsync("telegram"));
        Assert.DoesNotContain(TelegramToken, output, StringComparison.Ordinal);
        Assert.DoesNotContain(TelegramToken, await File.ReadAllTextAsync(Paths.ConfigFile, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rerunning_keeps_settings_and_stored_keys_unless_forced()
    {
        await File.WriteAllTextAsync(Paths.ConfigFile, """
            // my settings
            {
              agents: { default: { model: "anthropic/claude-opus-4-1" } }, // chosen by hand
            }
            """, Ct);
        var environment = new Dictionary<string, string> { ["K1"] = AnthropicKey, ["K2"] = "sk-ant-a-different-key-0815" };
        var (first, output1) = await RunAsync(environment, "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "K1");
        Assert.True(first == 0, output1);

        var (second, output2) = await RunAsync(environment,
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "K2", "--model", "claude-haiku-4-5");

        Assert.True(second == 0, output2);
        var text = await File.ReadAllTextAsync(Paths.ConfigFile, Ct);
        Assert.Contains("// my settings", text, StringComparison.Ordinal);
        Assert.Contains("// chosen by hand", text, StringComparison.Ordinal);
        Assert.Equal("anthropic/claude-opus-4-1", (await new ConfigLoader(Paths).LoadAsync(Ct)).Agents["default"].Model);
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic"));
        Assert.Contains("--force replaces it", output2, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant-a-different-key-0815", output2, StringComparison.Ordinal);

        var (forced, output3) = await RunAsync(environment,
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "K2", "--model", "claude-haiku-4-5", "--force");

        Assert.True(forced == 0, output3);
        Assert.Equal("anthropic/claude-haiku-4-5", (await new ConfigLoader(Paths).LoadAsync(Ct)).Agents["default"].Model);
        Assert.Equal("sk-ant-a-different-key-0815", await CredentialAsync("anthropic"));
        Assert.Contains("// my settings", await File.ReadAllTextAsync(Paths.ConfigFile, Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--provider", "onboard", "--non-interactive", "--api-key-env", "X")]
    [InlineData("--base-url", "onboard", "--non-interactive", "--provider", "openai-compatible", "--model", "m")]
    [InlineData("--api-key-env", "onboard", "--non-interactive", "--provider", "openai")]
    public async Task NonInteractive_without_a_required_flag_exits_2_naming_it(string flag, params string[] args)
    {
        var (exit, output) = await RunAsync(new Dictionary<string, string>(), args);

        Assert.Equal(2, exit);
        Assert.Contains(flag, output, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.ConfigFile));
    }

    [Fact]
    public async Task A_key_variable_that_is_not_set_exits_1_naming_it()
    {
        var (exit, output) = await RunAsync(new Dictionary<string, string>(),
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "NO_SUCH_ONBOARD_VARIABLE");

        Assert.Equal(1, exit);
        Assert.Contains("NO_SUCH_ONBOARD_VARIABLE", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.ConfigFile));
    }

    [Fact]
    public async Task Without_a_terminal_or_non_interactive_it_exits_2_and_says_how_to_script_it()
    {
        var (exit, output) = await RunAsync(new Dictionary<string, string>(), "onboard");

        Assert.Equal(2, exit);
        Assert.Contains("--non-interactive", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_gateway_owning_the_state_directory_stops_it_with_nothing_written()
    {
        using var gateway = new CredentialStore(Paths);
        await gateway.OpenAsync(Ct); // what a running gateway holds for its lifetime

        var (exit, output) = await RunAsync(new Dictionary<string, string> { ["K"] = AnthropicKey },
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "K");

        Assert.Equal(1, exit);
        Assert.Contains("running gateway", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.ConfigFile));
    }

    [Fact]
    public async Task The_wizard_at_a_terminal_never_echoes_the_keys_and_writes_the_answers()
    {
        Assert.SkipUnless(PtyProcess.Available, "util-linux `script` is not installed");
        using var wizard = PtyProcess.Start(_state.Path, "onboard");

        var at = await wizard.WaitForAsync("Model provider");
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("API key for anthropic (not echoed): ", at);
        await wizard.TypeLineAsync(AnthropicKey);
        at = await wizard.WaitForAsync("Add another provider?", at);
        await wizard.TypeLineAsync("n");
        at = await wizard.WaitForAsync("Model for the default agent", at);
        await wizard.TypeLineAsync("claude-haiku-4-5");
        at = await wizard.WaitForAsync("Workspace directory", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("Set up Telegram?", at);
        await wizard.TypeLineAsync("y");
        at = await wizard.WaitForAsync("Telegram bot token from @BotFather (not echoed): ", at);
        await wizard.TypeLineAsync(TelegramToken);
        at = await wizard.WaitForAsync("Write these settings", at);
        await wizard.TypeLineAsync("");
        await wizard.WaitForAsync("Done.", at);
        var exit = await wizard.WaitForExitAsync();

        var screen = wizard.Screen;
        Assert.True(exit == 0, screen);
        Assert.DoesNotContain(AnthropicKey, screen, StringComparison.Ordinal);
        Assert.DoesNotContain(TelegramToken, screen, StringComparison.Ordinal);
        Assert.Contains("claude-haiku-4-5", screen, StringComparison.Ordinal); // visible answers are echoed as typed
        var config = await new ConfigLoader(Paths).LoadAsync(Ct);
        Assert.Equal("anthropic/claude-haiku-4-5", config.Agents["default"].Model);
        Assert.Equal(ProviderType.Anthropic, config.Providers["anthropic"].Type);
        Assert.True(config.Channels.Telegram.Enabled);
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic"));
        Assert.Equal(TelegramToken, await CredentialAsync("telegram"));
        Assert.False(string.IsNullOrEmpty(await CredentialAsync("gateway-token")));
    }

    [Fact]
    public async Task The_wizard_run_again_offers_the_current_settings_and_keeps_a_stored_key_when_told_no()
    {
        Assert.SkipUnless(PtyProcess.Available, "util-linux `script` is not installed");
        var (first, output) = await RunAsync(new Dictionary<string, string> { ["K"] = AnthropicKey },
            "onboard", "--non-interactive", "--provider", "anthropic", "--api-key-env", "K", "--model", "claude-opus-4-1");
        Assert.True(first == 0, output);
        using var wizard = PtyProcess.Start(_state.Path, "onboard", "--yes");

        var at = await wizard.WaitForAsync("Model provider");
        await wizard.TypeLineAsync("anthropic");
        at = await wizard.WaitForAsync("providers.anthropic is already in the config. Replace it?", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("A key for 'anthropic' is stored. Replace it?", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("Add another provider?", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("[anthropic/claude-opus-4-1]", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("Workspace directory", at);
        await wizard.TypeLineAsync("");
        at = await wizard.WaitForAsync("Set up Telegram?", at);
        await wizard.TypeLineAsync("");
        await wizard.WaitForAsync("Done.", at);

        Assert.Equal(0, await wizard.WaitForExitAsync());
        Assert.DoesNotContain("not echoed", wizard.Screen, StringComparison.Ordinal); // no key was asked for
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic"));
        Assert.Equal("anthropic/claude-opus-4-1", (await new ConfigLoader(Paths).LoadAsync(Ct)).Agents["default"].Model);
    }
}
