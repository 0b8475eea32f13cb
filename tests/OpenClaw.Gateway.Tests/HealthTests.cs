using System.Text.Json;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Events;
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
        await using var app = await GatewayHost.BuildAsync(
            paths, ConfigWith(paths, new GatewayOptions { Port = 0 }), cancellationToken: TestContext.Current.CancellationToken);
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
    public async Task Build_BindThatIsNotAnAddress_FailsWithTheKeyToFix()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        var ex = await Assert.ThrowsAsync<OpenClawException>(() => GatewayHost.BuildAsync(
            paths, ConfigWith(paths, new GatewayOptions { Bind = "localhost:80" }), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("gateway.bind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_SecondGatewayOnTheSameStateDirectory_IsRefusedUntilTheFirstStops()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        var config = ConfigWith(paths, new GatewayOptions { Port = 0 });
        var first = await GatewayHost.BuildAsync(paths, config, cancellationToken: TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<EventStoreException>(
            () => GatewayHost.BuildAsync(paths, config, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(EventStoreErrorKind.Locked, ex.Kind);

        await first.DisposeAsync();
        await using var second = await GatewayHost.BuildAsync(paths, config, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(second.Services.GetService(typeof(IEventStore)));
    }

    [Fact]
    public async Task Build_DamagedEventStore_FailsNamingTheFileAndLeavesItUntouched()
    {
        using var dir = new TempDirectory();
        var paths = new StatePaths(dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.EventStoreFile)!);
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(paths.EventStoreFile, garbage, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<EventStoreException>(() => GatewayHost.BuildAsync(
            paths, ConfigWith(paths, new GatewayOptions { Port = 0 }), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(paths.EventStoreFile, ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(paths.EventStoreFile, TestContext.Current.CancellationToken));
    }
}
