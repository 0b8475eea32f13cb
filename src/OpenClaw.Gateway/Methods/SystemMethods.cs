using System.Diagnostics;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Health;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Providers.Registry;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>system.health</c>, <c>system.version</c>, <c>system.status</c>, <c>system.methods</c>.</summary>
internal sealed class SystemMethods(GatewayClock clock, IEventStore store, LiveConfig config, ProviderRegistry providers, Channels.ChannelRegistry channels) : IRpcMethodGroup
{
    private static readonly VersionResult s_version = new("openclaw", HealthEndpoints.Version);

    private RpcMethodTable? _table;

    public void Register(RpcMethodTable table)
    {
        _table = table;
        table.Add("system.health", MethodRoles.For("system.health"), GatewayJsonContext.Default.HealthResponse,
            (_, _) => ValueTask.FromResult(new HealthResponse("ok", HealthEndpoints.Version, clock.UptimeSeconds)));
        table.Add("system.version", MethodRoles.For("system.version"), GatewayJsonContext.Default.VersionResult,
            (_, _) => ValueTask.FromResult(s_version));
        table.Add("system.methods", MethodRoles.For("system.methods"), GatewayJsonContext.Default.IReadOnlyListRpcMethodInfo,
            (_, _) => ValueTask.FromResult(_table!.Describe()));
        table.Add("system.status", MethodRoles.For("system.status"), GatewayJsonContext.Default.StatusResult, StatusAsync);
    }

    private async ValueTask<StatusResult> StatusAsync(RpcContext context, CancellationToken cancellationToken)
    {
        var stats = await store.GetStatsAsync(cancellationToken);
        var current = config.Current;
        using var process = Process.GetCurrentProcess();
        return new StatusResult(
            clock.UptimeSeconds,
            process.WorkingSet64,
            new SessionCounts(stats.Total, stats.Active),
            [.. current.Agents.Keys.Order(StringComparer.Ordinal)],
            channels.Statuses(current),
            await providers.GetStatusAsync(cancellationToken));
    }
}

/// <summary>The result of <c>system.version</c>.</summary>
internal sealed record VersionResult(string Name, string Version);

/// <summary>Session totals in <c>system.status</c>.</summary>
internal sealed record SessionCounts(long Total, long Active);

/// <summary>The result of <c>system.status</c>.</summary>
internal sealed record StatusResult(
    long UptimeSeconds, long MemoryBytes, SessionCounts Sessions, IReadOnlyList<string> Agents, IReadOnlyList<OpenClaw.Channels.ChannelStatus> Channels, IReadOnlyList<ProviderStatus> Providers);
