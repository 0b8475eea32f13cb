using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Hosting;
using OpenClaw.Core.OAuth;
using OpenClaw.Providers.Registry;
using OpenClaw.Core.State;
using Microsoft.Extensions.Hosting;
using OpenClaw.Gateway.Events;
using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Channels;
using OpenClaw.Gateway.Chat;
using OpenClaw.Gateway.Dashboard;
using OpenClaw.Gateway.Health;
using OpenClaw.Gateway.Methods;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Gateway.Security;

namespace OpenClaw.Gateway.Hosting;

/// <summary>Builds and runs the gateway web application from a state directory and its validated config.</summary>
public static partial class GatewayHost
{
    /// <summary>
    /// Opens the event store (exclusively: one gateway owns a state directory) and builds the gateway; call
    /// <c>StartAsync</c> or <c>RunAsync</c> on the result. Disposing the app closes the store.
    /// </summary>
    /// <exception cref="OpenClawException">
    /// The bind address is neither an IP address nor "localhost", or the store is damaged, newer than this build, or owned by another process.
    /// </exception>
    public static async Task<WebApplication> BuildAsync(
        StatePaths paths,
        OpenClawConfig config,
        TimeProvider? time = null,
        Func<string, string?>? getEnvironmentVariable = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(config);
        time ??= TimeProvider.System;
        var address = ListenAddress(config.Gateway.Bind);

        // Opening the store first also creates the state directory (private), which is the host's content root.
        var store = await SqliteEventStore.OpenAsync(EventStoreOptions.For(paths), time, logger: null, cancellationToken);

        // The gateway is configured by openclaw.json alone. The content root is the state directory, not the working
        // directory: the host would otherwise watch the working directory recursively for appsettings.json changes
        // (hundreds of milliseconds and thousands of inotify watches when started from a big tree), and a stray
        // appsettings.json or ASPNETCORE_* variable could silently change what Kestrel and logging do.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = paths.Root,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        if (config.Logging.Format == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true; // the hosting scope carries the request id of each HTTP request
            });
        }

        // The same lines (and filters) also go to <state>/logs/openclaw-YYYYMMDD.log for `openclaw logs`; created by the
        // container so that it is disposed, and its queue written out, when the app is.
        builder.Services.AddSingleton<ILoggerProvider>(_ => new GatewayFileLoggerProvider(paths.LogsDirectory, time));

        // logging.level applies live: the filter reads the config in force on every check (a volatile read).
        LiveConfig? live = null;
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter((_, level) => level >= (live?.Current.Logging.Level ?? config.Logging.Level));

        // Per-request framework chatter is noise at info; our own categories follow logging.level.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Kestrel logs each client that drops a connection mid-body as a warning with a stack trace; anyone could fill
        // the log with those. Its errors still get through.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);

        // A failed start (port in use) is reported once, clearly, by the caller; the host's own error log of it is a
        // stack trace. Critical still gets through (a background service stopping the host).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, config.Gateway.Port);

            // A personal gateway serves a handful of clients: these bounds keep a flood of idle or half-open
            // connections from using the machine's memory (each WebSocket costs about 30 KB even when idle).
            k.Limits.MaxConcurrentConnections = MaxConnections;
            k.Limits.MaxConcurrentUpgradedConnections = MaxWebSockets;
        });
        builder.Services.AddSingleton(time);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(config.Gateway.Limits.ShutdownTimeoutSeconds));
        builder.Services.AddOpenClawCore(paths, config, getEnvironmentVariable);
        // The monitor compares edits with the file as it was at start, not with the command line's --bind/--port (which
        // LiveConfig keeps in force): otherwise the first edit would report the overridden keys as changed.
        var fileBaseline = await LoadFileBaselineAsync(paths, config, getEnvironmentVariable, cancellationToken);
        builder.Services.AddSingleton(sp => new ConfigMonitor(
            new ConfigLoader(paths, getEnvironmentVariable), fileBaseline, time, sp.GetService<ILogger<ConfigMonitor>>()));
        builder.Services.AddConfigReload(getEnvironmentVariable: getEnvironmentVariable);
        builder.Services.AddSingleton(sp => new LiveConfig(sp.GetRequiredService<ConfigMonitor>(), config));
        builder.Services.AddSingleton<GatewayClock>();
        builder.Services.AddSingleton<GatewayReadiness>();
        builder.Services.AddSingleton<StartupReport>();
        builder.Services.AddGatewayAuth(getEnvironmentVariable);
        builder.Services.AddSingleton<AuthGate>();
        builder.Services.AddSingleton<IRpcMethodGroup, AuthMethods>();
        builder.Services.AddGatewayRpc();
        builder.Services.AddSingleton<IRpcMethodGroup, SystemMethods>();
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddSingleton<IRpcMethodGroup, SessionsMethods>();
        builder.Services.AddSingleton<IRpcMethodGroup, EventsMethods>();
        builder.Services.AddSingleton<IRpcMethodGroup, ConfigMethods>();
        builder.Services.AddSingleton(sp =>
        {
            // Resolved once: a run still finishing while the container is disposed must not ask the container again.
            var liveConfig = sp.GetRequiredService<LiveConfig>();
            return new ProviderRegistry(
                () => liveConfig.Current,
                sp.GetRequiredService<SecretResolver>(),
                sp.GetRequiredService<OAuthTokenManager>(),
                time,
                sp.GetService<ILoggerFactory>());
        });
        builder.Services.AddSingleton<IRpcMethodGroup, ProvidersMethods>();
        builder.Services.AddAgents(config);
        builder.Services.AddChannels(paths, config);
        builder.Services.AddDashboard();
        configureServices?.Invoke(builder.Services);

        // Registered through a factory so the container owns it and closes it (and its lock) when the app is disposed.
        // Every feature gets the notifying wrapper, so each stored event is pushed to subscribers whoever appended it.
        builder.Services.AddSingleton<IEventStore>(sp => new NotifyingEventStore(store, sp.GetRequiredService<EventHub>()));

        WebApplication app;
        try
        {
            app = builder.Build();

            // Resolve now: the container disposes only what it created, so the store must be created through it.
            _ = app.Services.GetRequiredService<IEventStore>();
            live = app.Services.GetRequiredService<LiveConfig>();
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        try
        {
            // The gateway owns the credential store for its lifetime: a CLI command can't rotate keys underneath it.
            await app.Services.GetRequiredService<CredentialStore>().OpenAsync(cancellationToken);

            // The gateway token (created on first run), the token-signing key and the user store (owned exclusively).
            var tokenSource = await app.Services.GetRequiredService<GatewayToken>().EnsureAsync(cancellationToken);
            app.Services.GetRequiredService<StartupReport>().TokenSource = tokenSource;

            // Not a secret: tells `openclaw gateway token` (which reads the store while this gateway runs) whether the
            // stored token is the one in force. Removed at stop; a stale one is ignored when no gateway holds the store.
            var sourceMarker = TokenSourceMarker(paths);
            await File.WriteAllTextAsync(sourceMarker, tokenSource == GatewayTokenSource.Environment ? "environment" : "stored", cancellationToken);
            app.Lifetime.ApplicationStopped.Register(() => File.Delete(sourceMarker));
            await app.Services.GetRequiredService<TokenService>().InitializeAsync(cancellationToken);
            _ = app.Services.GetRequiredService<UserStore>();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        app.UseRequestId();
        app.UseHostCheck();
        app.UseWebSockets();
        app.MapHealth(app.Services.GetRequiredService<GatewayClock>());
        app.MapStatus();
        app.MapJsonRpc();
        app.MapChannelHooks();
        app.MapDashboard();
        var readiness = app.Services.GetRequiredService<GatewayReadiness>();
        app.Lifetime.ApplicationStarted.Register(readiness.MarkReady);

        // Start-up allocates a few megabytes that are garbage once the gateway is up (config parsing, schema creation,
        // DI graph building). Collect them once and give the pages back, so a gateway that sits idle stays small.
        app.Lifetime.ApplicationStarted.Register(() => ThreadPool.UnsafeQueueUserWorkItem(
            static _ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true), null));
        StartWatchingConfig(app);
        WriteRunFileOnStart(app, paths, time);
        app.Lifetime.ApplicationStarted.Register(() => _ = ReportProvidersAsync(app));
        app.Lifetime.ApplicationStarted.Register(() => _ = RecoverSessionsAsync(app));

        // Runs end first when the gateway stops, while the channels are still open to tell their chats.
        app.Lifetime.ApplicationStopping.Register(app.Services.GetRequiredService<AgentRuntime>().AbortAll);
        return app;
    }

    // Once the gateway listens, checks every provider's key and warns about each provider an agent uses whose key is
    // missing, with the command that stores it. A provider's HTTP stack is built on its first use, so a gateway that
    // has not called a model yet stays small.
    private static async Task ReportProvidersAsync(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenClaw.Gateway.Providers");
        try
        {
            var config = app.Services.GetRequiredService<LiveConfig>().Current;
            var used = config.Agents.Values
                .SelectMany(a => a.Fallbacks.Prepend(a.Model))
                .Select(m => ModelReference.Parse(m).Provider)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var agent in config.Agents.Values.Where(a => a.Sandbox.Level == SandboxLevel.None).OrderBy(a => a.Id, StringComparer.Ordinal))
            {
                LogUnsandboxed(logger, agent.Id);
            }

            var registry = app.Services.GetRequiredService<ProviderRegistry>();
            foreach (var status in await registry.GetStatusAsync(app.Lifetime.ApplicationStopping))
            {
                if (status.Problem is { } problem && used.Contains(status.Name))
                {
                    LogProviderUnusable(logger, status.Name, problem);
                }
            }
        }
        catch (Exception ex) when (ex is OpenClawException or OperationCanceledException or ObjectDisposedException)
        {
            LogProviderReportFailed(logger, ex.GetType().Name);
        }
    }

    // Tool calls a stopped gateway left without a result get a failed one, so every session's next turn is valid.
    private static async Task RecoverSessionsAsync(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenClaw.Gateway.Agents");
        try
        {
            // Without an active session there is nothing to repair, and the runtime (tool schemas, sandbox probes) is
            // only built when a first chat or tool call needs it, keeping an idle gateway small.
            var stats = await app.Services.GetRequiredService<IEventStore>().GetStatsAsync(app.Lifetime.ApplicationStopping);
            if (stats.Active == 0)
            {
                return;
            }

            var repaired = await app.Services.GetRequiredService<AgentRuntime>().RecoverAsync(app.Lifetime.ApplicationStopping);
            if (repaired > 0)
            {
                LogRecovered(logger, repaired);
            }
        }
        catch (Exception ex) when (ex is OpenClawException or OperationCanceledException or ObjectDisposedException)
        {
            LogRecoveryFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning, Message = "{Count} tool calls interrupted by the last stop were recorded as failed")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "Repairing sessions interrupted by the last stop failed ({Error})")]
    private static partial void LogRecoveryFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1044, Level = LogLevel.Warning, Message = "Agent {Agent} runs tools WITHOUT isolation (agents.{Agent}.sandbox.level is \"none\"): its commands can read and change everything this user can")]
    private static partial void LogUnsandboxed(ILogger logger, string agent);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Provider {Provider} cannot be used yet: {Problem}")]
    private static partial void LogProviderUnusable(ILogger logger, string provider, string problem);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Warning, Message = "Checking the providers at start-up failed ({Error})")]
    private static partial void LogProviderReportFailed(ILogger logger, string error);

    private static async Task<OpenClawConfig> LoadFileBaselineAsync(
        StatePaths paths, OpenClawConfig config, Func<string, string?>? environment, CancellationToken cancellationToken)
    {
        try
        {
            var file = await new ConfigLoader(paths, environment).LoadAsync(cancellationToken);
            return config with { Gateway = config.Gateway with { Bind = file.Gateway.Bind, Port = file.Gateway.Port } };
        }
        catch (ConfigException)
        {
            return config; // changed since the caller read it: the monitor reports the difference when it reloads
        }
    }

    // Edits of the config file apply live. Without a watch (its folder does not exist, or the system refuses one) the
    // gateway still runs; config.set applies its own writes either way.
    private static void StartWatchingConfig(WebApplication app)
    {
        // Subscribers of the "system" topic hear about every applied edit (key paths only, never values).
        var hub = app.Services.GetRequiredService<EventHub>();
        var monitor = app.Services.GetRequiredService<ConfigMonitor>();
        var subscription = monitor.OnChange(change => hub.Publish(EventHub.SystemTopic, "config_changed", writer =>
        {
            writer.WriteStartArray("changedKeys"u8);
            foreach (var key in change.ChangedKeys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("restartRequiredKeys"u8);
            foreach (var key in change.RestartRequiredKeys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }));
        app.Lifetime.ApplicationStopping.Register(subscription.Dispose);
        try
        {
            monitor.Start();
        }
        catch (OpenClawException ex)
        {
            LogNoConfigWatch(app.Logger, ex.Message);
        }
    }

    // Once listening, the gateway says where (the address actually bound, which matters with port 0), as whom and since
    // when, for `openclaw gateway status` and `stop`; removed at stop. A failure to write it must not stop the gateway.
    private static void WriteRunFileOnStart(WebApplication app, StatePaths paths, TimeProvider time)
    {
        var runFile = GatewayRunFile.PathFor(paths);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            try
            {
                var address = Addresses(app).FirstOrDefault() ?? string.Empty;
                GatewayRunFile.Write(runFile, new GatewayRunInfo(Environment.ProcessId, address, Health.HealthEndpoints.Version, time.GetUtcNow()));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogNoRunFile(app.Logger, runFile, ex.Message);
            }
        });
        app.Lifetime.ApplicationStopped.Register(() => GatewayRunFile.DeleteIfOwn(runFile, Environment.ProcessId));
    }

    [LoggerMessage(EventId = 1045, Level = LogLevel.Warning, Message = "Cannot write the run file {Path} ({Error}): `openclaw gateway status` will not see this gateway")]
    private static partial void LogNoRunFile(ILogger logger, string path, string error);

    // "localhost" is accepted by validation and means loopback: listen on 127.0.0.1, as users expect.
    private static IPAddress ListenAddress(string bind)
    {
        if (string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(bind, out var address)
            ? address
            : throw new OpenClawException(
                $"gateway.bind '{bind}' is not an IP address; use 127.0.0.1 (the default), \"localhost\" or another literal address.");
    }

    /// <summary>The file in which a running gateway says where its token comes from (<c>environment</c> or <c>stored</c>).</summary>
    public static string TokenSourceMarker(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(Path.GetDirectoryName(paths.EventStoreFile)!, "gateway-token-source");
    }

    /// <summary>The most TCP connections the gateway holds at once.</summary>
    public const int MaxConnections = 4096;

    /// <summary>The most WebSockets the gateway holds at once.</summary>
    public const int MaxWebSockets = 1024;

    /// <summary>One line saying where the gateway token in force comes from (never the token itself).</summary>
    public static string TokenNotice(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<StartupReport>().TokenSource switch
        {
            GatewayTokenSource.Environment => "gateway token: from OPENCLAW_GATEWAY_TOKEN",
            GatewayTokenSource.Created => "gateway token: created and stored in the credential store; print it with `openclaw gateway token`",
            _ => "gateway token: in the credential store; print it with `openclaw gateway token`",
        };
    }

    /// <summary>The addresses the running gateway listens on (useful with port 0).</summary>
    public static IReadOnlyCollection<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Config edits will not apply live: {Reason}")]
    private static partial void LogNoConfigWatch(ILogger logger, string reason);
}
