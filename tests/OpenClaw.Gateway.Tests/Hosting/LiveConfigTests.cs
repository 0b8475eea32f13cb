using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Config;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Hosting;

/// <summary>A running gateway applies valid edits of its config file without a restart.</summary>
public sealed class LiveConfigTests
{
    private static readonly string s_batchOfFour =
        "[" + string.Join(',', Enumerable.Range(1, 4).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"system.version"}""")) + "]";

    [Fact]
    public async Task EditedLimit_AppliesWithoutRestart()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        var (_, before, _) = await gateway.PostAsync(s_batchOfFour);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(before).RootElement.ValueKind); // one error: over the limit

        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = gateway.App.Services.GetRequiredService<ConfigMonitor>().OnChange(_ => applied.TrySetResult());
        await File.WriteAllTextAsync(gateway.Paths.ConfigFile, "{ gateway: { limits: { maxBatch: 10 } } }", TestContext.Current.CancellationToken);
        await applied.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var (_, after, _) = await gateway.PostAsync(s_batchOfFour);
        Assert.Equal(4, JsonDocument.Parse(after).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task EditedPort_IsNotAppliedLive_AndTheAddressInForceIsReported()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = gateway.App.Services.GetRequiredService<ConfigMonitor>().OnChange(_ => applied.TrySetResult());

        await File.WriteAllTextAsync(gateway.Paths.ConfigFile, "{ gateway: { port: 1, limits: { maxBatch: 4 } } }", TestContext.Current.CancellationToken);
        await applied.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        // Still served where it started, with the rest of the edit in force.
        var (_, after, _) = await gateway.PostAsync(s_batchOfFour);
        Assert.Equal(4, JsonDocument.Parse(after).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task EditedConfig_IsPushedToSystemSubscribers_AsKeyPathsOnly()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        await using var socket = await gateway.RpcSocketAsync(TestContext.Current.CancellationToken);
        await socket.ResultAsync("events.subscribe", """{"topics":["system"]}""", TestContext.Current.CancellationToken);

        await File.WriteAllTextAsync(gateway.Paths.ConfigFile, "{ gateway: { limits: { maxBatch: 5 } }, providers: { openai: { apiKey: 'sk-live-secret-123' } } }",
            TestContext.Current.CancellationToken);
        var pushed = await socket.WaitForNotificationAsync(
            p => p.GetProperty("type").GetString() == "config_changed", TestContext.Current.CancellationToken);

        var fields = pushed.GetProperty("params");
        Assert.Equal("system", fields.GetProperty("topic").GetString());
        Assert.Contains("gateway.limits.maxBatch", fields.GetProperty("changedKeys").EnumerateArray().Select(k => k.GetString()));
        Assert.DoesNotContain("sk-live-secret-123", pushed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditedJsonDepthLimit_AppliesWithoutRestart()
    {
        await using var gateway = await TestGateway.StartAsync("{ gateway: { limits: { maxJsonDepth: 64 } } }");
        const string Deep = """{"jsonrpc":"2.0","id":1,"method":"system.version","params":[[[[[]]]]]}""";
        var (_, before, _) = await gateway.PostAsync(Deep);
        Assert.NotEqual(-32700, JsonDocument.Parse(before).RootElement.GetProperty("error").GetProperty("code").GetInt32());

        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = gateway.App.Services.GetRequiredService<ConfigMonitor>().OnChange(_ => applied.TrySetResult());
        await File.WriteAllTextAsync(gateway.Paths.ConfigFile, "{ gateway: { limits: { maxJsonDepth: 3 } } }", TestContext.Current.CancellationToken);
        await applied.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var (_, after, _) = await gateway.PostAsync(Deep);
        Assert.Equal(-32700, JsonDocument.Parse(after).RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }
}
