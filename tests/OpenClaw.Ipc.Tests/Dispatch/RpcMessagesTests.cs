using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>Server-sent notifications are well-formed JSON-RPC notifications that any peer would accept.</summary>
public sealed class RpcMessagesTests
{
    [Fact]
    public void Notification_IsJsonrpcMethodAndParamsWithoutId()
    {
        var bytes = RpcMessages.Notification("session.event", new HelloParams(7), DispatchTestJsonContext.Default.HelloParams);

        using var document = JsonDocument.Parse(bytes);
        Assert.Equal("""{"jsonrpc":"2.0","method":"session.event","params":{"value":7}}""", document.RootElement.GetRawText());
    }

    [Fact]
    public void Notification_MethodNeedingEscapes_IsStillValidJson()
    {
        var bytes = RpcMessages.Notification("a\"b\\c\u2028", new HelloParams(1), DispatchTestJsonContext.Default.HelloParams);

        using var document = JsonDocument.Parse(bytes);
        Assert.Equal("a\"b\\c\u2028", document.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public async Task Notification_DispatchedToAPeer_RunsItsHandlerAndGetsNoReply()
    {
        var harness = new DispatchHarness();
        var bytes = RpcMessages.Notification("notify_hello", new HelloParams(42), DispatchTestJsonContext.Default.HelloParams);

        var reply = await harness.Dispatcher.DispatchAsync(bytes, DispatchHarness.Connection(), TestContext.Current.CancellationToken);

        RpcAssert.NoReply(reply);
        Assert.Equal(["notify_hello:42"], harness.Calls);
    }
}
