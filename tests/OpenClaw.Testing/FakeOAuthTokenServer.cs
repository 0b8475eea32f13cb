using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Testing;

/// <summary>What the next request to <see cref="FakeOAuthTokenServer"/> gets instead of a token.</summary>
public enum FakeOAuthFailure
{
    /// <summary>HTTP 500 with a plain-text body.</summary>
    ServerError,

    /// <summary>HTTP 400 <c>{"error":"invalid_grant"}</c>, as for a revoked refresh token.</summary>
    InvalidGrant,

    /// <summary>HTTP 200 with a body that is not JSON.</summary>
    MalformedJson,

    /// <summary>HTTP 200 with JSON that lacks <c>access_token</c>.</summary>
    MissingAccessToken,

    /// <summary>The connection is aborted without an answer.</summary>
    DropConnection,

    /// <summary>HTTP 400 invalid_grant whose description echoes the refresh token back (some servers do).</summary>
    InvalidGrantEchoingToken,

    /// <summary>HTTP 200 headers and the start of a JSON body, then nothing until the client gives up.</summary>
    StallMidBody,

    /// <summary>HTTP 307 back to the token endpoint itself (a client that follows it re-sends the refresh token).</summary>
    RedirectToSelf,
}

/// <summary>
/// An OAuth 2.0 token endpoint on Kestrel at 127.0.0.1:0 that speaks the RFC 6749 wire format for the refresh grant
/// (section 6): form-encoded POST in, JSON token (5.1) or error (5.2) out. Counts requests; failures are scriptable.
/// </summary>
public sealed class FakeOAuthTokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _validRefreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeOAuthFailure> _failures = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _requests = new();
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requestCount;
    private int _issued;

    private FakeOAuthTokenServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The token endpoint's URL.</summary>
    public Uri TokenUrl { get; private set; } = null!;

    /// <summary>The client id the server accepts.</summary>
    public string ClientId { get; } = "openclaw-test-client";

    /// <summary>Issue a new refresh token with every refresh and retire the old one (refresh token rotation).</summary>
    public bool RotateRefreshTokens { get; set; }

    /// <summary>The <c>expires_in</c> sent with new tokens, or null to omit it.</summary>
    public long? ExpiresInSeconds { get; set; } = 3600;

    /// <summary>When set, every request waits for this task before it is answered.</summary>
    public Task? HoldResponsesUntil { get; set; }

    /// <summary>How many requests reached the endpoint.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Completes when the first request arrives.</summary>
    public Task FirstRequestReceived => _firstRequest.Task;

    /// <summary>The form fields of every request, in arrival order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Requests => [.. _requests];

    /// <summary>The last access token issued.</summary>
    public string? LastAccessToken { get; private set; }

    /// <summary>The last refresh token issued (with <see cref="RotateRefreshTokens"/>).</summary>
    public string? LastRefreshToken { get; private set; }

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<FakeOAuthTokenServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOAuthTokenServer(app);
        app.MapPost("/oauth/token", server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        server.TokenUrl = new Uri(new Uri(address), "/oauth/token");
        return server;
    }

    /// <summary>Makes <paramref name="refreshToken"/> one the server accepts.</summary>
    public void AcceptRefreshToken(string refreshToken) => _validRefreshTokens[refreshToken] = true;

    /// <summary>The next request gets <paramref name="failure"/> (queued; one per request).</summary>
    public void EnqueueFailure(FakeOAuthFailure failure) => _failures.Enqueue(failure);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        _firstRequest.TrySetResult();
        if (HoldResponsesUntil is { } hold)
        {
            await hold.ConfigureAwait(false);
        }

        if (!context.Request.HasFormContentType ||
            context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
        {
            _requests.Enqueue(new Dictionary<string, string>());
            await ErrorAsync(context, 400, "invalid_request", "expected application/x-www-form-urlencoded").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        _requests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));

        if (_failures.TryDequeue(out var failure))
        {
            await FailAsync(context, failure, form["refresh_token"].ToString()).ConfigureAwait(false);
            return;
        }

        if (form["grant_type"] != "refresh_token")
        {
            await ErrorAsync(context, 400, "unsupported_grant_type", null).ConfigureAwait(false);
            return;
        }

        if (form["client_id"] != ClientId)
        {
            await ErrorAsync(context, 401, "invalid_client", "unknown client").ConfigureAwait(false);
            return;
        }

        var refreshToken = form["refresh_token"].ToString();
        if (!_validRefreshTokens.ContainsKey(refreshToken))
        {
            await ErrorAsync(context, 400, "invalid_grant", "refresh token is invalid or revoked").ConfigureAwait(false);
            return;
        }

        var n = Interlocked.Increment(ref _issued);
        var accessToken = $"access-{n}-{Guid.NewGuid():N}";
        string? newRefreshToken = null;
        if (RotateRefreshTokens)
        {
            newRefreshToken = $"refresh-{n}-{Guid.NewGuid():N}";
            _validRefreshTokens.TryRemove(refreshToken, out _);
            _validRefreshTokens[newRefreshToken] = true;
            LastRefreshToken = newRefreshToken;
        }

        LastAccessToken = accessToken;
        SetNoStore(context);
        var token = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
        };
        if (ExpiresInSeconds is { } expiresIn)
        {
            token["expires_in"] = expiresIn;
        }

        if (newRefreshToken is not null)
        {
            token["refresh_token"] = newRefreshToken;
        }

        token["scope"] = "chat";
        await WriteJsonAsync(context, token).ConfigureAwait(false);
    }

    private static async Task FailAsync(HttpContext context, FakeOAuthFailure failure, string refreshToken)
    {
        switch (failure)
        {
            case FakeOAuthFailure.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("internal error", context.RequestAborted).ConfigureAwait(false);
                break;
            case FakeOAuthFailure.InvalidGrant:
                await ErrorAsync(context, 400, "invalid_grant", "refresh token revoked").ConfigureAwait(false);
                break;
            case FakeOAuthFailure.InvalidGrantEchoingToken:
                await ErrorAsync(context, 400, "invalid_grant", $"token {refreshToken} is revoked").ConfigureAwait(false);
                break;
            case FakeOAuthFailure.MalformedJson:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"access_token\": \"abc", context.RequestAborted).ConfigureAwait(false);
                break;
            case FakeOAuthFailure.MissingAccessToken:
                await WriteJsonAsync(context, new JsonObject { ["token_type"] = "Bearer" }).ConfigureAwait(false);
                break;
            case FakeOAuthFailure.DropConnection:
                context.Abort();
                break;
            case FakeOAuthFailure.StallMidBody:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"access_token\": \"ab", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                break;
            case FakeOAuthFailure.RedirectToSelf:
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = context.Request.Path.Value;
                break;
        }
    }

    private static async Task ErrorAsync(HttpContext context, int status, string error, string? description)
    {
        context.Response.StatusCode = status;
        SetNoStore(context);
        var body = new JsonObject { ["error"] = error };
        if (description is not null)
        {
            body["error_description"] = description;
        }

        await WriteJsonAsync(context, body).ConfigureAwait(false);
    }

    // Written by hand rather than with WriteAsJsonAsync (reflection-based JSON), so the fake also runs in the NativeAOT
    // provider check (tests/OpenClaw.Providers.AotCheck), which compiles this assembly with the AOT analyzers on.
    private static async Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static void SetNoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
