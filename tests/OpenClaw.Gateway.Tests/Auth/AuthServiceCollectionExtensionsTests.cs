using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Config;
using OpenClaw.Core.Hosting;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Auth;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class AuthServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddGatewayAuth_OverCore_ResolvesWorkingSingletonsWithTheConfiguredLimits()
    {
        using var directory = new TempDirectory();
        var config = new OpenClawConfig
        {
            Agents = new Dictionary<string, AgentOptions>(),
            Gateway = new GatewayOptions { Limits = new GatewayLimitsOptions { AuthFailuresPerMinute = 7, RequestsPerMinute = 120 } },
        };
        var environment = new Dictionary<string, string> { [GatewayToken.EnvironmentVariable] = "env-token-for-the-test" };
        var services = new ServiceCollection()
            .AddOpenClawCore(new StatePaths(directory.Path), config, name => environment.GetValueOrDefault(name))
            .AddGatewayAuth(name => environment.GetValueOrDefault(name), new AuthOptions { PasswordHash = AuthHarness.FastHash });
        await using var provider = services.BuildServiceProvider();

        var tokens = provider.GetRequiredService<TokenService>();

        Assert.Same(Principal.GatewayToken, await tokens.AuthenticateAsync("env-token-for-the-test", TestContext.Current.CancellationToken));
        Assert.Same(tokens, provider.GetRequiredService<TokenService>());
        Assert.Equal(7, provider.GetRequiredService<AuthFailureLimiter>().Limit);
        Assert.Equal(120, provider.GetRequiredService<RequestRateLimiter>().Limit);
        Assert.True(File.Exists(Path.Combine(directory.Path, "state", "auth.db")));
    }
}
