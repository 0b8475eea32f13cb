using Microsoft.Extensions.AI;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.OAuth;
using OpenClaw.Core.State;
using OpenClaw.Providers.Registry;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Registry;

/// <summary>
/// A provider configured with <c>oauth</c> instead of a key, wired as the gateway wires it: the access token comes
/// from Core's OAuth manager over the real credential store, is refreshed before it expires, and a 401 makes exactly
/// one forced refresh.
/// </summary>
public sealed class OAuthProviderTests
{
    private static readonly ChatMessage[] s_hello = [new(ChatRole.User, "Hello?")];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_expiring_login_is_refreshed_before_use_and_sent_as_a_bearer_token_never_as_a_key()
    {
        await using var setup = await OAuthSetup.StartAsync(expiresIn: TimeSpan.FromSeconds(10));

        var answer = await setup.Registry.ForModels(["claude/m"]).GetResponseAsync(s_hello, cancellationToken: Ct);

        Assert.Equal("Hello from the fake model.", answer.Text);
        Assert.Equal(1, setup.TokenServer.RequestCount); // refreshed once, before the request
        var headers = setup.Anthropic.Requests.Single().Headers;
        Assert.Equal("Bearer " + setup.TokenServer.LastAccessToken, headers["authorization"]);
        Assert.Contains("oauth-2025-04-20", headers["anthropic-beta"], StringComparison.Ordinal);
        Assert.False(headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public async Task A_refused_access_token_is_refreshed_once_and_then_reported_without_the_token()
    {
        await using var setup = await OAuthSetup.StartAsync(expiresIn: TimeSpan.FromHours(1));
        setup.Anthropic.ExpectedBearerToken = "a-token-nobody-has-0123456789";

        var ex = await Assert.ThrowsAsync<ProviderException>(() => setup.Registry.ForModels(["claude/m"]).GetResponseAsync(s_hello, cancellationToken: Ct));

        Assert.Equal((ProviderFailure.Unauthorized, 401), (ex.Failure, ex.Status));
        Assert.Equal(1, setup.TokenServer.RequestCount);
        Assert.Equal(2, setup.Anthropic.RequestCount);
        Assert.DoesNotContain(OAuthSetup.InitialAccess, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(setup.TokenServer.LastAccessToken!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_whose_login_is_not_stored_says_so()
    {
        await using var setup = await OAuthSetup.StartAsync(expiresIn: null);

        var status = (await setup.Registry.GetStatusAsync(Ct)).Single(s => s.Name == "claude");
        var ex = await Assert.ThrowsAsync<ProviderException>(() => setup.Registry.ForModels(["claude/m"]).GetResponseAsync(s_hello, cancellationToken: Ct));

        Assert.Equal(("oauth", false), (status.Auth, status.HasKey));
        Assert.Contains("claude-oauth", status.Problem, StringComparison.Ordinal);
        Assert.Equal(ProviderFailure.MissingCredential, ex.Failure);
        Assert.Equal(0, setup.Anthropic.RequestCount);
    }

    private sealed class OAuthSetup : IAsyncDisposable
    {
        public const string InitialAccess = "initial-access-token-0001";
        private const string InitialRefresh = "initial-refresh-token-0001";

        private readonly TempDirectory _dir = new();
        private readonly HttpClient _http = new() { Timeout = TestTimeouts.Default };
        private CredentialStore _store = null!;
        private OAuthTokenManager _manager = null!;

        public FakeOAuthTokenServer TokenServer { get; private set; } = null!;

        public FakeAnthropicServer Anthropic { get; private set; } = null!;

        public ProviderRegistry Registry { get; private set; } = null!;

        public static async Task<OAuthSetup> StartAsync(TimeSpan? expiresIn)
        {
            var setup = new OAuthSetup();
            setup.TokenServer = await FakeOAuthTokenServer.StartAsync(Ct);
            setup.TokenServer.AcceptRefreshToken(InitialRefresh);
            setup.Anthropic = await FakeAnthropicServer.StartAsync(Ct);
            setup._store = new CredentialStore(new StatePaths(setup._dir.Path));
            setup._manager = new OAuthTokenManager(setup._store, setup._http, TimeProvider.System);
            if (expiresIn is { } lifetime)
            {
                await setup._manager.SaveTokenAsync(
                    "claude-oauth", new OAuthToken(new Secret(InitialAccess), new Secret(InitialRefresh), DateTimeOffset.UtcNow + lifetime), Ct);
            }

            var config = OpenClawConfig.CreateDefault(new StatePaths(setup._dir.Path)) with
            {
                Providers = new Dictionary<string, ProviderOptions>(StringComparer.Ordinal)
                {
                    ["claude"] = ProviderFixture.Provider("claude", ProviderType.Anthropic, setup.Anthropic.BaseUrl) with
                    {
                        ApiKey = SecretReference.ImplicitCredential("claude"),
                        OAuth = new OAuthOptions { Credential = "claude-oauth", TokenUrl = setup.TokenServer.TokenUrl.AbsoluteUri, ClientId = setup.TokenServer.ClientId },
                    },
                },
            };
            setup.Registry = new ProviderRegistry(() => config, new SecretResolver(setup._store, _ => null), setup._manager, TimeProvider.System);
            return setup;
        }

        public async ValueTask DisposeAsync()
        {
            Registry.Dispose();
            _manager.Dispose();
            _store.Dispose();
            _http.Dispose();
            await Anthropic.DisposeAsync();
            await TokenServer.DisposeAsync();
            _dir.Dispose();
        }
    }
}
