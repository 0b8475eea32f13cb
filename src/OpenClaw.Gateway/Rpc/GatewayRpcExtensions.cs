using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Agents.Runtime;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Providers;

namespace OpenClaw.Gateway.Rpc;

/// <summary>Registers the JSON-RPC dispatcher and its transports, and maps <c>/rpc</c> and <c>/ws</c>.</summary>
internal static class GatewayRpcExtensions
{
    public static IServiceCollection AddGatewayRpc(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<GatewayCallHooks>();
        services.AddSingleton<HttpRpcEndpoint>();
        services.AddSingleton<WebSocketRpcEndpoint>();
        services.AddSingleton(sp =>
        {
            var table = new RpcMethodTable();
            foreach (var group in sp.GetServices<IRpcMethodGroup>())
            {
                group.Register(table);
            }

            var config = sp.GetRequiredService<LiveConfig>();
            return new RpcDispatcher(table, new RpcDispatcherOptions
            {
                MaxBatch = () => config.Current.Gateway.Limits.MaxBatch,
                MaxJsonDepth = () => config.Current.Gateway.Limits.MaxJsonDepth,
                Hooks = sp.GetRequiredService<GatewayCallHooks>(),
                MapException = MapException,
                Services = sp,
            }, sp.GetService<ILogger<RpcDispatcher>>());
        });
        return services;
    }

    public static IEndpointRouteBuilder MapJsonRpc(this IEndpointRouteBuilder endpoints)
    {
        var http = endpoints.ServiceProvider.GetRequiredService<HttpRpcEndpoint>();
        var ws = endpoints.ServiceProvider.GetRequiredService<WebSocketRpcEndpoint>();
        endpoints.MapMethods("/rpc", ["POST", "OPTIONS"], http.HandleAsync);
        endpoints.Map("/ws", ws.HandleAsync);
        return endpoints;
    }

    // The store's expected failures, as the protocol's codes. Anything not listed falls to the dispatcher's default.
    private static RpcError? MapException(Exception exception) => exception switch
    {
        EventStoreException { Kind: EventStoreErrorKind.NotFound } e => new RpcError(RpcErrorCodes.NotFound, e.Message),
        EventStoreException { Kind: EventStoreErrorKind.Conflict } e => new RpcError(RpcErrorCodes.Conflict, e.Message),
        EventStoreException { Kind: EventStoreErrorKind.Invalid } e => new RpcError(RpcErrorCodes.InvalidParams, e.Message),
        AuthException e => e.Kind switch
        {
            AuthErrorKind.Unauthenticated => new RpcError(RpcErrorCodes.Unauthenticated, e.Message),
            AuthErrorKind.Forbidden => new RpcError(RpcErrorCodes.Forbidden, e.Message),
            AuthErrorKind.NotFound => new RpcError(RpcErrorCodes.NotFound, e.Message),
            AuthErrorKind.Conflict => new RpcError(RpcErrorCodes.Conflict, e.Message),
            AuthErrorKind.RateLimited => RpcError.RateLimited(e.RetryAfter ?? TimeSpan.FromSeconds(1), e.Message),
            _ => new RpcError(RpcErrorCodes.InvalidParams, e.Message, e.Field is null ? null : new JsonObject { ["field"] = e.Field }),
        },
        ProviderException e => new RpcError(RpcErrorCodes.ProviderFailure, e.Message, new JsonObject
        {
            ["provider"] = e.Provider,
            ["status"] = e.Status,
            ["failure"] = FailureName(e.Failure),
            ["retryAfterSeconds"] = e.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null,
        }),
        AgentException e => e.Kind switch
        {
            AgentErrorKind.NotFound => new RpcError(RpcErrorCodes.NotFound, e.Message),
            AgentErrorKind.Conflict => new RpcError(RpcErrorCodes.Conflict, e.Message),
            AgentErrorKind.Forbidden => new RpcError(RpcErrorCodes.Forbidden, e.Message),
            _ => new RpcError(RpcErrorCodes.InvalidParams, e.Message, e.Field is null ? null : new JsonObject { ["field"] = e.Field }),
        },
        SandboxUnavailableException e => new RpcError(RpcErrorCodes.SandboxUnavailable, e.Message),
        _ => null,
    };

    // The failure kind as a stable lower-camel word (data.failure), e.g. "rateLimited", "circuitOpen".
    private static string FailureName(ProviderFailure failure)
    {
        var name = failure.ToString();
        return string.Concat(name[..1].ToLowerInvariant(), name[1..]);
    }
}
