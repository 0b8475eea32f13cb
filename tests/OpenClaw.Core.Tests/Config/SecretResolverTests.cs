using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Config;

public sealed class SecretResolverTests
{
    private static SecretReference ApiKey(string text) =>
        TestConfig.Valid($"{{ providers: {{ openai: {{ apiKey: '{text}' }} }} }}").Providers["openai"].ApiKey;

    [Fact]
    public async Task ResolveAsync_StoredCredential_GivesTheSecret()
    {
        var credentials = new FakeCredentialReader().With("openai", "sk-test");
        var resolver = new SecretResolver(credentials, _ => null);

        var result = await resolver.ResolveAsync(ApiKey("cred:openai"), TestContext.Current.CancellationToken);

        Assert.True(result.IsResolved);
        Assert.Equal("sk-test", result.Secret!.Reveal());
        Assert.Equal(["openai"], credentials.Requests);
    }

    [Fact]
    public async Task ResolveAsync_ImplicitCredential_UsesTheProviderName()
    {
        var config = TestConfig.Valid("{ providers: { ollama: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } } }");
        var resolver = new SecretResolver(new FakeCredentialReader().With("ollama", "local"), _ => null);

        var result = await resolver.ResolveAsync(config.Providers["ollama"].ApiKey, TestContext.Current.CancellationToken);

        Assert.Equal("local", result.Secret!.Reveal());
    }

    [Fact]
    public async Task ResolveAsync_MissingCredential_SaysWhichCommandSetsIt()
    {
        var resolver = new SecretResolver(new FakeCredentialReader(), _ => null);

        var result = await resolver.ResolveAsync(TestConfig.Valid("{}").Providers["anthropic"].ApiKey, TestContext.Current.CancellationToken);

        Assert.False(result.IsResolved);
        Assert.Equal("credential 'anthropic' is not stored; run `openclaw credentials set anthropic`.", result.Message);
    }

    [Fact]
    public async Task ResolveAsync_EnvironmentVariable_IsReadWhenUsedNotWhenLoaded()
    {
        var environment = new Dictionary<string, string>();
        var reference = ApiKey("${OPENAI_API_KEY}");
        var resolver = new SecretResolver(new FakeCredentialReader(), name => environment.GetValueOrDefault(name));

        var before = await resolver.ResolveAsync(reference, TestContext.Current.CancellationToken);
        environment["OPENAI_API_KEY"] = "sk-env";
        var after = await resolver.ResolveAsync(reference, TestContext.Current.CancellationToken);

        Assert.Equal("environment variable OPENAI_API_KEY is not set", before.Problem);
        Assert.StartsWith("set the environment variable OPENAI_API_KEY", before.Fix, StringComparison.Ordinal);
        Assert.Equal("sk-env", after.Secret!.Reveal());
    }

    [Fact]
    public async Task ResolveAsync_TemplateWithTextAround_SubstitutesEveryVariable()
    {
        var resolver = new SecretResolver(new FakeCredentialReader(), name => name switch { "USER" => "bob", "PASS" => "pw", _ => null });

        var result = await resolver.ResolveAsync(ApiKey("${USER}:${PASS}"), TestContext.Current.CancellationToken);

        Assert.Equal("bob:pw", result.Secret!.Reveal());
    }

    [Fact]
    public async Task ResolveAsync_EmptyVariable_CountsAsMissing()
    {
        var resolver = new SecretResolver(new FakeCredentialReader(), _ => "");

        var result = await resolver.ResolveAsync(ApiKey("${OPENAI_API_KEY}"), TestContext.Current.CancellationToken);

        Assert.False(result.IsResolved);
    }

    [Fact]
    public async Task ResolveAsync_Literal_GivesItWithEscapesUndone()
    {
        var resolver = new SecretResolver(new FakeCredentialReader(), _ => null);

        var result = await resolver.ResolveAsync(ApiKey("sk-$${not-a-var}"), TestContext.Current.CancellationToken);

        Assert.Equal("sk-${not-a-var}", result.Secret!.Reveal());
    }

    [Fact]
    public void EnumerateSecrets_ListsEverySecretWithItsPath()
    {
        var config = TestConfig.Valid("{ providers: { anthropic: { oauth: { tokenUrl: 'https://a.example/t', clientId: 'c' } }, openai: { apiKey: 'sk-literal' } }, channels: { telegram: { mode: 'webhook', webhookUrl: 'https://h.example/tg' } } }");

        var secrets = config.EnumerateSecrets().ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(["channels.telegram.botToken", "channels.telegram.webhookSecret", "providers.anthropic.oauth.credential", "providers.openai.apiKey"], secrets.Keys.Order());
        Assert.Equal("cred:anthropic-oauth", secrets["providers.anthropic.oauth.credential"].ToString());
        Assert.True(secrets["providers.openai.apiKey"].IsLiteral);
        Assert.Equal("cred:telegram-webhook", secrets["channels.telegram.webhookSecret"].ToString());
    }
}
