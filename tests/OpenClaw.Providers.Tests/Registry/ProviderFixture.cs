using OpenClaw.Core.Config;
using OpenClaw.Providers.Registry;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Registry;

/// <summary>
/// The three wire formats behind one registry built from config, as the gateway builds it: "claude" (Anthropic fake),
/// "gpt" (OpenAI fake, with a key) and "local" (OpenAI fake without a key, type openai-compatible).
/// </summary>
internal sealed class ProviderFixture : IAsyncDisposable
{
    public const string AnthropicKey = "sk-ant-test-key-0123456789";
    public const string OpenAIKey = "sk-openai-test-key-0123456789";

    private ProviderFixture(FakeAnthropicServer anthropic, FakeOpenAIServer openai, FakeOpenAIServer local, Func<OpenClawConfig, OpenClawConfig>? edit, TimeProvider? time)
    {
        Anthropic = anthropic;
        OpenAI = openai;
        Local = local;
        Credentials = new FakeCredentialReader().With("claude", AnthropicKey).With("gpt", OpenAIKey);
        var config = OpenClawConfig.CreateDefault(new OpenClaw.Core.State.StatePaths(Path.GetTempPath())) with
        {
            Providers = new Dictionary<string, ProviderOptions>(StringComparer.Ordinal)
            {
                ["claude"] = Provider("claude", ProviderType.Anthropic, anthropic.BaseUrl),
                ["gpt"] = Provider("gpt", ProviderType.OpenAI, openai.BaseUrl),
                ["local"] = Provider("local", ProviderType.OpenAICompatible, local.BaseUrl) with { ApiKey = SecretReference.ImplicitCredential("local") },
            },
        };
        Config = edit is null ? config : edit(config);
        Registry = new ProviderRegistry(() => Config, new SecretResolver(Credentials, _ => null), oauth: null, time ?? TimeProvider.System);
    }

    public FakeAnthropicServer Anthropic { get; }

    public FakeOpenAIServer OpenAI { get; }

    public FakeOpenAIServer Local { get; }

    public FakeCredentialReader Credentials { get; }

    public OpenClawConfig Config { get; set; }

    public ProviderRegistry Registry { get; }

    public static async Task<ProviderFixture> StartAsync(Func<OpenClawConfig, OpenClawConfig>? edit = null, TimeProvider? time = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var anthropic = await FakeAnthropicServer.StartAsync(ct);
        anthropic.ExpectedApiKey = AnthropicKey;
        var openai = await FakeOpenAIServer.StartAsync(ct);
        openai.ExpectedApiKey = OpenAIKey;
        var local = await FakeOpenAIServer.StartAsync(ct);
        return new ProviderFixture(anthropic, openai, local, edit, time);
    }

    public FakeModelServer Server(string provider) => provider switch
    {
        "claude" => Anthropic,
        "gpt" => OpenAI,
        _ => Local,
    };

    public static ProviderOptions Provider(string name, ProviderType type, Uri baseUrl) => new()
    {
        Name = name,
        Type = type,
        ApiKey = SecretReference.Credential(name),
        BaseUrl = baseUrl.AbsoluteUri,
        Timeouts = new ProviderTimeoutOptions { ConnectSeconds = 5, FirstByteSeconds = 30, StallSeconds = 30 },
    };

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        await Anthropic.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Local.DisposeAsync();
    }
}
