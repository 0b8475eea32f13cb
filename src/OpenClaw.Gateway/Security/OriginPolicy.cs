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
    /// Whether the Host header can name this gateway. DNS rebinding needs a host name, so: <c>localhost</c> and IP
    /// literals pass (on a loopback bind only loopback ones), and any other name only when it is the host of an origin
    /// in <c>gateway.cors.allowedOrigins</c> (a gateway behind a name must list that name's origin anyway).
    /// </summary>
    public bool IsHostAllowed(HttpRequest request)
    {
        var host = request.Host.Host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var current = config.Current;

        // Telegram's webhook calls come through whatever public address channels.telegram.webhookUrl names (a tunnel
        // or reverse proxy to this loopback gateway); they carry a secret in the path and a header, not a browser's
        // ambient credentials, so the rebinding defence does not apply to them.
        if (request.Path.StartsWithSegments("/hooks/telegram", StringComparison.Ordinal)
            && Uri.TryCreate(current.Channels.Telegram.WebhookUrl, UriKind.Absolute, out var webhook)
            && string.Equals(webhook.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return !IsLoopbackBind(current.Gateway.Bind) || IPAddress.IsLoopback(address);
        }

        if (host.Length == 0 || IsLoopbackBind(current.Gateway.Bind))
        {
            return false;
        }

        foreach (var allowed in current.Gateway.Cors.AllowedOrigins)
        {
            if (Uri.TryCreate(allowed, UriKind.Absolute, out var origin) && string.Equals(origin.Host, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a bind address is loopback (<c>localhost</c> or a loopback IP).</summary>
    public static bool IsLoopbackBind(string bind) =>
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
