using Microsoft.Extensions.Time.Testing;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

public sealed class TelegramStreamingReplyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Streaming_ManyDeltas_EditsAtMostOncePerIntervalAndEndsWithTheFinalText()
    {
        await using var h = await TelegramHarness.StartAsync();
        var time = new SignalingTimeProvider();
        var channel = h.CreateChannel(time);
        await using var reply = channel.BeginReply("1001", "55");

        reply.Append("Hel");
        var first = await h.Server.WaitForMessageAsync(1001, "Hel", Ct);
        Assert.Equal(55, Assert.Single(h.Server.SentMessages).ReplyToMessageId);
        for (var i = 0; i < 500; i++)
        {
            reply.Append(" word" + i);
        }

        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), Ct);
        Assert.Empty(h.Server.Edits); // the interval has not passed
        time.Advance(TimeSpan.FromSeconds(1));
        await h.Server.WaitForMessageAsync(1001, "word499", Ct);
        Assert.Single(h.Server.Edits);

        var ids = await reply.CompleteAsync("Hello, final answer.", Ct);

        Assert.Equal([first.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture)], ids);
        Assert.Equal(2, h.Server.Edits.Count);
        var shown = Assert.Single(h.Server.Transcript(1001));
        Assert.Equal("Hello, final answer.", shown.PlainText);
        Assert.Equal("HTML", shown.ParseMode);
    }

    [Fact]
    public async Task Streaming_CompleteWithoutDeltas_SendsTheFinalTextAsAReply()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel();
        await using var reply = channel.BeginReply("1001", "9");

        var ids = await reply.CompleteAsync("Just this.", Ct);

        var sent = Assert.Single(h.Server.SentMessages);
        Assert.Equal("Just this.", sent.PlainText);
        Assert.Equal(9, sent.ReplyToMessageId);
        Assert.Single(ids);
        Assert.Empty(h.Server.Edits);
    }

    [Fact]
    public async Task Streaming_FinalTextLongerThanOneMessage_EditsTheFirstPartAndSendsTheRest()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel(new FakeTimeProvider());
        await using var reply = channel.BeginReply("1001", null);
        reply.Append("Thinking");
        await h.Server.WaitForMessageAsync(1001, "Thinking", Ct);
        var final = string.Concat(Enumerable.Range(0, 1000).Select(i => $"part {i:D4}\n"));

        var ids = await reply.CompleteAsync(final, Ct);

        var transcript = h.Server.Transcript(1001);
        Assert.Equal(3, ids.Count);
        Assert.Equal(3, transcript.Count);
        Assert.Equal(final, string.Concat(transcript.Select(m => m.PlainText)));
    }

    [Fact]
    public async Task Streaming_FinalTextSameAsShown_CountsAsDelivered()
    {
        await using var h = await TelegramHarness.StartAsync();
        var channel = h.CreateChannel(new FakeTimeProvider());
        channel.FormatReply = text => [text]; // the final HTML equals the streamed plain text
        await using var reply = channel.BeginReply("1001", null);
        reply.Append("Same text");
        await h.Server.WaitForMessageAsync(1001, "Same text", Ct);
        h.Server.FailNext("editMessageText", 1, FakeTelegramFault.BadRequest("Bad Request: message is not modified: specified new message content and reply markup are exactly the same"));

        var ids = await reply.CompleteAsync("Same text", Ct);

        Assert.Single(ids);
        Assert.Equal(1, h.Server.CallCount("editMessageText"));
    }
}
