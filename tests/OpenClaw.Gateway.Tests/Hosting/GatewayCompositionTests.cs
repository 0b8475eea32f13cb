using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.OAuth;
using OpenClaw.Core.State;
using OpenClaw.Core.Validation;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Hosting;

public sealed class GatewayCompositionTests
{
    [Fact]
    public async Task BuildAsync_WiresCoreFromTheConfigAndTheStateDirectory()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        await File.WriteAllTextAsync(paths.ConfigFile, """
            {
              gateway: { port: 0, limits: { maxMessageBytes: 4096 } },
              providers: { openai: { apiKey: "${OPENAI_KEY}" } },
            }
            """, TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, string> { ["OPENAI_KEY"] = "sk-from-env" };
        var config = await new ConfigLoader(paths, environment.GetValueOrDefault).LoadAsync(TestContext.Current.CancellationToken);

        await using var app = await GatewayHost.BuildAsync(
            paths, config, getEnvironmentVariable: environment.GetValueOrDefault, cancellationToken: TestContext.Current.CancellationToken);
        var services = app.Services;

        // Limits come from gateway.limits.
        Assert.Equal(4096, services.GetRequiredService<InputValidator>().Limits.MaxMessageBytes);

        // The credential store is the state directory's, and config secrets resolve through it and the environment.
        var credentials = services.GetRequiredService<CredentialStore>();
        await credentials.SetAsync("anthropic", new Secret("sk-stored"), TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Combine(paths.CredentialsDirectory, "anthropic.cred")));
        var resolver = services.GetRequiredService<SecretResolver>();
        var stored = await resolver.ResolveAsync(SecretReference.Credential("anthropic"), TestContext.Current.CancellationToken);
        Assert.Equal("sk-stored", stored.Secret?.Reveal());
        var fromEnv = await resolver.ResolveAsync(config.Providers["openai"].ApiKey, TestContext.Current.CancellationToken);
        Assert.Equal("sk-from-env", fromEnv.Secret?.Reveal());
        Assert.NotNull(services.GetRequiredService<OAuthTokenManager>());

        // The event store is open in state/events.db and durable.
        var store = services.GetRequiredService<IEventStore>();
        var key = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("owner"));
        var appended = await store.AppendAsync(
            new SessionStarted { SessionKey = key },
            TestContext.Current.CancellationToken);
        Assert.True(appended.Seq > 0);
        Assert.True(File.Exists(paths.EventStoreFile));
    }

    [Fact]
    public async Task BuildAsync_GatewayHoldsTheCredentialLock_CliStoreIsRefusedUntilTheGatewayStops()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        await File.WriteAllTextAsync(paths.ConfigFile, "{ gateway: { port: 0 } }", TestContext.Current.CancellationToken);
        var config = await new ConfigLoader(paths, _ => null).LoadAsync(TestContext.Current.CancellationToken);
        var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: _ => null, cancellationToken: TestContext.Current.CancellationToken);

        // What `openclaw credentials ...` does while the gateway runs.
        using (var cli = new CredentialStore(paths))
        {
            var ex = await Assert.ThrowsAsync<OpenClawException>(() => cli.ListAsync(TestContext.Current.CancellationToken));
            Assert.Contains("in use by another OpenClaw process (a running gateway?)", ex.Message, StringComparison.Ordinal);
        }

        await app.DisposeAsync();
        using var after = new CredentialStore(paths);

        // Opens once the gateway is gone, holding what the gateway created on its first run.
        Assert.Equal(["gateway-signing-key", "gateway-token"], await after.ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BuildAsync_OAuthRefreshAnsweredWithARedirect_FailsWithoutFollowingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        await File.WriteAllTextAsync(paths.ConfigFile, "{ gateway: { port: 0 } }", ct);
        var config = await new ConfigLoader(paths, _ => null).LoadAsync(ct);
        await using var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: _ => null, cancellationToken: ct);
        await using var server = await FakeOAuthTokenServer.StartAsync(ct);
        server.AcceptRefreshToken("refresh-1");
        server.EnqueueFailure(FakeOAuthFailure.RedirectToSelf);
        var manager = app.Services.GetRequiredService<OAuthTokenManager>();
        await manager.SaveTokenAsync("login", new OAuthToken(new Secret("access-1"), new Secret("refresh-1"), DateTimeOffset.UnixEpoch, "Bearer", null), ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => manager.GetAccessTokenAsync(
            "login", new OAuthClientOptions { TokenUrl = server.TokenUrl, ClientId = server.ClientId }, ct));

        Assert.Contains("answered with a redirect (HTTP 307)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }
}
