using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Hosting;

/// <summary>A stopping gateway finishes what is in flight (for a bounded time) and closes its sockets politely.</summary>
public sealed class ShutdownTests
{
    // A method that runs until the test releases it, standing in for a long call such as chat.send with wait.
    private sealed class SlowMethods(TaskCompletionSource started, TaskCompletionSource release) : IRpcMethodGroup
    {
        public void Register(RpcMethodTable table) =>
            table.Add("test.slow", Role.None, GatewayJsonContext.Default.RpcEmpty, async (_, _) =>
            {
                started.TrySetResult();
                await release.Task;
                return RpcEmpty.Instance;
            });
    }

    [Fact]
    public async Task Stop_WithRequestInFlight_WaitsForItToFinish()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateway = await TestGateway.StartAsync(
            "{ gateway: { limits: { shutdownTimeoutSeconds: 30 } } }",
            services: s => s.AddSingleton<IRpcMethodGroup>(new SlowMethods(started, release)));
        await using var owned = gateway;
        var call = gateway.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"test.slow"}""");
        await started.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var stopping = gateway.App.StopAsync(TestContext.Current.CancellationToken);
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var (status, body, _) = await call.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        Assert.Equal(200, status);
        Assert.Contains("\"result\":{}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WithRequestThatNeverEnds_GivesUpAfterTheShutdownTimeout()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateway = await TestGateway.StartAsync(
            "{ gateway: { limits: { shutdownTimeoutSeconds: 1 } } }",
            services: s => s.AddSingleton<IRpcMethodGroup>(new SlowMethods(started, never)));
        await using var owned = gateway;
        _ = gateway.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"test.slow"}""");
        await started.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var clock = Stopwatch.StartNew();
        await gateway.App.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        // Bounded: it stops, and not before giving the request its second.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TestTimeouts.Default);
    }

    [Fact]
    public async Task Stop_ClosesOpenWebSocketsWithGoingAway()
    {
        var gateway = await TestGateway.StartAsync();
        await using var owned = gateway;
        using var socket = await gateway.ConnectAsync();

        var stopping = gateway.App.StopAsync(TestContext.Current.CancellationToken);

        Assert.Null(await socket.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        await stopping.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
    }
}
