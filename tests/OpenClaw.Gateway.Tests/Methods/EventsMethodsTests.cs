using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Events;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Methods;

public sealed class EventsMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscribe_SessionChangesByAnotherClient_ArePushedInOrderWithTheFullEvent()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(Ct);
        using var http = gateway.Rpc();

        var subscribed = await socket.ResultAsync("events.subscribe", """{"topics":["sessions"]}""", Ct);
        var key = (await http.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString();
        await http.ResultAsync("sessions.end", $$"""{"sessionKey":"{{key}}","reason":"bye"}""", Ct);

        Assert.Equal(["sessions"], subscribed.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var started = await socket.NextNotificationAsync(Ct);
        var ended = await socket.NextNotificationAsync(Ct);
        Assert.Equal("2.0", started.GetProperty("jsonrpc").GetString());
        Assert.Equal("event", started.GetProperty("method").GetString());
        Assert.False(started.TryGetProperty("id", out _));
        var p = started.GetProperty("params");
        Assert.Equal("sessions", p.GetProperty("topic").GetString());
        Assert.Equal("session_started", p.GetProperty("type").GetString());
        Assert.Equal(key, p.GetProperty("sessionKey").GetString());
        Assert.Equal(p.GetProperty("seq").GetInt64(), p.GetProperty("event").GetProperty("seq").GetInt64());
        Assert.Equal(key, p.GetProperty("event").GetProperty("sessionKey").GetString());
        Assert.Equal("session_started", p.GetProperty("event").GetProperty("type").GetString());
        var e = ended.GetProperty("params");
        Assert.Equal("session_ended", e.GetProperty("type").GetString());
        Assert.Equal("bye", e.GetProperty("event").GetProperty("reason").GetString());
        Assert.True(e.GetProperty("seq").GetInt64() > p.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Subscribe_EventAppendedStraightToTheStore_IsPushedToo()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(Ct);
        using var http = gateway.Rpc();
        var key = (await http.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;
        await socket.ResultAsync("events.subscribe", null, Ct);

        await gateway.Service<IEventStore>().AppendAsync(new MessageReceived { SessionKey = SessionKey.Parse(key), Text = "hi there" }, Ct);

        var pushed = (await socket.NextNotificationAsync(Ct)).GetProperty("params");
        Assert.Equal("message_received", pushed.GetProperty("type").GetString());
        Assert.Equal("hi there", pushed.GetProperty("event").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Subscribe_ForkedSession_PushesTheForksEvents()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(Ct);
        using var http = gateway.Rpc();
        var key = (await http.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;
        var stored = await gateway.Service<IEventStore>().AppendAsync(new MessageReceived { SessionKey = SessionKey.Parse(key), Text = "x" }, Ct);
        await socket.ResultAsync("events.subscribe", """{"topics":["sessions"]}""", Ct);

        var fork = (await http.ResultAsync("sessions.fork", $$"""{"sessionKey":"{{key}}","atSeq":{{stored.Seq}}}""", Ct)).GetProperty("sessionKey").GetString();

        var first = (await socket.NextNotificationAsync(Ct)).GetProperty("params");
        var second = (await socket.NextNotificationAsync(Ct)).GetProperty("params");
        Assert.Equal(fork, first.GetProperty("sessionKey").GetString());
        Assert.Equal("session_started", first.GetProperty("type").GetString());
        Assert.Equal(key, first.GetProperty("event").GetProperty("forkedFrom").GetProperty("sessionKey").GetString());
        Assert.Equal("message_received", second.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Unsubscribe_StopsThePushes()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(Ct);
        using var http = gateway.Rpc();
        await socket.ResultAsync("events.subscribe", null, Ct);

        var remaining = await socket.ResultAsync("events.unsubscribe", """{"topics":["sessions"]}""", Ct);
        await http.ResultAsync("sessions.create", "{}", Ct);

        // A reply on the same socket comes after anything pushed before it, so an empty queue now means nothing was pushed.
        await socket.ResultAsync("system.version", null, Ct);
        Assert.False(socket.TryTakeNotification(out var unexpected), $"pushed after unsubscribe: {unexpected}");
        Assert.Equal(["chat", "channels", "system"], remaining.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var none = await socket.ResultAsync("events.unsubscribe", null, Ct);
        Assert.Empty(none.GetProperty("topics").EnumerateArray());
        Assert.Equal(0, gateway.Service<EventHub>().SubscriberCount);
    }

    [Fact]
    public async Task Subscribe_SocketCloses_SubscriptionIsDropped()
    {
        await using var gateway = await TestGateway.StartAsync();
        var hub = gateway.Service<EventHub>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Service<ConnectionRegistry>().Closed += _ => closed.TrySetResult(); // runs after the hub's own handler
        await using var socket = await gateway.RpcSocketAsync(Ct);
        await socket.ResultAsync("events.subscribe", null, Ct);
        Assert.Equal(1, hub.SubscriberCount);

        await socket.CloseAsync(Ct);
        await closed.Task.WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(0, hub.SubscriberCount);
        Assert.False(hub.HasSubscribers(EventHub.SessionsTopic));
    }

    [Fact]
    public async Task Subscribe_UnknownTopic_InvalidParamsNamingTopics()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var socket = await gateway.RpcSocketAsync(Ct);

        var error = await socket.ErrorAsync("events.subscribe", """{"topics":["sessions","weather"]}""", Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal("topics", error.Field);
        Assert.Contains("weather", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, gateway.Service<EventHub>().SubscriberCount);
    }

    [Fact]
    public async Task Subscribe_OverHttp_RefusedSayingItNeedsTheWebSocket()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var http = gateway.Rpc();

        var error = await http.ErrorAsync("events.subscribe", null, Ct);

        Assert.Equal(RpcErrorCodes.InvalidRequest, error.Code);
        Assert.Contains("WebSocket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_OtherTopic_ReachesOnlyItsSubscribers()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var chat = await gateway.RpcSocketAsync(Ct);
        await using var sessions = await gateway.RpcSocketAsync(Ct);
        await chat.ResultAsync("events.subscribe", """{"topics":["chat"]}""", Ct);
        await sessions.ResultAsync("events.subscribe", """{"topics":["sessions"]}""", Ct);

        gateway.Service<EventHub>().Publish(EventHub.ChatTopic, "delta", w => w.WriteString("text", "hel"));

        var pushed = (await chat.NextNotificationAsync(Ct)).GetProperty("params");
        Assert.Equal("chat", pushed.GetProperty("topic").GetString());
        Assert.Equal("delta", pushed.GetProperty("type").GetString());
        Assert.Equal("hel", pushed.GetProperty("text").GetString());
        await sessions.ResultAsync("system.version", null, Ct);
        Assert.False(sessions.TryTakeNotification(out _));
    }

    [Fact]
    public void Publish_UnknownTopic_Throws()
    {
        var hub = new EventHub(new ConnectionRegistry());

        Assert.Throws<ArgumentException>(() => hub.Publish("weather", "sunny"));
    }

    [Fact]
    public void Publish_SubscriberRefusesThePush_IsForgotten()
    {
        var hub = new EventHub(new ConnectionRegistry());
        var gone = new RefusingConnection();
        hub.Subscribe(gone, EventHub.MaskOf(EventHub.SystemTopic));

        hub.Publish(EventHub.SystemTopic, "config_applied");

        Assert.Equal(1, gone.Attempts);
        Assert.Equal(0, hub.SubscriberCount);
    }

    // A transport whose queue is full or closed: every push is refused.
    private sealed class RefusingConnection() : RpcConnection("test", "t1", null, Principal.GatewayToken)
    {
        public int Attempts { get; private set; }

        public override bool CanPush => true;

        public override bool TryPush(ReadOnlyMemory<byte> message)
        {
            Attempts++;
            using var doc = JsonDocument.Parse(message);
            Assert.Equal("event", doc.RootElement.GetProperty("method").GetString());
            return false;
        }
    }
}
