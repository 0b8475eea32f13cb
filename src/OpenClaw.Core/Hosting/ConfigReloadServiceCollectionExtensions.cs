using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Hosting;

/// <summary>Registers live config reload: one <see cref="ConfigMonitor"/> for the state directory's config file.</summary>
public static class ConfigReloadServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ConfigMonitor"/> (and a <see cref="ConfigLoader"/> when none is registered), starting from the
    /// registered <see cref="OpenClawConfig"/>; call after <see cref="CoreServiceCollectionExtensions.AddOpenClawCore"/>.
    /// The host calls <see cref="ConfigMonitor.Start"/> once it is up; the container disposes the monitor.
    /// </summary>
    public static IServiceCollection AddConfigReload(
        this IServiceCollection services, Action<ConfigMonitorOptions>? configure = null, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ConfigMonitorOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ConfigLoader(sp.GetRequiredService<StatePaths>(), getEnvironmentVariable));
        services.TryAddSingleton(sp => new ConfigMonitor(
            sp.GetRequiredService<ConfigLoader>(),
            sp.GetRequiredService<OpenClawConfig>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ConfigMonitor>>(),
            options));
        return services;
    }
}
