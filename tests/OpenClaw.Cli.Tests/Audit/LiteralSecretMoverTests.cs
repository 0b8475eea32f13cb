using System.CommandLine;
using OpenClaw.Cli.Audit;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Audit;

/// <summary><c>openclaw security audit --fix</c> moving secrets written in the config into the credential store.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the audit also checks file modes
public sealed class LiteralSecretMoverTests : IDisposable
{
    private const string AnthropicKey = "sk-ant-literal-to-move-0123456789";
    private const string BotToken = "123456:AALiteralBotTokenToMove";
    private readonly TempDirectory _state = new();

    public LiteralSecretMoverTests() =>
        File.SetUnixFileMode(_state.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public void Dispose() => _state.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StatePaths Paths => new(_state.Path);

    private string? Env(string name) => name == "OPENCLAW_STATE_DIR" ? _state.Path : null;

    private async Task WriteConfigAsync(string text)
    {
        await File.WriteAllTextAsync(Paths.ConfigFile, text, Ct);
        File.SetUnixFileMode(Paths.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private async Task<(int Exit, string Output)> AuditAsync(params string[] args)
    {
        var root = new RootCommand { SecurityAuditCommand.Create(Env) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["security", "audit", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString() + error);
    }

    private async Task<string?> CredentialAsync(string name)
    {
        using var store = new CredentialStore(Paths);
        return (await store.GetAsync(name, Ct))?.Reveal();
    }

    [Fact]
    public async Task Fix_moves_each_literal_into_the_credential_store_keeping_the_file_as_it_was_written()
    {
        await WriteConfigAsync($$"""
            // written by hand
            {
              providers: {
                anthropic: { type: "anthropic", apiKey: "{{AnthropicKey}}" }, // my key
              },
              channels: { telegram: { enabled: true, botToken: '{{BotToken}}' } },
            }
            """);

        var (exit, output) = await AuditAsync("--fix");

        Assert.Equal(0, exit);
        Assert.Equal("""
            // written by hand
            {
              providers: {
                anthropic: { type: "anthropic", apiKey: "cred:anthropic" }, // my key
              },
              channels: { telegram: { enabled: true, botToken: "cred:telegram" } },
            }
            """, await File.ReadAllTextAsync(Paths.ConfigFile, Ct));
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic"));
        Assert.Equal(BotToken, await CredentialAsync("telegram"));
        Assert.Contains("providers.anthropic.apiKey → \"cred:anthropic\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(BotToken, output, StringComparison.Ordinal);

        // No copy of a moved secret stays beside the config: the editor's backup of the previous version is gone.
        foreach (var file in Directory.EnumerateFiles(Paths.Root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("credentials", StringComparison.Ordinal)))
        {
            var text = await File.ReadAllTextAsync(file, Ct);
            Assert.DoesNotContain(AnthropicKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(BotToken, text, StringComparison.Ordinal);
        }

        var (again, againOutput) = await AuditAsync("--fix");

        Assert.Equal(0, again);
        Assert.Contains("no secret is written in the config file", againOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("moved", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_different_value_already_stored_under_the_name_is_kept_and_the_literal_stored_beside_it()
    {
        using (var store = new CredentialStore(Paths))
        {
            await store.SetAsync("anthropic", new Secret("sk-ant-the-one-already-stored"), Ct);
        }

        await WriteConfigAsync($$"""{ providers: { anthropic: { apiKey: "{{AnthropicKey}}" } } }""");

        var (exit, output) = await AuditAsync("--fix");

        Assert.Equal(0, exit);
        Assert.Contains("credential 'anthropic' already holds a different value", output, StringComparison.Ordinal);
        Assert.Equal("sk-ant-the-one-already-stored", await CredentialAsync("anthropic"));
        Assert.Equal(AnthropicKey, await CredentialAsync("anthropic-2"));
        var config = await new ConfigLoader(Paths, Env).LoadAsync(Ct);
        Assert.Equal("anthropic-2", config.Providers["anthropic"].ApiKey.Name);
        Assert.Equal(SecretSource.Credential, config.Providers["anthropic"].ApiKey.Source);
    }

    [Fact]
    public async Task With_a_gateway_owning_the_state_nothing_is_moved_and_it_says_to_stop_it()
    {
        var text = $$"""{ providers: { anthropic: { apiKey: "{{AnthropicKey}}" } } }""";
        await WriteConfigAsync(text);
        using var gateway = new CredentialStore(Paths);
        await gateway.OpenAsync(Ct);

        var (exit, output) = await AuditAsync("--fix");

        Assert.Equal(1, exit);
        Assert.Contains("stop it and run `openclaw security audit --fix` again", output, StringComparison.Ordinal);
        Assert.Equal(text, await File.ReadAllTextAsync(Paths.ConfigFile, Ct));
    }

    [Fact]
    public async Task Without_fix_a_literal_is_only_reported()
    {
        var text = $$"""{ providers: { anthropic: { apiKey: "{{AnthropicKey}}" } } }""";
        await WriteConfigAsync(text);

        var (exit, _) = await AuditAsync();

        Assert.Equal(1, exit);
        Assert.Equal(text, await File.ReadAllTextAsync(Paths.ConfigFile, Ct));
        Assert.Null(await CredentialAsync("anthropic"));
    }

    [Fact]
    public async Task The_built_binary_moves_the_secret_and_a_second_run_finds_nothing()
    {
        await WriteConfigAsync($$"""{ providers: { openai: { type: "openai", apiKey: "{{AnthropicKey}}" } } }""");

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "security", "audit", "--fix");
        var (again, againOutput) = await GatewayProcess.RunAsync(_state.Path, "security", "audit");

        Assert.True(exit == 0, output);
        Assert.DoesNotContain(AnthropicKey, output, StringComparison.Ordinal);
        Assert.Equal(AnthropicKey, await CredentialAsync("openai"));
        Assert.True(again == 0, againOutput);
        Assert.Contains("ok    config.literal-secrets", againOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("providers.anthropic.apiKey", "anthropic")]
    [InlineData("providers.local.apiKey", "local")]
    [InlineData("channels.telegram.botToken", "telegram")]
    [InlineData("channels.telegram.webhookSecret", "telegram-webhook")]
    public void Credentials_are_named_after_their_provider_or_channel(string key, string name) =>
        Assert.Equal(name, LiteralSecretMover.CredentialNameFor(key));
}
