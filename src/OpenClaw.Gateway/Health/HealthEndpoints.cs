using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;

namespace OpenClaw.Gateway.Health;

/// <summary>The unauthenticated liveness route, <c>GET /health</c>.</summary>
internal static class HealthEndpoints
{
    internal static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints, GatewayClock clock)
    {
        endpoints.MapGet("/health", () => TypedResults.Json(
            new HealthResponse("ok", Version, clock.UptimeSeconds),
            GatewayJsonContext.Default.HealthResponse));
        return endpoints;
    }
}

/// <summary>The body of <c>/health</c>, as PROTOCOL.md fixes it.</summary>
internal sealed record HealthResponse(string Status, string Version, long UptimeSeconds);
