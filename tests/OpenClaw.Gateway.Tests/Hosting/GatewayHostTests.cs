using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Hosting;

public sealed class GatewayHostTests
{
    [Fact]
    public async Task BuildAsync_BindLocalhost_ListensOnLoopback()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        await File.WriteAllTextAsync(paths.ConfigFile, "{ gateway: { bind: \"localhost\", port: 0 } }", TestContext.Current.CancellationToken);
        var config = await new ConfigLoader(paths, _ => null).LoadAsync(TestContext.Current.CancellationToken);

        await using var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: _ => null, cancellationToken: TestContext.Current.CancellationToken);
        await app.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var address = Assert.Single(GatewayHost.Addresses(app));
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(address + "/health"), TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode);
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
