using System.Text.Json;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests;

public sealed class HealthTests
{
    private static OpenClawConfig ConfigWith(StatePaths paths, GatewayOptions gateway) =>
        OpenClawConfig.CreateDefault(paths) with { Gateway = gateway };

    [Fact]
    public async Task Health_OnLoopback_ReportsOkWithVersionAndUptime()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        await using var app = GatewayHost.Build(paths, ConfigWith(paths, new GatewayOptions { Port = 0 }));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = Assert.Single(GatewayHost.Addresses(app));
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
        Assert.True(doc.RootElement.GetProperty("uptimeSeconds").GetInt64() >= 0);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Build_BindThatIsNotAnAddress_FailsWithTheKeyToFix()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        var ex = Assert.Throws<OpenClaw.Core.OpenClawException>(
            () => GatewayHost.Build(paths, ConfigWith(paths, new GatewayOptions { Bind = "localhost:80" })));
        Assert.Contains("gateway.bind", ex.Message, StringComparison.Ordinal);
    }
}
