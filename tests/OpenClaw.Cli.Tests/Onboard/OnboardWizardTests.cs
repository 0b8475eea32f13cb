using System.CommandLine;
using OpenClaw.Cli.Onboard;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Onboard;

/// <summary>The wizard's questions answered from a text reader (the pseudo-terminal runs are in <see cref="OnboardCommandTests"/>).</summary>
public sealed class OnboardWizardTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StatePaths Paths => new(_state.Path);

    private async Task<(int Exit, string Output)> RunAsync(params string[] answers)
    {
        var root = new RootCommand { OnboardCommand.Create(name => name == "OPENCLAW_STATE_DIR" ? _state.Path : null, new StringReader(string.Join('\n', answers) + "\n")) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["onboard"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString() + error);
    }

    [Fact]
    public async Task Two_providers_one_of_them_openai_compatible_are_both_configured()
    {
        var (exit, output) = await RunAsync(
            "openai", "sk-openai-wizard-key", "y",
            "openai-compatible", "ollama", "not a url", "http://127.0.0.1:11434/v1", "", "n",
            "", "", "n", "y");

        Assert.True(exit == 0, output);
        Assert.Contains("an http:// or https:// URL is needed", output, StringComparison.Ordinal);
        var config = await new ConfigLoader(Paths).LoadAsync(Ct);
        Assert.Equal(ProviderType.OpenAI, config.Providers["openai"].Type);
        Assert.Equal("http://127.0.0.1:11434/v1", config.Providers["ollama"].BaseUrl);
        Assert.Equal("openai/gpt-4o", config.Agents["default"].Model);
        Assert.False(config.Channels.Telegram.Enabled);
        using var store = new CredentialStore(Paths);
        Assert.Equal("sk-openai-wizard-key", (await store.GetAsync("openai", Ct))?.Reveal());
        Assert.Null(await store.GetAsync("ollama", Ct)); // no key was given for the local server
    }

    [Fact]
    public async Task Declining_to_write_leaves_the_state_directory_as_it_was()
    {
        var (exit, output) = await RunAsync("anthropic", "sk-ant-declined", "n", "", "", "n", "n");

        Assert.Equal(0, exit);
        Assert.Contains("Nothing was written.", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.ConfigFile));
        using var store = new CredentialStore(Paths);
        Assert.Empty(await store.ListAsync(Ct));
    }

    [Fact]
    public async Task Input_that_ends_early_stops_with_an_error_and_writes_nothing()
    {
        var (exit, output) = await RunAsync("anthropic");

        Assert.Equal(1, exit);
        Assert.Contains("the input ended", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.ConfigFile));
    }
}
