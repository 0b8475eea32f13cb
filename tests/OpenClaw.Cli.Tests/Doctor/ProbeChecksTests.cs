using System.Net;
using System.Net.Sockets;
using OpenClaw.Cli.Doctor;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Cli.Tests.Doctor;

/// <summary><c>openclaw doctor --probe</c> against loopback fakes of Anthropic, OpenAI and Telegram.</summary>
public sealed class ProbeChecksTests : IDisposable
{
    private const string GoodKey = "sk-probe-good-key-31337";
    private const string BadKey = "sk-probe-revoked-key-4242";
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StatePaths Paths => new(_state.Path);

    private string? Env(string name) => name == "OPENCLAW_STATE_DIR" ? _state.Path : null;

    private async Task<OpenClawConfig> ConfigureAsync(string config, params (string Name, string Value)[] credentials)
    {
        await File.WriteAllTextAsync(Paths.ConfigFile, config, Ct);
        using (var store = new CredentialStore(Paths))
        {
            foreach (var (name, value) in credentials)
            {
                await store.SetAsync(name, new Secret(value), Ct);
            }
        }

        return await new ConfigLoader(Paths, Env).LoadAsync(Ct);
    }

    private async Task<CheckResult> ProbeAsync(OpenClawConfig config, string id) =>
        (await ProbeChecks.RunAsync(config, Paths, Env, TimeSpan.FromSeconds(10), Ct)).Single(c => c.Id == id);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task An_accepted_anthropic_key_is_ok_and_sent_only_in_its_header()
    {
        await using var anthropic = await FakeAnthropicServer.StartAsync(Ct);
        anthropic.ExpectedApiKey = GoodKey;
        var config = await ConfigureAsync($$"""{ providers: { anthropic: { type: "anthropic", baseUrl: "{{anthropic.BaseUrl}}" } } }""", ("anthropic", GoodKey));

        var check = await ProbeAsync(config, "providers.reachable");

        Assert.Equal(CheckStatus.Ok, check.Status);
        Assert.Contains("anthropic: key accepted", check.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GoodKey, check.Message, StringComparison.Ordinal);
        Assert.Equal(GoodKey, anthropic.Requests.Single().Headers["x-api-key"]);
    }

    [Fact]
    public async Task A_rejected_openai_key_fails_with_key_rejected_and_the_command_that_replaces_it()
    {
        await using var openai = await FakeOpenAIServer.StartAsync(Ct);
        openai.ExpectedApiKey = GoodKey;
        var config = await ConfigureAsync($$"""{ providers: { openai: { type: "openai", baseUrl: "{{openai.BaseUrl}}" } } }""", ("openai", BadKey));

        var check = await ProbeAsync(config, "providers.reachable");

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("openai: key rejected (HTTP 401", check.Message, StringComparison.Ordinal);
        Assert.Equal("openclaw credentials set openai", check.Fix);
        Assert.DoesNotContain(BadKey, check.Message + check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_provider_fails_naming_its_url()
    {
        var url = $"http://127.0.0.1:{FreePort()}/v1";
        var config = await ConfigureAsync($$"""{ providers: { local: { type: "openai-compatible", baseUrl: "{{url}}" } } }""");

        var check = await ProbeAsync(config, "providers.reachable");

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains($"local: cannot reach {url}/models", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_that_never_answers_fails_after_the_timeout_naming_its_url()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0); // connections complete in the backlog; nothing ever answers
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/v1";
        var config = await ConfigureAsync($$"""{ providers: { local: { type: "openai-compatible", baseUrl: "{{url}}" } } }""");

        var check = (await ProbeChecks.RunAsync(config, Paths, Env, TimeSpan.FromSeconds(1), Ct)).Single(c => c.Id == "providers.reachable");

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains($"local: cannot reach {url}/models: no answer within 1 s", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_provider_key_the_probe_is_skipped_not_failed()
    {
        var config = await ConfigureAsync("{}");

        var check = await ProbeAsync(config, "providers.reachable");

        Assert.Equal(CheckStatus.Skip, check.Status);
    }

    [Fact]
    public async Task An_accepted_telegram_token_names_the_bot_and_a_rejected_one_says_how_to_replace_it()
    {
        await using var telegram = await FakeTelegramServer.StartAsync(Ct);
        var configText = $$"""{ channels: { telegram: { enabled: true, apiBaseUrl: "{{telegram.BaseUrl.AbsoluteUri.TrimEnd('/')}}" } } }""";
        var config = await ConfigureAsync(configText, ("telegram", telegram.Token));

        var accepted = await ProbeAsync(config, "telegram.token");

        Assert.Equal(CheckStatus.Ok, accepted.Status);
        Assert.Contains("@" + telegram.BotUsername, accepted.Message, StringComparison.Ordinal);

        config = await ConfigureAsync(configText, ("telegram", "999:RevokedTelegramTokenForProbeTests"));
        var rejected = await ProbeAsync(config, "telegram.token");

        Assert.Equal(CheckStatus.Fail, rejected.Status);
        Assert.Contains("rejected", rejected.Message, StringComparison.Ordinal);
        Assert.Equal("openclaw credentials set telegram", rejected.Fix);
        Assert.DoesNotContain("RevokedTelegramToken", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telegram_is_not_probed_while_the_channel_is_off()
    {
        var config = await ConfigureAsync("{}");

        var checks = await ProbeChecks.RunAsync(config, Paths, Env, TimeSpan.FromSeconds(10), Ct);

        Assert.DoesNotContain(checks, c => c.Id == "telegram.token");
    }

    [Fact]
    public async Task The_built_doctor_with_probe_exits_1_on_a_rejected_key_and_never_prints_it()
    {
        await using var openai = await FakeOpenAIServer.StartAsync(Ct);
        openai.ExpectedApiKey = GoodKey;
        await ConfigureAsync($$"""{ providers: { openai: { type: "openai", baseUrl: "{{openai.BaseUrl}}" } } }""", ("openai", BadKey));

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "doctor", "--probe", "--json");

        Assert.Equal(1, exit);
        Assert.Contains("\"id\": \"providers.reachable\"", output, StringComparison.Ordinal);
        Assert.Contains("key rejected", output, StringComparison.Ordinal);
        Assert.DoesNotContain(BadKey, output, StringComparison.Ordinal);

        var (_, plainOutput) = await GatewayProcess.RunAsync(_state.Path, "doctor");
        Assert.Contains("config.valid", plainOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("providers.reachable", plainOutput, StringComparison.Ordinal); // only with --probe
        Assert.Single(openai.Requests); // the probe made one request, the plain doctor none
    }
}
