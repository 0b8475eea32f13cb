using Microsoft.AspNetCore.Builder;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Rpc;

/// <summary>A real gateway on 127.0.0.1:0 over its own temporary state directory, accepting <see cref="Token"/>.</summary>
internal sealed class RpcTestGateway : IAsyncDisposable
{
    public const string Token = "canary-gateway-token-7f3a9c0e51";

    private readonly TempDirectory _dir;
    private readonly WebApplication _app;

    private RpcTestGateway(TempDirectory dir, WebApplication app, string url)
    {
        _dir = dir;
        _app = app;
        Url = url;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; }

    /// <summary>Starts a gateway; <paramref name="prepare"/> runs on the state directory first (to leave files a test needs there).</summary>
    public static async Task<RpcTestGateway> StartAsync(string config = "{}", Func<StatePaths, Task>? prepare = null)
    {
        var dir = new TempDirectory();
        try
        {
            var paths = new StatePaths(dir.Path);
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["OPENCLAW_STATE_DIR"] = dir.Path,
                ["OPENCLAW_GATEWAY_TOKEN"] = Token,
            };
            await File.WriteAllTextAsync(paths.ConfigFile, config, TestContext.Current.CancellationToken);
            if (prepare is not null)
            {
                await prepare(paths);
            }

            var loaded = await new ConfigLoader(paths, name => env.GetValueOrDefault(name)).LoadAsync(TestContext.Current.CancellationToken);
            loaded = loaded with { Gateway = loaded.Gateway with { Port = 0 } };
            var app = await GatewayHost.BuildAsync(paths, loaded, getEnvironmentVariable: name => env.GetValueOrDefault(name),
                cancellationToken: TestContext.Current.CancellationToken);
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new RpcTestGateway(dir, app, GatewayHost.Addresses(app).First());
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Stops the gateway (its WebSockets are closed with 1001).</summary>
    public Task StopAsync() => _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _dir.Dispose();
    }
}
