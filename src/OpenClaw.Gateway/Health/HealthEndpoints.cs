using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenClaw.Gateway.Hosting;

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
            HealthJsonContext.Default.HealthResponse));
        return endpoints;
    }
}

/// <summary>The body of <c>/health</c>, as PROTOCOL.md fixes it.</summary>
internal sealed record HealthResponse(string Status, string Version, long UptimeSeconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
