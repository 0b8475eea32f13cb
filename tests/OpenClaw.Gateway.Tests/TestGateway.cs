using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests;

/// <summary>
/// A real gateway on <c>127.0.0.1:0</c> over a fresh state directory, with a gateway token from the (injected)
/// environment; hands out HTTP and WebSocket <see cref="RpcTestClient"/>s authenticated with it.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    /// <summary>The gateway token every client uses.</summary>
    public const string Token = "test-gateway-token-0123456789";

    private readonly TempDirectory _dir;
    private readonly WebApplication _app;

    private TestGateway(TempDirectory dir, StatePaths paths, WebApplication app)
    {
        _dir = dir;
        Paths = paths;
        _app = app;
        BaseAddress = new Uri(Assert.Single(GatewayHost.Addresses(app)));
    }

    /// <summary>The state layout (its <c>ConfigFile</c> is the file <c>config.set</c> edits).</summary>
    public StatePaths Paths { get; }

    /// <summary>The address the gateway listens on, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The gateway's services, for looking at its state after a call.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Writes <paramref name="configText"/> (JSON5) as the config file when given (the port is forced to 0), loads it
    /// and starts the gateway. <paramref name="environment"/> adds environment variables for <c>${NAME}</c>.
    /// </summary>
    public static async Task<TestGateway> StartAsync(
        string? configText = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var dir = new TempDirectory();
        try
        {
            var paths = new StatePaths(dir.Path);
            string? Env(string name) => name == "OPENCLAW_GATEWAY_TOKEN" ? Token : environment?.GetValueOrDefault(name);
            if (configText is not null)
            {
                await File.WriteAllTextAsync(paths.ConfigFile, configText, cancellationToken);
            }

            var config = await new ConfigLoader(paths, Env).LoadAsync(cancellationToken);
            config = config with { Gateway = config.Gateway with { Port = 0 } };
            var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: Env, cancellationToken: cancellationToken);
            await app.StartAsync(cancellationToken);
            return new TestGateway(dir, paths, app);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client with the gateway token (or <paramref name="token"/>; pass an empty string for none).</summary>
    public HttpRpcTestClient Http(string? token = Token) => new(BaseAddress, string.IsNullOrEmpty(token) ? null : token);

    /// <summary>A WebSocket client with the gateway token as a bearer header.</summary>
    public Task<WebSocketRpcTestClient> WebSocketAsync(CancellationToken cancellationToken) =>
        WebSocketRpcTestClient.ConnectAsync(BaseAddress, Token, cancellationToken);

    /// <summary>A service of the running gateway.</summary>
    public T Service<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _dir.Dispose();
        }
    }
}
