using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace OpenClaw.Gateway.Dashboard;

/// <summary>Serves the dashboard at <c>/</c>: its files, and <c>index.html</c> for every client-side route.</summary>
internal static class DashboardEndpoints
{
    /// <summary>The policy on every dashboard response (docs/dashboard.md, "Content-Security-Policy").</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Hashed build output never changes under its name.</summary>
    public const string ImmutableCaching = "public, max-age=31536000, immutable";

    private const string NoDashboardPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>OpenClaw gateway</title></head>
        <body><h1>OpenClaw gateway</h1>
        <p>The gateway is running, but this build does not include the dashboard (it was built with
        <code>-p:DashboardBuild=false</code>). Use the <code>openclaw</code> CLI, or JSON-RPC at <code>POST /rpc</code> and
        <code>GET /ws</code>.</p></body></html>
        """;

    // Paths other endpoints own: an unknown path under them is a 404 there, never the dashboard's page.
    private static readonly string[] s_reserved = ["/rpc", "/ws", "/health", "/metrics", "/hooks", "/assets"];

    /// <summary>Registers the dashboard's store (read once, now) and maps it after every other endpoint.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) =>
        services.AddSingleton(_ => DashboardAssets.FromEmbeddedResources());

    /// <summary>Maps <c>GET</c>/<c>HEAD</c> for every path, tried after every other endpoint.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var assets = endpoints.ServiceProvider.GetRequiredService<DashboardAssets>();
        endpoints.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], context => ServeAsync(context, assets))
            .Add(builder => ((RouteEndpointBuilder)builder).Order = int.MaxValue);
        return endpoints;
    }

    /// <summary>Answers one request from <paramref name="assets"/>.</summary>
    internal static Task ServeAsync(HttpContext context, DashboardAssets assets)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        var path = context.Request.Path.Value ?? "/";
        if (assets.Find(path) is { } file && file != assets.Index)
        {
            // Vite names everything under /assets after its content; anything else (favicon.svg) may change in place.
            headers.CacheControl = path.StartsWith("/assets/", StringComparison.Ordinal) ? ImmutableCaching : "no-cache";
            return WriteAsync(context, file);
        }

        if (IsReserved(path) || (LooksLikeAFile(path) && path != "/index.html"))
        {
            headers.CacheControl = "no-store";
            response.StatusCode = StatusCodes.Status404NotFound;
            return response.WriteAsync("Not found.", context.RequestAborted);
        }

        headers.CacheControl = "no-store";
        if (assets.Index is not { } index)
        {
            response.ContentType = "text/html; charset=utf-8";
            return response.WriteAsync(NoDashboardPage, context.RequestAborted);
        }

        return WriteAsync(context, index);
    }

    // A missing file is 404, not the app: a last segment with an extension. Session keys (agent:…:peer.name:id) hold
    // dots too but always colons, so a dotted peer id still deep-links into the app.
    private static bool LooksLikeAFile(string path)
    {
        var last = path[(path.LastIndexOf('/') + 1)..];
        return !last.Contains(':', StringComparison.Ordinal) && Path.HasExtension(last);
    }

    private static bool IsReserved(string path)
    {
        foreach (var prefix in s_reserved)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    private static Task WriteAsync(HttpContext context, DashboardAsset file)
    {
        var request = context.Request;
        var response = context.Response;
        response.ContentType = file.ContentType;
        response.Headers.ETag = file.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;

        if (IfNoneMatch(request, file.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var body = file.Content;
        var accepted = request.Headers.AcceptEncoding.ToString();
        if (Accepts(accepted, "br") && file.Brotli is { } brotli)
        {
            body = brotli;
            response.Headers.ContentEncoding = "br";
        }
        else if (Accepts(accepted, "gzip") && file.Gzip is { } gzip)
        {
            body = gzip;
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static bool IfNoneMatch(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (candidate == "*" || candidate == etag || candidate == "W/" + etag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // An encoding counts as accepted when listed without q=0 (the browsers' lists are simple; no ranking needed).
    private static bool Accepts(string acceptEncoding, string coding)
    {
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split(';', 2)[0].Trim();
            if (string.Equals(name, coding, StringComparison.OrdinalIgnoreCase))
            {
                var q = part.Contains(';', StringComparison.Ordinal) ? part[(part.IndexOf(';', StringComparison.Ordinal) + 1)..].Replace(" ", "", StringComparison.Ordinal) : "";
                return q is not ("q=0" or "q=0.0" or "q=0.00" or "q=0.000");
            }
        }

        return false;
    }
}
