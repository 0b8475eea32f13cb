using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Gateway.Auth;

/// <summary>Registers the gateway's authentication services.</summary>
internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway token, password hasher, user store (opened on first resolve), token service and the two
    /// limiters as singletons. Needs Core's services (<c>AddOpenClawCore</c>): CredentialStore, TimeProvider,
    /// StatePaths and OpenClawConfig.
    /// </summary>
    public static IServiceCollection AddGatewayAuth(
        this IServiceCollection services, Func<string, string?>? getEnvironmentVariable = null, AuthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(options ?? new AuthOptions());
        services.TryAddSingleton(sp => new PasswordHasher(sp.GetRequiredService<AuthOptions>().PasswordHash));
        services.TryAddSingleton(sp => new GatewayToken(
            sp.GetRequiredService<CredentialStore>(),
            getEnvironmentVariable ?? Environment.GetEnvironmentVariable,
            sp.GetService<ILogger<GatewayToken>>()));
        services.TryAddSingleton(sp => UserStore.Open(
            UserStore.PathFor(sp.GetRequiredService<StatePaths>()),
            sp.GetRequiredService<PasswordHasher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<UserStore>>()));
        services.TryAddSingleton(sp => new TokenService(
            sp.GetRequiredService<UserStore>(),
            sp.GetRequiredService<PasswordHasher>(),
            sp.GetRequiredService<GatewayToken>(),
            sp.GetRequiredService<CredentialStore>(),
            sp.GetRequiredService<AuthOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<TokenService>>()));
        services.TryAddSingleton(sp => new AuthFailureLimiter(
            sp.GetRequiredService<OpenClawConfig>().Gateway.Limits.AuthFailuresPerMinute,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RequestRateLimiter(
            sp.GetRequiredService<OpenClawConfig>().Gateway.Limits.RequestsPerMinute,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
