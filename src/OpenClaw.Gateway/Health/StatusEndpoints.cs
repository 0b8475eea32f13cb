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

/// <summary><c>/health/ready</c> and <c>/metrics</c> (the dashboard at <c>/</c> is in Dashboard/).</summary>
internal static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        var readiness = endpoints.ServiceProvider.GetRequiredService<GatewayReadiness>();
        endpoints.MapGet("/health/ready", () => readiness.IsReady
            ? Results.Text("ready", "text/plain")
            : Results.Text("starting", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGet("/metrics", MetricsAsync);
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
