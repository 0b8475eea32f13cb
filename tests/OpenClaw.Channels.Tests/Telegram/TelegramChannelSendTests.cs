using OpenClaw.Testing.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramChannelSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendTextAsync_LongText_IsSplitAndOnlyTheFirstPartReplies()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var text = string.Concat(Enumerable.Range(0, 900).Select(i => $"line {i:D4}\n"));

        var ids = await channel.SendTextAsync("1001", text, "42", Ct);

        var sent = h.Server.SentMessages;
        Assert.Equal(3, sent.Count);
        Assert.Equal(sent.Select(m => m.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ids);
        Assert.Equal(42, sent[0].ReplyToMessageId);
        Assert.All(sent.Skip(1), m => Assert.Null(m.ReplyToMessageId));
        Assert.All(sent, m => Assert.Equal("HTML", m.ParseMode));
        Assert.Equal(text, string.Concat(sent.Select(m => m.PlainText)));
    }

    [Fact]
    public async Task SendTextAsync_HtmlTelegramCannotParse_IsSentAsPlainTextInstead()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        channel.FormatReply = _ => ["<b>bold but never closed &amp; more"];

        await channel.SendTextAsync("1001", "whatever", null, Ct);

        var sent = Assert.Single(h.Server.SentMessages);
        Assert.Null(sent.ParseMode);
        Assert.Equal("bold but never closed & more", sent.Text);
        Assert.Equal(2, h.Server.CallCount("sendMessage"));
    }

    [Fact]
    public async Task SendTextAsync_429Storm_WaitsRetryAfterEachTimeThenDelivers()
    {
        await using var h = await TelegramHarness.StartAsync();
        var time = new SignalingTimeProvider();
        var channel = h.CreateChannel(time);
        h.Server.FailNext("sendMessage", 3, FakeTelegramFault.TooManyRequests(7));

        var send = channel.SendTextAsync("1001", "after the storm", null, Ct);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await time.WaitForTimerAsync(TimeSpan.FromSeconds(7), Ct);
            Assert.Equal(attempt, h.Server.CallCount("sendMessage")); // no retry before retry_after has passed
            time.Advance(TimeSpan.FromSeconds(6));
            Assert.Equal(attempt, h.Server.CallCount("sendMessage"));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await send.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, Ct);
        Assert.Equal("after the storm", Assert.Single(h.Server.SentMessages).PlainText);
        Assert.Equal(4, h.Server.CallCount("sendMessage"));
    }

    [Fact]
    public async Task SendTextAsync_FailingEveryAttempt_IsReportedAfterMaxSendAttemptsWithoutTheToken()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel(limits: TelegramHarness.FastLimits with { MaxSendAttempts = 4, InitialBackoff = TimeSpan.FromMilliseconds(1) });
        h.Server.FailNext("sendMessage", 10, FakeTelegramFault.ServerError());

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(() => channel.SendTextAsync("1001", "hello", null, Ct));

        Assert.Equal(4, h.Server.CallCount("sendMessage"));
        Assert.Contains("4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTelegramServer.DefaultToken, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Server.BaseUrl.Authority, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTextAsync_RetryAfterLongerThanTheLimit_FailsAtOnce()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel(limits: TelegramHarness.FastLimits with { MaxRetryAfter = TimeSpan.FromSeconds(30) });
        h.Server.FailNext("sendMessage", 1, FakeTelegramFault.TooManyRequests(3600));

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(() => channel.SendTextAsync("1001", "hello", null, Ct));

        Assert.Equal(1, h.Server.CallCount("sendMessage"));
        Assert.Contains("retry after 3600s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTextAsync_ChatNotFound_IsNotRetried()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        h.Server.FailNext("sendMessage", 1, FakeTelegramFault.BadRequest("Bad Request: chat not found"));

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(() => channel.SendTextAsync("1001", "hello", null, Ct));

        Assert.Equal(1, h.Server.CallCount("sendMessage"));
        Assert.Contains("chat not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTypingAsync_ShowsTyping_AndAFailureIsNotThrown()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();

        await channel.SendTypingAsync("-100500", Ct);
        h.Server.FailNext("sendChatAction", 1, FakeTelegramFault.ServerError());
        await channel.SendTypingAsync("-100500", Ct);

        Assert.Equal(new FakeChatAction(-100500, "typing"), Assert.Single(h.Server.ChatActions));
        Assert.Equal(2, h.Server.CallCount("sendChatAction"));
    }

    [Fact]
    public async Task DownloadAsync_WithinTheLimit_CopiesTheFile()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var content = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        var fileId = h.Server.AddFile(content, "documents/data.bin");
        using var destination = new MemoryStream();

        var length = await channel.DownloadAsync(new InboundAttachment { FileId = fileId }, destination, 100_000, Ct);

        Assert.Equal(content.Length, length);
        Assert.Equal(content, destination.ToArray());
    }

    [Fact]
    public async Task DownloadAsync_ReportedSizeOverTheLimit_RefusesWithoutDownloading()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var fileId = h.Server.AddFile(new byte[5000], "documents/big.bin");
        using var destination = new MemoryStream();

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(
            () => channel.DownloadAsync(new InboundAttachment { FileId = fileId }, destination, 1000, Ct));

        Assert.Contains("1,000-byte limit", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Server.CallCount("download"));
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task DownloadAsync_FileLargerThanReported_StopsAtTheLimit()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var fileId = h.Server.AddFile(new byte[200_000], "documents/liar.bin", reportedSize: 10);
        using var destination = new MemoryStream();

        var error = await Assert.ThrowsAsync<ChannelDeliveryException>(
            () => channel.DownloadAsync(new InboundAttachment { FileId = fileId, SizeBytes = 10 }, destination, 50_000, Ct));

        Assert.Contains("50,000-byte limit", error.Message, StringComparison.Ordinal);
        Assert.True(destination.Length <= 50_000);
    }

    [Fact]
    public async Task Logs_NeverCarryTheToken_AndMessageTextOnlyAtTrace()
    {
        await using var h = await TelegramHarness.StartAsync();
        using var logs = new OpenClaw.Testing.CapturingLoggerProvider();
        h.StartConsumer();
        var channel = h.CreateChannel(loggerFactory: logs, limits: TelegramHarness.FastLimits with { MaxSendAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(1) });
        await channel.StartAsync(h.Inbound, Ct);
        h.Server.PushPrivateText(1001, "my private words");
        await h.WaitForReceivedAsync(1);
        h.Server.FailNext("sendMessage", 2, FakeTelegramFault.ServerError());
        await Assert.ThrowsAsync<ChannelDeliveryException>(() => channel.SendTextAsync("1001", "the reply text", null, Ct));
        h.Server.Token = "1:AAsomethingElseEntirely_abcdefghijklmno";
        await channel.ProbeAsync(Ct);

        Assert.DoesNotContain(FakeTelegramServer.DefaultToken, logs.AllText, StringComparison.Ordinal);
        Assert.Contains("401", logs.AllText, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Message.Contains("my private words", StringComparison.Ordinal));
        Assert.All(
            logs.Entries.Where(e => e.Message.Contains("my private words", StringComparison.Ordinal) || e.Message.Contains("the reply text", StringComparison.Ordinal)),
            e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Trace, e.Level));
    }
}
