using OpenClaw.Gateway.Tests.Rpc;

namespace OpenClaw.Gateway.Tests.Auth;

/// <summary>A socket whose user signed out gets nothing more: no events, and it is closed unless it signs in again.</summary>
public sealed class SignedOutSocketTests
{
    [Fact]
    public async Task SignedOutSubscriber_AfterAnyCall_GetsNoMoreEvents_AndIsClosedAfterTheConnectTimeout()
    {
        await using var gateway = await TestGatewayAuth.StartAsync(
            "{ gateway: { limits: { requestsPerMinute: 1000000, authFailuresPerMinute: 1000000, connectTimeoutSeconds: 1 } } }");
        var viewer = await gateway.CreateAndLoginAsync("vera", "viewer");
        await using var socket = await gateway.ConnectedSocketAsync(viewer.AccessToken);
        await socket.ResultAsync("events.subscribe", """{"topics":["sessions"]}""", TestContext.Current.CancellationToken);

        await socket.ResultAsync("auth.logout", TestGatewayAuth.Params(new { refreshToken = viewer.RefreshToken }), TestContext.Current.CancellationToken);
        await socket.ResultAsync("system.health", null, TestContext.Current.CancellationToken); // the call that finds the token gone
        using var admin = gateway.Rpc();
        await admin.ResultAsync("sessions.create", "{}", TestContext.Current.CancellationToken);

        // The server closes the socket (no valid credential within the connect timeout) without having pushed the event.
        await socket.Closed.WaitAsync(Testing.TestTimeouts.Default, TestContext.Current.CancellationToken);
        Assert.False(socket.TryTakeNotification(out var pushed), "pushed to a signed-out socket: " + pushed);
    }
}
