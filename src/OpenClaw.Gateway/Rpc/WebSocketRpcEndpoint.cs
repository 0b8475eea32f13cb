using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>
/// <c>GET /ws</c>: checks the Origin (403 when not allowed) and an optional bearer token (401 when wrong), then runs
/// the socket. Without a token, the client authenticates with a first <c>connect</c> request.
/// </summary>
internal sealed class WebSocketRpcEndpoint(
    RpcDispatcher dispatcher,
    AuthGate auth,
    TokenService tokens,
    OriginPolicy origins,
    LiveConfig config,
    GatewayMetrics metrics,
    ConnectionRegistry connections,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<WebSocketRpcEndpoint> logger)
{
    private static long s_connections;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Expected a WebSocket upgrade (GET /ws with Upgrade: websocket).");
            return;
        }

        if (!origins.IsHostAllowed(context.Request) || !origins.IsAllowed(context.Request, out _))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Forbidden: this origin may not open a WebSocket to the gateway (see gateway.cors.allowedOrigins).");
            return;
        }

        var address = ClientAddress.Of(context);
        var (principal, credential, error) = await auth.AuthenticateHeaderAsync(context.Request, address, context.RequestAborted);
        if (error is not null)
        {
            context.Response.StatusCode = error.Code == RpcErrorCodes.RateLimited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            if (error.Data?["retryAfterSeconds"] is { } retry)
            {
                context.Response.Headers.RetryAfter = retry.ToJsonString();
            }

            await context.Response.WriteAsync(error.Message);
            return;
        }

        var limits = config.Current.Gateway.Limits;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new Microsoft.AspNetCore.Http.WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.FromSeconds(limits.PingIntervalSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(limits.PongTimeoutSeconds),
        });
        var id = "w" + Interlocked.Increment(ref s_connections).ToString("x", CultureInfo.InvariantCulture);
        using var connection = new WebSocketRpcConnection(
            socket, id, address, principal, dispatcher, metrics, logger, time, limits.SendQueueMessages, limits.SendQueueBytes, limits.MaxConcurrentRequestsPerSocket)
        {
            Credential = credential,
            Recheck = tokens.Recheck,
        };
        metrics.WebSocketOpened();
        connections.Add(connection);
        try
        {
            await connection.RunAsync(limits.MaxMessageBytes, TimeSpan.FromSeconds(limits.ConnectTimeoutSeconds), lifetime.ApplicationStopping);
        }
        finally
        {
            connections.Remove(connection);
            metrics.WebSocketClosed();
        }
    }
}
