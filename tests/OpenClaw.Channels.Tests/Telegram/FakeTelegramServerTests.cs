using System.Net;
using System.Text.Json;
using OpenClaw.Core.Config;
using OpenClaw.Testing.Telegram;

namespace OpenClaw.Channels.Tests.Telegram;

/// <summary>The fake Bot API itself: gateway tests and benchmarks rely on it behaving like Telegram.</summary>
public sealed class FakeTelegramServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> PostFormAsync(HttpClient http, Uri url, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync(url, new FormUrlEncodedContent(form), Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task FormBodies_WrongToken_AndUnknownMethods_AnswerLikeTelegram()
    {
        await using var server = await FakeTelegramServer.StartAsync(Ct);
        using var http = new HttpClient();
        var bot = new Uri(server.BaseUrl, "/bot" + FakeTelegramServer.DefaultToken + "/");

        var sent = await PostFormAsync(http, new Uri(bot, "sendMessage"), new() { ["chat_id"] = "1001", ["text"] = "via form", ["reply_parameters"] = "{\"message_id\":5}" });
        Assert.True(sent.GetProperty("ok").GetBoolean());
        Assert.Equal("via form", sent.GetProperty("result").GetProperty("text").GetString());
        Assert.Equal(5, Assert.Single(server.SentMessages).ReplyToMessageId);

        using var unauthorized = await http.PostAsync(new Uri(server.BaseUrl, "/bot123:wrong/getMe"), null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("\"error_code\":401", await unauthorized.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var unknown = await PostFormAsync(http, new Uri(bot, "sendTelepathy"), []);
        Assert.Equal(404, unknown.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task GetUpdates_HoldsUntilAPush_AndAnOffsetForgetsWhatIsBelowIt()
    {
        await using var server = await FakeTelegramServer.StartAsync(Ct);
        using var http = new HttpClient();
        var url = new Uri(server.BaseUrl, "/bot" + FakeTelegramServer.DefaultToken + "/getUpdates");

        var poll = PostFormAsync(http, url, new() { ["timeout"] = "60" });
        await server.WaitForCallsAsync("getUpdates", 1, Ct);
        Assert.False(poll.IsCompleted);
        var id = server.PushPrivateText(1001, "wake up");
        var first = await poll.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, Ct);
        Assert.Equal(id, first.GetProperty("result")[0].GetProperty("update_id").GetInt64());

        var next = await PostFormAsync(http, url, new() { ["offset"] = (id + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ["timeout"] = "0" });
        Assert.Equal(0, next.GetProperty("result").GetArrayLength());
        Assert.Equal(0, server.PendingUpdateCount);
    }

    [Fact]
    public async Task FaultsAndASecondPoller_AnswerTelegramsErrors()
    {
        await using var server = await FakeTelegramServer.StartAsync(Ct);
        using var http = new HttpClient();
        var bot = new Uri(server.BaseUrl, "/bot" + FakeTelegramServer.DefaultToken + "/");
        server.FailNext("sendMessage", 1, FakeTelegramFault.TooManyRequests(3));

        var limited = await PostFormAsync(http, new Uri(bot, "sendMessage"), new() { ["chat_id"] = "1", ["text"] = "x" });
        Assert.Equal(429, limited.GetProperty("error_code").GetInt32());
        Assert.Equal(3, limited.GetProperty("parameters").GetProperty("retry_after").GetInt32());

        var first = PostFormAsync(http, new Uri(bot, "getUpdates"), new() { ["timeout"] = "60" });
        await server.WaitForCallsAsync("getUpdates", 1, Ct);
        var second = PostFormAsync(http, new Uri(bot, "getUpdates"), new() { ["timeout"] = "60" });

        // Whichever poll the fake saw first is ended with 409; the other one gets the update.
        var ended = await Task.WhenAny(first, second).WaitAsync(OpenClaw.Testing.TestTimeouts.Default, Ct);
        Assert.Equal(409, (await ended).GetProperty("error_code").GetInt32());
        server.PushPrivateText(1, "for the newer poller");
        var other = ended == first ? second : first;
        Assert.Equal(1, (await other.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, Ct)).GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task RestartAsync_KeepsPendingUpdates_AndTheChannelReconnects()
    {
        await using var h = await TelegramHarness.StartAsync();
        h.StartConsumer();
        var channel = h.CreateChannel();
        await channel.StartAsync(h.Inbound, Ct);
        h.Server.PushPrivateText(1001, "before the outage");
        await h.WaitForReceivedAsync(1);

        await h.Server.StopAsync();
        h.Server.PushPrivateText(1001, "during the outage");
        await h.Server.RestartAsync(Ct);

        var received = await h.WaitForReceivedAsync(2);
        Assert.Equal(["before the outage", "during the outage"], received.Select(m => m.Text));
        Assert.Equal(TelegramMode.Polling, h.Options.Mode);
    }
}
