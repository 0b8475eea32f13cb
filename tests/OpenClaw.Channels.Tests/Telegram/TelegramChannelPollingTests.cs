using OpenClaw.Channels.Inbound;
using OpenClaw.Channels.Telegram;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramChannelPollingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Polling_PrivateText_ArrivesAsADirectMessageFromTheSender()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);
        var updateId = h.Server.PushPrivateText(1001, "hello there", firstName: "Ada", lastName: "Lovelace");

        var message = Assert.Single(await h.WaitForReceivedAsync(1));
        Assert.Equal(PeerKind.Direct, message.PeerKind);
        Assert.Equal("1001", message.ChatId);
        Assert.Equal("1001", message.SenderId);
        Assert.Equal("Ada Lovelace", message.SenderName);
        Assert.Equal("hello there", message.Text);
        Assert.Equal("openclaw_test_bot", message.Account);
        Assert.Equal(updateId, message.UpdateId);
        Assert.NotNull(message.MessageId);
        Assert.False(message.MentionsBot);
        Assert.Equal(TelegramChannel.ChannelIdValue, message.Channel);
        Assert.True(channel.Status.Connected);
        Assert.Equal("@openclaw_test_bot", channel.Status.Account);
        Assert.Equal("polling", channel.Status.Mode);
        Assert.Equal(1, h.Server.CallCount("deleteWebhook"));
    }

    [Fact]
    public async Task Polling_GroupMessages_MarkMentionsOfTheBotOnly()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);
        h.Server.PushGroupText(-100500, 1001, "@OpenClaw_Test_Bot what time is it? cc @alice");
        h.Server.PushGroupText(-100500, 1002, "just chatting with @alice");
        h.Server.PushGroupText(-100500, 1003, "/new@openclaw_test_bot");
        h.Server.PushGroupText(-100500, 1004, "/new@some_other_bot");

        var received = await h.WaitForReceivedAsync(4);
        Assert.All(received, m => Assert.Equal(PeerKind.Group, m.PeerKind));
        Assert.All(received, m => Assert.Equal("-100500", m.ChatId));
        Assert.Equal([true, false, true, false], received.Select(m => m.MentionsBot));
        Assert.Equal(["OpenClaw_Test_Bot", "alice"], received[0].Mentions);
        Assert.Equal(["alice"], received[1].Mentions);
        Assert.Equal("1002", received[1].SenderId);
    }

    [Fact]
    public async Task Polling_ReplyToTheBot_AddressesTheBot_ReplyToSomeoneElseDoesNot()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);
        h.Server.PushReply(-100500, 1001, "and then?", replyToMessageId: 77, toBot: true);
        h.Server.PushReply(-100500, 1001, "agreed", replyToMessageId: 78, toBot: false);

        var received = await h.WaitForReceivedAsync(2);
        Assert.Equal("77", received[0].ReplyToMessageId);
        Assert.True(received[0].MentionsBot);
        Assert.Equal("78", received[1].ReplyToMessageId);
        Assert.False(received[1].MentionsBot);
    }

    [Fact]
    public async Task Polling_PhotoAndDocument_BecomeAttachmentsWithTheCaptionAsText()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);
        h.Server.PushPhoto(1001, 1001, new byte[5000], caption: "look at this");
        var photoId = h.Server.LastFileId;
        h.Server.PushDocument(1001, 1001, "report.pdf", "application/pdf", new byte[1234]);

        var received = await h.WaitForReceivedAsync(2);
        Assert.Equal("look at this", received[0].Text);
        var photo = Assert.Single(received[0].Attachments);
        Assert.Equal(photoId, photo.FileId);
        Assert.Equal("image/jpeg", photo.MimeType);
        Assert.Equal(5000, photo.SizeBytes);
        Assert.Equal("", received[1].Text);
        var document = Assert.Single(received[1].Attachments);
        Assert.Equal("report.pdf", document.FileName);
        Assert.Equal("application/pdf", document.MimeType);
        Assert.Equal(1234, document.SizeBytes);
    }

    [Fact]
    public async Task Polling_UpdatesThatAreNotNewMessages_AreSkippedButConfirmed()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);
        h.Server.PushUpdate("""{"edited_message":{"message_id":5,"date":1,"chat":{"id":1001,"type":"private"},"from":{"id":1001,"is_bot":false,"first_name":"A"},"text":"edit"}}""");
        h.Server.PushUpdate("""{"callback_query":{"id":"q1","from":{"id":1001,"is_bot":false,"first_name":"A"},"chat_instance":"c","data":"x"}}""");
        h.Server.PushUpdate("""{"channel_post":{"message_id":6,"date":1,"chat":{"id":-1009,"type":"channel"},"text":"news"}}""");
        h.Server.PushUpdate("""{"message":{"message_id":7,"date":1,"chat":{"id":-100500,"type":"supergroup"},"from":{"id":1001,"is_bot":false,"first_name":"A"},"new_chat_members":[{"id":1002,"is_bot":false,"first_name":"B"}]}}""");
        var last = h.Server.PushPrivateText(1001, "the real one");

        var message = Assert.Single(await h.WaitForReceivedAsync(1));
        Assert.Equal("the real one", message.Text);
        await h.Server.WaitUntilAsync(() => h.Server.ConfirmedOffset == last + 1, Ct);
        Assert.Equal(0, h.Server.PendingUpdateCount);
    }

    [Fact]
    public async Task Polling_OffsetIsPersistedAfterProcessing_AndANewChannelDoesNotReplay()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        var first = h.CreateChannel();
        await first.StartAsync(h.Inbound, Ct);
        h.Server.PushPrivateText(1001, "one");
        var second = h.Server.PushPrivateText(1001, "two");
        await h.WaitForReceivedAsync(2);
        await first.StopAsync(Ct);

        var file = Path.Combine(h.State.Path, "offset.json");
        Assert.Equal($"{{\"offset\":{second + 1}}}", File.ReadAllText(file).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var next = h.CreateChannel();
        await next.StartAsync(h.Inbound, Ct);
        h.Server.PushPrivateText(1001, "three");
        var received = await h.WaitForReceivedAsync(3);
        Assert.Equal(["one", "two", "three"], received.Select(m => m.Text));
    }

    [Fact]
    public async Task Polling_RestartInTheMiddleOfAStream_DeliversEveryUpdateExactlyOnce()
    {
        const int total = 400;
        await using var h = await TelegramHarness.StartAsync(capacity: 8);
        h.StartConsumer();
        var first = h.CreateChannel();
        await first.StartAsync(h.Inbound, Ct);
        var pushing = Task.Run(() =>
        {
            for (var i = 0; i < total; i++)
            {
                h.Server.PushPrivateText(1001, "m" + i);
            }
        }, Ct);

        await h.WaitForReceivedAsync(50);
        await first.StopAsync(Ct); // updates are still being pushed
        var second = h.CreateChannel();
        await second.StartAsync(h.Inbound, Ct);
        await pushing;

        var received = await h.WaitForReceivedAsync(total);
        await second.StopAsync(Ct);
        Assert.Equal(total, received.Count);
        Assert.Equal(total, received.Select(m => m.UpdateId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, total).Select(i => "m" + i), received.Select(m => m.Text));
    }

    [Fact]
    public async Task Polling_DamagedOffsetFile_IsAStatusErrorAndNothingIsFetched()
    {
        await using var h = await TelegramHarness.StartAsync();
        File.WriteAllText(Path.Combine(h.State.Path, "offset.json"), "{\"offset\": \"garbage");
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);

        Assert.False(channel.Status.Connected);
        Assert.Contains("offset.json", channel.Status.Error, StringComparison.Ordinal);
        Assert.Contains("delete the file", channel.Status.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Server.CallCount("getUpdates"));
    }

    [Fact]
    public async Task Polling_SameUpdateIdTwice_IsProcessedOnce()
    {
        await using var h = await TelegramHarness.StartAsync();
        var update = """{"update_id":5000,"message":{"message_id":9,"date":1,"chat":{"id":1001,"type":"private"},"from":{"id":1001,"is_bot":false,"first_name":"A"},"text":"once"}}""";
        h.Server.PushUpdate(update);
        h.Server.PushUpdate(update);
        h.Server.PushUpdate("""{"update_id":5001,"message":{"message_id":10,"date":1,"chat":{"id":1001,"type":"private"},"from":{"id":1001,"is_bot":false,"first_name":"A"},"text":"after"}}""");
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);

        var received = await h.WaitForReceivedAsync(2);
        await h.Server.WaitUntilAsync(() => h.Server.ConfirmedOffset == 5002, Ct);
        Assert.Equal(["once", "after"], h.Received.Select(m => m.Text));
    }

    [Fact]
    public async Task Polling_AnUpdateTheGatewayFailedToRecord_ComesAgain()
    {
        await using var h = await TelegramHarness.StartAsync();
        var failedOnce = 0;
        h.Outcome = m => m.Text == "flaky" && Interlocked.Exchange(ref failedOnce, 1) == 0 ? InboundOutcome.Failed : InboundOutcome.Dispatched;
        h.Server.PushPrivateText(1001, "before");
        h.Server.PushPrivateText(1001, "flaky");
        h.Server.PushPrivateText(1001, "after");
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);

        var received = await h.WaitForReceivedAsync(3);
        Assert.Equal(["before", "after", "flaky"], received.Select(m => m.Text));
        Assert.Equal(1, failedOnce);
    }

    [Fact]
    public async Task Polling_TwoFailuresInOneBatch_BothComeAgain_AndTheSuccessBetweenThemIsNotRepeated()
    {
        await using var h = await TelegramHarness.StartAsync();
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        h.Outcome = m => m.Text.StartsWith("flaky", StringComparison.Ordinal) && failures.AddOrUpdate(m.Text, 1, (_, n) => n + 1) == 1
            ? InboundOutcome.Failed
            : InboundOutcome.Dispatched;
        h.Server.PushPrivateText(1001, "flaky one");
        h.Server.PushPrivateText(1001, "steady");
        h.Server.PushPrivateText(1001, "flaky two");
        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);

        var received = await h.WaitForReceivedAsync(3);
        Assert.Equal(["flaky one", "flaky two", "steady"], received.Select(m => m.Text).Order(StringComparer.Ordinal));
        await h.Server.WaitUntilAsync(() => h.Server.PendingUpdateCount == 0, Ct);
        Assert.Single(h.Received, m => m.Text == "steady");
    }

    [Fact]
    public async Task Polling_FullBuffer_StopsFetchingUntilTheBatchIsProcessed()
    {
        await using var h = await TelegramHarness.StartAsync(capacity: 2);
        for (var i = 0; i < 10; i++)
        {
            h.Server.PushPrivateText(1001, "m" + i);
        }

        var channel = h.CreateChannel(limits: TelegramHarness.FastLimits with { PollBatchSize = 5 });
        await channel.StartAsync(h.Inbound, Ct);

        // Take three items by hand without completing them: the adapter must not fetch more meanwhile.
        var taken = new List<InboundItem>();
        await using (var reader = h.Inbound.ReadAllAsync(Ct).GetAsyncEnumerator(Ct))
        {
            while (taken.Count < 3 && await reader.MoveNextAsync())
            {
                taken.Add(reader.Current);
                Assert.True(h.Inbound.Count <= 2);
            }
        }

        Assert.Equal(1, h.Server.CallCount("getUpdates"));
        Assert.Equal(10, h.Server.PendingUpdateCount);
        foreach (var item in taken)
        {
            item.Complete(InboundOutcome.Dispatched);
        }

        h.StartConsumer();
        var received = await h.WaitForReceivedAsync(7);
        Assert.Equal(Enumerable.Range(3, 7).Select(i => "m" + i), received.Select(m => m.Text));
        await h.Server.WaitUntilAsync(() => h.Server.PendingUpdateCount == 0, Ct);
    }

    [Fact]
    public async Task Polling_FloodOf10000Updates_FlowsThroughWithBoundedQueueAndMemory()
    {
        const int total = 10_000;
        await using var h = await TelegramHarness.StartAsync(capacity: 64);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < total; i++)
        {
            h.Server.PushPrivateText(1001 + (i % 50), "flood " + i);
        }

        h.StartConsumer();
        await h.CreateChannel().StartAsync(h.Inbound, Ct);
        var received = await h.WaitForReceivedAsync(total);

        Assert.Equal(total, received.Select(m => m.UpdateId).Distinct().Count());
        Assert.True(h.MaxQueued <= 64, $"the queue held {h.MaxQueued} items");
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(grown < 64L * 1024 * 1024, $"managed memory grew by {grown:N0} bytes");
    }

    [Fact]
    public async Task Start_WithoutAToken_ReportsHowToSetIt()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.Options = h.Options with { BotToken = OpenClaw.Core.Config.SecretReference.Credential("telegram-missing") };
        var channel = h.CreateChannel();
        var changes = new List<ChannelStatus>();
        channel.StatusChanged += changes.Add;
        await channel.StartAsync(h.Inbound, Ct);

        Assert.False(channel.Status.Connected);
        Assert.Contains("openclaw credentials set telegram-missing", channel.Status.Error, StringComparison.Ordinal);
        Assert.Contains(changes, s => s.Error is not null);
        Assert.Equal(0, h.Server.CallCount("getMe"));
    }

    [Fact]
    public async Task Start_WithARejectedToken_Reports401WithoutTheToken()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.Server.Token = "999:AAnotTheTokenTheChannelHas_abcdefghijkl";
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);

        Assert.False(channel.Status.Connected);
        Assert.Equal("Telegram rejected the bot token (401); set a valid one with `openclaw credentials set telegram`", channel.Status.Error);
        var probed = await channel.ProbeAsync(Ct);
        Assert.False(probed.Connected);
        Assert.DoesNotContain(FakeTelegramServer.DefaultToken, probed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polling_ServerErrors_AreAStatusUntilTelegramAnswersAgain()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        h.Server.FailNext("getUpdates", 3, FakeTelegramFault.BadGateway());
        var channel = h.CreateChannel();
        var errors = new List<string>();
        channel.StatusChanged += s =>
        {
            if (s.Error is { } e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        };
        await channel.StartAsync(h.Inbound, Ct);
        h.Server.PushPrivateText(1001, "made it");

        await h.WaitForReceivedAsync(1);
        Assert.True(channel.Status.Connected);
        Assert.Null(channel.Status.Error);
        lock (errors)
        {
            Assert.Contains(errors, e => e.Contains("502", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Probe_AsksTelegramNow()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        var status = await channel.ProbeAsync(Ct);

        Assert.True(status.Connected);
        Assert.Equal("@openclaw_test_bot", status.Account);
        Assert.Equal(1, h.Server.CallCount("getMe"));
    }

    [Fact]
    public async Task Stop_WhileALongPollIsHeld_ReturnsPromptly()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel(limits: TelegramHarness.FastLimits with { PollTimeoutSeconds = 600 });
        await channel.StartAsync(h.Inbound, Ct);
        await h.Server.WaitForCallsAsync("getUpdates", 1, Ct);

        await channel.StopAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(channel.Status.Connected);
    }

    [Fact]
    public async Task Polling_AWebhookSetElsewhere_IsDeletedAndPollingGoesOn()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);
        await h.Server.WaitForCallsAsync("getUpdates", 1, Ct);

        using (var http = new HttpClient())
        {
            var url = new Uri(h.Server.BaseUrl, "/bot" + FakeTelegramServer.DefaultToken + "/setWebhook");
            using var response = await http.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["url"] = "https://elsewhere.example/hook" }), Ct);
            response.EnsureSuccessStatusCode();
        }

        h.Server.PushPrivateText(1001, "still here");
        var message = Assert.Single(await h.WaitForReceivedAsync(1));
        Assert.Equal("still here", message.Text);
        Assert.Null(h.Server.WebhookUrl);
        Assert.Equal(2, h.Server.CallCount("deleteWebhook"));
    }
}
