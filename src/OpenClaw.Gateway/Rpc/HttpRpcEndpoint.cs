using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// <c>POST /rpc</c>: one JSON-RPC message (request, notification or batch) per HTTP request. Always 200 with a JSON-RPC
/// body, except 204 when nothing is to be answered, and 401/413/415/429 (each with a JSON-RPC error body too).
/// </summary>
internal sealed class HttpRpcEndpoint(RpcDispatcher dispatcher, AuthGate auth, OriginPolicy origins, LiveConfig config)
{
    /// <summary>The largest body (HTTP) or message (WebSocket, before <c>connect</c>) a caller without a credential may send.</summary>
    public const int AnonymousMaxBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!origins.IsHostAllowed(request) || !origins.IsAllowed(request, out var origin))
        {
            await WriteErrorAsync(response, StatusCodes.Status403Forbidden,
                new RpcError(RpcErrorCodes.InvalidRequest, "Forbidden: this origin may not use the gateway (see gateway.cors.allowedOrigins)."));
            return;
        }

        if (origin is not null)
        {
            OriginPolicy.AddCorsHeaders(response, origin);
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            response.Headers[HeaderNames.AccessControlAllowMethods] = "POST";
            response.Headers[HeaderNames.AccessControlAllowHeaders] = "authorization, content-type";
            response.Headers[HeaderNames.AccessControlMaxAge] = "600";
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (!IsJson(request.ContentType))
        {
            await WriteErrorAsync(response, StatusCodes.Status415UnsupportedMediaType,
                new RpcError(RpcErrorCodes.InvalidRequest, "Unsupported content type: send JSON-RPC as application/json."));
            return;
        }

        var address = ClientAddress.Of(context);
        var (principal, _, refused) = await auth.AuthenticateHeaderAsync(request, address, context.RequestAborted);
        if (refused is not null)
        {
            await WriteErrorAsync(response, StatusFor(refused), refused);
            return;
        }

        // The credential is checked before the body is read, and a caller without one may send only a small body (its
        // methods are sign-ins and version checks): unauthenticated clients cannot make the gateway buffer megabytes.
        var limit = principal is null ? Math.Min(AnonymousMaxBytes, config.Current.Gateway.Limits.MaxMessageBytes) : config.Current.Gateway.Limits.MaxMessageBytes;
        var body = await ReadBodyAsync(context, limit);
        if (body is null)
        {
            await WriteErrorAsync(response, StatusCodes.Status413PayloadTooLarge, new RpcError(
                RpcErrorCodes.InvalidRequest,
                principal is null && limit == AnonymousMaxBytes
                    ? $"Request too large: without a credential the limit is {limit} bytes."
                    : $"Request too large: the limit is {limit} bytes (gateway.limits.maxMessageBytes)."));
            return;
        }

        // The host's request id (in the log scope of every line of this request) names the call in the dispatcher's lines too.
        var id = context.TraceIdentifier;
        var reply = await dispatcher.DispatchAsync(body.Value, new RpcConnection("http", id, address, principal), context.RequestAborted);
        if (!reply.HasBody)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        response.StatusCode = reply.SingleError is { } single ? StatusFor(single) : StatusCodes.Status200OK;
        if (reply.SingleError is { Code: RpcErrorCodes.RateLimited } limited)
        {
            response.Headers.RetryAfter = RetryAfter(limited);
        }

        response.ContentType = "application/json";
        response.ContentLength = reply.Body.Length;
        await response.Body.WriteAsync(reply.Body, context.RequestAborted);
    }

    private static int StatusFor(RpcError error) => error.Code switch
    {
        RpcErrorCodes.Unauthenticated => StatusCodes.Status401Unauthorized,
        RpcErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status200OK,
    };

    private static string RetryAfter(RpcError error) =>
        error.Data?["retryAfterSeconds"]?.GetValue<int>().ToString(CultureInfo.InvariantCulture) ?? "1";

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    // The whole body, or null when it is over the limit (read no further than the limit).
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = (long)limit + 1;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException)
            {
                return null;
            }

            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var copy = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return copy;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, RpcError error)
    {
        response.StatusCode = status;
        if (error.Code == RpcErrorCodes.RateLimited)
        {
            response.Headers.RetryAfter = RetryAfter(error);
        }

        response.ContentType = "application/json";
        await response.Body.WriteAsync(RpcErrorBody.Of(error));
    }
}
