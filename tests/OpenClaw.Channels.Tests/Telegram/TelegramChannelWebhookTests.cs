using System.Text;
using OpenClaw.Channels.Telegram;
using OpenClaw.Core.Config;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramChannelWebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private static string TextUpdate(long updateId, string text) =>
        "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"date\":1,\"chat\":{\"id\":1001,\"type\":\"private\"}," +
        "\"from\":{\"id\":1001,\"is_bot\":false,\"first_name\":\"Ada\"},\"text\":\"" + text + "\"}}";

    [Fact]
    public async Task Start_InWebhookMode_SetsAWebhookWhoseUrlDoesNotContainTheSecret()
    {
        await using var h = await TelegramHarness.StartAsync(mode: TelegramMode.Webhook);
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);

        Assert.True(channel.Status.Connected);
        Assert.Equal("webhook", channel.Status.Mode);
        var pathSecret = channel.WebhookPathSecret;
        Assert.NotNull(pathSecret);
        Assert.True(pathSecret.Length >= 22);
        Assert.Equal(TelegramChannel.DerivePathSecret(TelegramHarness.WebhookSecret), pathSecret);
        Assert.Equal("https://bot.example.com/hooks/telegram/" + pathSecret, h.Server.WebhookUrl);
        Assert.DoesNotContain(TelegramHarness.WebhookSecret, h.Server.WebhookUrl, StringComparison.Ordinal);
        Assert.Equal(TelegramHarness.WebhookSecret, h.Server.WebhookSecretToken);
        Assert.Equal(["message"], h.Server.WebhookAllowedUpdates);
        Assert.Equal(0, h.Server.CallCount("getUpdates"));
    }

    [Fact]
    public async Task HandleWebhookAsync_ChecksPathAndHeader_ThenQueuesAndWaitsForProcessing()
    {
        await using var h = await TelegramHarness.StartAsync(mode: TelegramMode.Webhook);
        h.StartConsumer();
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);
        var path = channel.WebhookPathSecret!;

        Assert.Equal(WebhookOutcome.Unauthorized, await channel.HandleWebhookAsync("wrong", TelegramHarness.WebhookSecret, Body(TextUpdate(1, "a")), Ct));
        Assert.Equal(WebhookOutcome.Unauthorized, await channel.HandleWebhookAsync(path, "wrong", Body(TextUpdate(1, "a")), Ct));
        Assert.Equal(WebhookOutcome.Unauthorized, await channel.HandleWebhookAsync(path, null, Body(TextUpdate(1, "a")), Ct));
        Assert.Equal(WebhookOutcome.Unauthorized, await channel.HandleWebhookAsync(TelegramHarness.WebhookSecret, TelegramHarness.WebhookSecret, Body(TextUpdate(1, "a")), Ct));
        Assert.Empty(h.Received);

        Assert.Equal(WebhookOutcome.Accepted, await channel.HandleWebhookAsync(path, TelegramHarness.WebhookSecret, Body(TextUpdate(1, "hello hook")), Ct));
        var message = Assert.Single(h.Received); // Accepted only after the dispatcher completed it
        Assert.Equal("hello hook", message.Text);
        Assert.Equal(1, message.UpdateId);

        Assert.Equal(WebhookOutcome.Accepted, await channel.HandleWebhookAsync(path, TelegramHarness.WebhookSecret, Body(TextUpdate(1, "hello hook")), Ct));
        Assert.Single(h.Received); // the duplicate is confirmed, not processed again
    }

    [Fact]
    public async Task HandleWebhookAsync_FullBuffer_AnswersTooManyRequests()
    {
        await using var h = await TelegramHarness.StartAsync(capacity: 1, mode: TelegramMode.Webhook);
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);
        Assert.True(h.Inbound.TryEnqueue(new InboundMessage { Channel = ChannelId.From("webchat"), ChatId = "x", PeerKind = PeerKind.Direct, SenderId = "x", Text = "filler" }, out _));

        var outcome = await channel.HandleWebhookAsync(channel.WebhookPathSecret!, TelegramHarness.WebhookSecret, Body(TextUpdate(7, "no room")), Ct);

        Assert.Equal(WebhookOutcome.TooManyRequests, outcome);
        h.StartConsumer();
        await h.WaitForReceivedAsync(1); // the filler is taken: there is room again
        Assert.Equal(WebhookOutcome.Accepted, await channel.HandleWebhookAsync(channel.WebhookPathSecret!, TelegramHarness.WebhookSecret, Body(TextUpdate(7, "no room")), Ct));
        Assert.Contains(h.Received, m => m.Text == "no room"); // Telegram's retry is taken, not dropped as a duplicate
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"hello\":\"world\"}")]
    public async Task HandleWebhookAsync_BodyThatIsNotAnUpdate_IsABadRequest(string body)
    {
        await using var h = await TelegramHarness.StartAsync(mode: TelegramMode.Webhook);
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);

        Assert.Equal(WebhookOutcome.BadRequest, await channel.HandleWebhookAsync(channel.WebhookPathSecret!, TelegramHarness.WebhookSecret, Body(body), Ct));
        Assert.Equal(0, h.Inbound.Count);
    }

    [Fact]
    public async Task HandleWebhookAsync_OversizedBody_IsABadRequest()
    {
        await using var h = await TelegramHarness.StartAsync(mode: TelegramMode.Webhook);
        var channel = h.CreateChannel(limits: TelegramHarness.FastLimits with { MaxWebhookBodyBytes = 1024 });
        await channel.StartAsync(h.Inbound, Ct);

        var outcome = await channel.HandleWebhookAsync(channel.WebhookPathSecret!, TelegramHarness.WebhookSecret, Body(TextUpdate(3, new string('x', 5000))), Ct);

        Assert.Equal(WebhookOutcome.BadRequest, outcome);
    }

    [Fact]
    public async Task HandleWebhookAsync_InPollingModeOrBeforeStart_IsNotEnabled()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var secret = TelegramChannel.DerivePathSecret(TelegramHarness.WebhookSecret);
        Assert.Equal(WebhookOutcome.NotEnabled, await channel.HandleWebhookAsync(secret, TelegramHarness.WebhookSecret, Body(TextUpdate(1, "a")), Ct));

        await channel.StartAsync(h.Inbound, Ct);
        Assert.Equal(WebhookOutcome.NotEnabled, await channel.HandleWebhookAsync(secret, TelegramHarness.WebhookSecret, Body(TextUpdate(1, "a")), Ct));
    }

    [Fact]
    public async Task Start_InWebhookModeWithoutAUrl_SaysWhichKeyToSet()
    {
        await using var h = await TelegramHarness.StartAsync(mode: TelegramMode.Webhook);
        h.Options = h.Options with { WebhookUrl = null };
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);

        Assert.False(channel.Status.Connected);
        Assert.Contains("channels.telegram.webhookUrl", channel.Status.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Server.CallCount("setWebhook"));
    }
}
