using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OpenClaw.Gateway.Hosting;

namespace OpenClaw.Gateway.Security;

/// <summary>
/// Which browsers may talk to the gateway: its own origin and <c>gateway.cors.allowedOrigins</c>. Requests without an
/// Origin header (CLI, scripts) are not browser requests and pass.
/// </summary>
internal sealed class OriginPolicy(LiveConfig config)
{
    /// <summary>Whether a request's Origin (if any) may use the API.</summary>
    public bool IsAllowed(HttpRequest request, out string? origin)
    {
        origin = request.Headers.Origin.Count == 1 ? request.Headers.Origin[0] : null;
        if (request.Headers.Origin.Count == 0)
        {
            return true;
        }

        if (origin is null || !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
        {
            return false; // "null", several origins, or garbage
        }

        if (IsSameOrigin(request, uri))
        {
            return true;
        }

        foreach (var allowed in config.Current.Gateway.Cors.AllowedOrigins)
        {
            if (string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the Host header names this gateway. On a loopback bind only loopback names are accepted, so a web page
    /// whose DNS name was re-bound to 127.0.0.1 cannot pass as the gateway's own origin (DNS rebinding).
    /// </summary>
    public bool IsHostAllowed(HttpRequest request)
    {
        if (!IsLoopbackBind(config.Current.Gateway.Bind))
        {
            return true;
        }

        var host = request.Host.Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    private static bool IsLoopbackBind(string bind) =>
        string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(bind, out var a) && IPAddress.IsLoopback(a));

    private static bool IsSameOrigin(HttpRequest request, Uri origin)
    {
        if (!string.Equals(origin.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase) || !request.Host.HasValue)
        {
            return false;
        }

        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(origin.Host.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase) && origin.Port == port;
    }

    /// <summary>Adds the CORS response headers for an allowed cross-origin caller.</summary>
    public static void AddCorsHeaders(HttpResponse response, string origin)
    {
        response.Headers[HeaderNames.AccessControlAllowOrigin] = origin;
        response.Headers.Append(HeaderNames.Vary, "Origin");
    }
}
