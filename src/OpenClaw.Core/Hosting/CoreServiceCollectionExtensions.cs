using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.OAuth;
using OpenClaw.Core.State;
using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Hosting;

/// <summary>
/// Registers OpenClaw.Core's services: the loaded config, the credential store, secret resolution, OAuth tokens and
/// input limits. The event store is opened by the host (it is asynchronous and exclusive).
/// </summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds Core for one state directory and its already-validated config. The credential store is a singleton:
    /// one instance owns the state directory's credentials (ARCHITECTURE.md, "One owner of the state directory").
    /// </summary>
    public static IServiceCollection AddOpenClawCore(
        this IServiceCollection services, StatePaths paths, OpenClawConfig config, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(config);
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(paths);
        services.AddSingleton(config);
        services.AddSingleton(sp => new CredentialStore(
            paths,
            CredentialStoreOptions.FromEnvironment(environment),
            sp.GetService<ILogger<CredentialStore>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICredentialReader>(sp => sp.GetRequiredService<CredentialStore>());
        services.AddSingleton(sp => new SecretResolver(sp.GetRequiredService<ICredentialReader>(), environment));
        services.AddSingleton(sp => new OAuthTokenManager(
            sp.GetRequiredService<CredentialStore>(),
            new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),

                // A redirect would carry the refresh token to another address; the manager treats a 3xx as a failure.
                AllowAutoRedirect = false,
            }) { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<OAuthTokenManager>>()));
        services.AddSingleton(InputLimits.From(config.Gateway.Limits));
        services.AddSingleton<InputValidator>();
        return services;
    }
}
