using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Providers.Registry;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.AotCheck;

/// <summary>
/// The registry the gateway builds, over the three wire formats (as tests/OpenClaw.Providers.Tests' ProviderFixture):
/// "claude" (Anthropic fake, key), "gpt" (OpenAI fake, key) and "local" (OpenAI fake, openai-compatible, no key), with
/// keys resolved through <see cref="SecretResolver"/> from an in-memory credential store.
/// </summary>
internal sealed class CheckFixture : IAsyncDisposable
{
    public const string AnthropicKey = "sk-ant-aot-check-key-0123456789";
    public const string OpenAIKey = "sk-openai-aot-check-key-0123456789";

    private CheckFixture(FakeAnthropicServer anthropic, FakeOpenAIServer openai, FakeOpenAIServer local, Func<OpenClawConfig, OpenClawConfig>? edit)
    {
        Anthropic = anthropic;
        OpenAI = openai;
        Local = local;
        var credentials = new FakeCredentialReader().With("claude", AnthropicKey).With("gpt", OpenAIKey);
        var config = OpenClawConfig.CreateDefault(new StatePaths(Path.GetTempPath())) with
        {
            Providers = new Dictionary<string, ProviderOptions>(StringComparer.Ordinal)
            {
                ["claude"] = Provider("claude", ProviderType.Anthropic, anthropic.BaseUrl),
                ["gpt"] = Provider("gpt", ProviderType.OpenAI, openai.BaseUrl),
                ["local"] = Provider("local", ProviderType.OpenAICompatible, local.BaseUrl) with { ApiKey = SecretReference.ImplicitCredential("local") },
            },
        };
        var effective = edit is null ? config : edit(config);
        Registry = new ProviderRegistry(() => effective, new SecretResolver(credentials, _ => null), oauth: null, TimeProvider.System);
    }

    public static IReadOnlyList<string> ProviderNames { get; } = ["claude", "gpt", "local"];

    public FakeAnthropicServer Anthropic { get; }

    public FakeOpenAIServer OpenAI { get; }

    public FakeOpenAIServer Local { get; }

    public ProviderRegistry Registry { get; }

    public static async Task<CheckFixture> StartAsync(CancellationToken cancellationToken, Func<OpenClawConfig, OpenClawConfig>? edit = null)
    {
        var anthropic = await FakeAnthropicServer.StartAsync(cancellationToken);
        anthropic.ExpectedApiKey = AnthropicKey;
        var openai = await FakeOpenAIServer.StartAsync(cancellationToken);
        openai.ExpectedApiKey = OpenAIKey;
        var local = await FakeOpenAIServer.StartAsync(cancellationToken);
        return new CheckFixture(anthropic, openai, local, edit);
    }

    /// <summary>The config with provider <paramref name="name"/> edited.</summary>
    public static OpenClawConfig WithProvider(OpenClawConfig config, string name, Func<ProviderOptions, ProviderOptions> edit) => config with
    {
        Providers = new Dictionary<string, ProviderOptions>(config.Providers, StringComparer.Ordinal) { [name] = edit(config.Providers[name]) },
    };

    public FakeModelServer Server(string provider) => provider switch
    {
        "claude" => Anthropic,
        "gpt" => OpenAI,
        _ => Local,
    };

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        await Anthropic.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Local.DisposeAsync();
    }

    private static ProviderOptions Provider(string name, ProviderType type, Uri baseUrl) => new()
    {
        Name = name,
        Type = type,
        ApiKey = SecretReference.Credential(name),
        BaseUrl = baseUrl.AbsoluteUri,
        Timeouts = new ProviderTimeoutOptions { ConnectSeconds = 5, FirstByteSeconds = 30, StallSeconds = 30 },
    };
}
