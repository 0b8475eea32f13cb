using Microsoft.AspNetCore.Builder;

namespace OpenClaw.Gateway.Hosting;

/// <summary>Every HTTP response carries <c>X-Request-Id</c>, the id in the log scope of each line written for it.</summary>
internal static class RequestIdMiddleware
{
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
            return next(context);
        });
}
