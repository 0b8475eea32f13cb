using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpenClaw.Gateway.Security;

/// <summary>Refuses every request whose Host header cannot name this gateway (DNS rebinding), on every route.</summary>
internal static class HostCheckMiddleware
{
    public static IApplicationBuilder UseHostCheck(this IApplicationBuilder app)
    {
        var origins = app.ApplicationServices.GetRequiredService<OriginPolicy>();
        return app.Use(async (context, next) =>
        {
            if (!origins.IsHostAllowed(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Forbidden: the Host header does not name this gateway.");
                return;
            }

            await next(context);
        });
    }
}
