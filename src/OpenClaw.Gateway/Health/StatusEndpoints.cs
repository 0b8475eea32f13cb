using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Health;

/// <summary><c>/health/ready</c>, <c>/metrics</c> and the placeholder page at <c>/</c>.</summary>
internal static class StatusEndpoints
{
    private const string Placeholder = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>OpenClaw gateway</title></head>
        <body><h1>OpenClaw gateway</h1>
        <p>The gateway is running. The dashboard is not part of this build yet; use the <code>openclaw</code> CLI, or JSON-RPC at
        <code>POST /rpc</code> and <code>GET /ws</code>.</p></body></html>
        """;

    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        var readiness = endpoints.ServiceProvider.GetRequiredService<GatewayReadiness>();
        endpoints.MapGet("/health/ready", () => readiness.IsReady
            ? Results.Text("ready", "text/plain")
            : Results.Text("starting", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGet("/metrics", MetricsAsync);
        endpoints.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";
            context.Response.Headers.CacheControl = "no-store";
            return Results.Content(Placeholder, "text/html; charset=utf-8");
        });
        return endpoints;
    }

    private static async Task MetricsAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var config = services.GetRequiredService<LiveConfig>().Current;
        if (!OriginPolicy.IsLoopbackBind(config.Gateway.Bind))
        {
            // Off loopback, metrics need a credential like any other read, checked (and limited) like every other.
            var (principal, _, error) = await services.GetRequiredService<AuthGate>()
                .AuthenticateHeaderAsync(context.Request, ClientAddress.Of(context), context.RequestAborted);
            if (principal is null)
            {
                context.Response.StatusCode = error?.Code == RpcErrorCodes.RateLimited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("Authentication required: send 'Authorization: Bearer <token>'.");
                return;
            }
        }

        var stats = await services.GetRequiredService<IEventStore>().GetStatsAsync(context.RequestAborted);
        using var process = Process.GetCurrentProcess();
        var text = services.GetRequiredService<GatewayMetrics>().Render(
            stats.Active, stats.Total, process.WorkingSet64, services.GetRequiredService<GatewayClock>().UptimeSeconds)
            + GatewayMetrics.AgentGauges(
                services.GetRequiredService<OpenClaw.Agents.Runtime.AgentRuntime>().ActiveRuns,
                services.GetRequiredService<OpenClaw.Agents.Approvals.ApprovalBroker>().List().Count);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(text);
    }
}
