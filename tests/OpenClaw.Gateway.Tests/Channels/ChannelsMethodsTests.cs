using System.Text.Json;
using OpenClaw.Gateway.Tests.Rpc;

namespace OpenClaw.Gateway.Tests.Channels;

/// <summary>The channel and pairing methods, web chat as a channel, and routing of sessions created over RPC.</summary>
public sealed class ChannelsMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Channels_list_shows_web_chat_connected_and_a_disabled_telegram_with_how_to_enable_it()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var channels = (await rpc.ResultAsync("channels.list", null, Ct)).GetProperty("channels").EnumerateArray().ToList();

        var webchat = Assert.Single(channels, c => c.GetProperty("id").GetString() == "webchat");
        Assert.True(webchat.GetProperty("connected").GetBoolean());
        var telegram = Assert.Single(channels, c => c.GetProperty("id").GetString() == "telegram");
        Assert.False(telegram.GetProperty("enabled").GetBoolean());
        Assert.False(telegram.GetProperty("connected").GetBoolean());
        Assert.Contains("channels.telegram.enabled", telegram.GetProperty("error").GetString(), StringComparison.Ordinal);

        var status = await rpc.ResultAsync("system.status", null, Ct);
        Assert.Contains(status.GetProperty("channels").EnumerateArray(), c => c.GetProperty("id").GetString() == "webchat");
    }

    [Fact]
    public async Task Probe_of_an_unknown_channel_is_not_found()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("channels.probe", """{"channelId":"irc"}""", Ct);

        Assert.Equal(-32003, error.Code);
        Assert.Contains("channels.list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_created_over_rpc_are_web_chat_sessions_and_follow_the_routing_rules()
    {
        await using var gateway = await TestGateway.StartAsync("""
            {
              agents: { default: {}, ops: {} },
              routing: [ { channel: "webchat", peer: "gateway-token", agent: "ops" } ],
            }
            """);
        using var rpc = gateway.Rpc();

        var routed = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;
        var named = (await rpc.ResultAsync("sessions.create", """{"agentId":"default"}""", Ct)).GetProperty("sessionKey").GetString()!;
        var otherPeer = (await rpc.ResultAsync("sessions.create", """{"peerId":"someone-else"}""", Ct)).GetProperty("sessionKey").GetString()!;

        Assert.StartsWith("agent:ops:webchat:gateway-token:", routed, StringComparison.Ordinal);
        Assert.StartsWith("agent:default:webchat:gateway-token:", named, StringComparison.Ordinal);
        Assert.StartsWith("agent:default:webchat:someone-else:", otherPeer, StringComparison.Ordinal);
        var listed = (await rpc.ResultAsync("sessions.list", """{"channel":"webchat"}""", Ct)).GetProperty("sessions").GetArrayLength();
        Assert.Equal(3, listed);
    }

    [Fact]
    public async Task Pairing_methods_need_the_admin_role_and_refuse_an_unknown_code_with_where_to_look()
    {
        await using var gateway = await TestGatewayAuth.StartAsync();
        var operatorUser = await gateway.CreateAndLoginAsync("op", "operator");
        using var asOperator = gateway.Rpc(operatorUser.AccessToken);
        using var asAdmin = gateway.Rpc();

        Assert.Equal(-32002, (await asOperator.ErrorAsync("pairing.list", null, Ct)).Code);
        Assert.Equal(-32002, (await asOperator.ErrorAsync("pairing.approve", """{"channel":"telegram","code":"ABCDEFGH"}""", Ct)).Code);

        var list = await asAdmin.ResultAsync("pairing.list", null, Ct);
        Assert.Equal(0, list.GetProperty("pending").GetArrayLength());
        Assert.Equal(0, list.GetProperty("paired").GetArrayLength());

        var unknown = await asAdmin.ErrorAsync("pairing.approve", """{"channel":"telegram","code":"ABCDEFGH"}""", Ct);
        Assert.Equal(-32003, unknown.Code);
        Assert.Contains("pairing.list", unknown.Message, StringComparison.Ordinal);

        var empty = await asAdmin.ErrorAsync("pairing.reject", """{"channel":"telegram","code":"  "}""", Ct);
        Assert.Equal(-32602, empty.Code);
    }

    [Fact]
    public async Task A_damaged_pairing_file_is_reported_and_left_alone_and_the_gateway_still_serves()
    {
        var damaged = "{ this is not json";
        await using var gateway = await TestGateway.StartAsync(files: new Dictionary<string, string> { ["channels/pairing.json"] = damaged });
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("pairing.list", null, Ct);
        Assert.Contains("pairing.json", error.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, await File.ReadAllTextAsync(Path.Combine(gateway.Paths.Root, "channels", "pairing.json"), Ct));
        Assert.Equal("ok", (await rpc.ResultAsync("system.health", null, Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Chat_commands_in_web_chat_are_answered_by_the_gateway_without_a_model()
    {
        // No provider is configured: a command reaching the model would fail the run.
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var session = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;

        var help = await rpc.ResultAsync("chat.send", Send(session, "/help"), Ct);
        Assert.False(help.TryGetProperty("runId", out _));
        Assert.Equal("help", help.GetProperty("command").GetString());
        Assert.Contains("/new", help.GetProperty("reply").GetString(), StringComparison.Ordinal);

        var stop = await rpc.ResultAsync("chat.send", Send(session, " /stop "), Ct);
        Assert.Equal("Nothing is running.", stop.GetProperty("reply").GetString());

        var status = await rpc.ResultAsync("chat.send", Send(session, "/status"), Ct);
        Assert.Contains("Agent **default**", status.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.Contains("Idle.", status.GetProperty("reply").GetString(), StringComparison.Ordinal);

        var renewed = await rpc.ResultAsync("chat.send", Send(session, "/new"), Ct);
        var fresh = renewed.GetProperty("sessionKey").GetString()!;
        Assert.NotEqual(session, fresh);
        Assert.StartsWith("agent:default:webchat:gateway-token:", fresh, StringComparison.Ordinal);
        var old = await rpc.ResultAsync("sessions.get", $$"""{"sessionKey":"{{session}}"}""", Ct);
        Assert.Equal("ended", old.GetProperty("state").GetString());
        Assert.Equal("/new", old.GetProperty("endedReason").GetString());

        // The ended session takes no more commands, and no command was ever recorded as a message for the model.
        Assert.Equal(-32005, (await rpc.ErrorAsync("chat.send", Send(session, "/status"), Ct)).Code);
        var events = (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{session}}"}""", Ct)).GetProperty("events");
        Assert.DoesNotContain(events.EnumerateArray(), e => e.GetProperty("type").GetString() == "message_received");
    }

    private static string Send(string sessionKey, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["sessionKey"] = sessionKey, ["message"] = message });
}
