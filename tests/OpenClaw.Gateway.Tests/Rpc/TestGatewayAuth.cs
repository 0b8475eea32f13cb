using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Tests.Auth;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>A signed-in user: its id and the pair <c>auth.login</c> returned.</summary>
internal sealed record TestUser(string Id, string Username, string AccessToken, string RefreshToken);

/// <summary>Starting a test gateway with cheap password hashing, and creating and signing in users over RPC.</summary>
internal static class TestGatewayAuth
{
    /// <summary>Limits high enough that a test's own calls never reach them.</summary>
    public const string GenerousLimits = "{ gateway: { limits: { requestsPerMinute: 1000000, authFailuresPerMinute: 1000000 } } }";

    /// <summary>A gateway whose new password hashes use the cheapest Argon2id cost, so sign-ins stay fast.</summary>
    /// <param name="config">The gateway's config file (JSON5).</param>
    /// <param name="time">The clock of the auth services and limiters, when a test moves time itself.</param>
    public static Task<TestGateway> StartAsync(string config = GenerousLimits, TimeProvider? time = null) =>
        TestGateway.StartAsync(config, services: services =>
        {
            services.Replace(ServiceDescriptor.Singleton(new AuthOptions { PasswordHash = AuthHarness.FastHash }));
            if (time is not null)
            {
                services.Replace(ServiceDescriptor.Singleton(time));
            }
        });

    /// <summary>Creates a user with the gateway token (over HTTP) and returns its id.</summary>
    public static async Task<string> CreateUserAsync(this TestGateway gateway, string username, string role)
    {
        using var admin = gateway.Rpc();
        var result = await admin.ResultAsync(
            "users.create", Params(new { username, password = AuthHarness.Password, role }), TestContext.Current.CancellationToken);
        return result.GetProperty("user").GetProperty("id").GetString()!;
    }

    /// <summary>Signs a user in over HTTP without a credential.</summary>
    public static async Task<TestUser> LoginAsync(this TestGateway gateway, string id, string username)
    {
        using var anonymous = gateway.Rpc(token: null);
        var result = await anonymous.ResultAsync(
            "auth.login", Params(new { username, password = AuthHarness.Password }), TestContext.Current.CancellationToken);
        return new TestUser(id, username, result.GetProperty("accessToken").GetString()!, result.GetProperty("refreshToken").GetString()!);
    }

    /// <summary>Creates a user and signs it in.</summary>
    public static async Task<TestUser> CreateAndLoginAsync(this TestGateway gateway, string username, string role) =>
        await gateway.LoginAsync(await gateway.CreateUserAsync(username, role), username);

    /// <summary>A socket opened without a header credential that authenticated with a first <c>connect</c>.</summary>
    public static async Task<WebSocketRpcTestClient> ConnectedSocketAsync(this TestGateway gateway, string token)
    {
        var socket = await WebSocketRpcTestClient.ConnectAsync(gateway.Address, null, TestContext.Current.CancellationToken);
        try
        {
            _ = await socket.ResultAsync("connect", Params(new { token }), TestContext.Current.CancellationToken);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>An anonymous socket (no header credential, no connect yet).</summary>
    public static Task<WebSocketRpcTestClient> AnonymousSocketAsync(this TestGateway gateway) =>
        WebSocketRpcTestClient.ConnectAsync(gateway.Address, null, TestContext.Current.CancellationToken);

    /// <summary>Params as JSON text (test-only; reflection-based serialization is fine here).</summary>
    public static string Params(object value) => JsonSerializer.Serialize(value);
}
