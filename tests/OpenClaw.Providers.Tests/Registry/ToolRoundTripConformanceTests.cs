using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Registry;

/// <summary>
/// The "done when": the same conversation with a tool call round trip runs through Anthropic, OpenAI and an
/// OpenAI-compatible server (each a fake speaking its real wire format, through the registry the gateway uses) with
/// identical results at the <see cref="IChatClient"/> level.
/// </summary>
public sealed class ToolRoundTripConformanceTests
{
    private static readonly AIFunctionDeclaration s_weather = AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "The weather in a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["C","F"]}},"required":["city"]}""").RootElement);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_same_tool_round_trip_gives_the_same_result_from_every_provider(bool streaming)
    {
        await using var fixture = await ProviderFixture.StartAsync();
        var transcripts = new Dictionary<string, string>();
        foreach (var provider in new[] { "claude", "gpt", "local" })
        {
            var server = fixture.Server(provider);
            server.Enqueue(
                new FakeReply
                {
                    Blocks = [new FakeText("Let me check. "), new FakeToolCall("call_1", "get_weather", """{"city":"Paris — Île-de-France","unit":"C"}""")],
                    DeltaChars = 3,
                    Chunking = FakeChunking.Awkward,
                    Usage = new FakeUsage(40, 12),
                },
                new FakeReply { Blocks = [new FakeText("It is sunny and 21 °C in Paris. ☀️")], DeltaChars = 5, Usage = new FakeUsage(60, 9) });
            var client = fixture.Registry.ForModels([$"{provider}/model-x"]);
            var options = new ChatOptions { Tools = [s_weather], MaxOutputTokens = 512 };
            List<ChatMessage> conversation = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Weather in Paris?")];

            var first = await AskAsync(client, conversation, options, streaming);
            var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            conversation.AddRange(first.Messages);
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 21 C")]));
            var second = await AskAsync(client, conversation, options, streaming);

            transcripts[provider] = ChatTranscript.Describe(first, call) + " || " + ChatTranscript.Describe(second, null);

            // Each provider got the tool result back in its own format, tied to the call's id.
            var request = server.Requests[^1].Body;
            Assert.Contains("call_1", request, StringComparison.Ordinal);
            Assert.Contains("sunny, 21 C", request, StringComparison.Ordinal);
        }

        Assert.Equal(
            "text=[Let me check. ] call=get_weather#call_1{city=Paris — Île-de-France,unit=C} finish=tool_calls usage=40/12 || " +
            "text=[It is sunny and 21 °C in Paris. ☀️] finish=stop usage=60/9",
            transcripts["claude"]);
        Assert.Equal(transcripts["claude"], transcripts["gpt"]);
        Assert.Equal(transcripts["claude"], transcripts["local"]);
    }

    private static async Task<ChatResponse> AskAsync(IChatClient client, List<ChatMessage> conversation, ChatOptions options, bool streaming) =>
        streaming
            ? await client.GetStreamingResponseAsync(conversation, options, TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken)
            : await client.GetResponseAsync(conversation, options, TestContext.Current.CancellationToken);
}
