using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Core.Events;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.AotCheck;

/// <summary>
/// The run-time checks: each drives the real clients through the registry against a fake in its provider's wire format
/// and throws <see cref="CheckFailedException"/> when the result is not what a user would get on the JIT.
/// </summary>
internal static class Checks
{
    private static readonly AIFunctionDeclaration s_weather = AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "The weather in a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["C","F"]}},"required":["city"]}""").RootElement);

    private static readonly ChatMessage[] s_hello = [new(ChatRole.User, "Hello?")];

    /// <summary>Every check, by name, in the order they run.</summary>
    public static IEnumerable<(string Name, Func<CancellationToken, Task> Run)> All()
    {
        // The conditions the official Anthropic SDK fails under: without them the other checks would prove little.
        yield return ("reflection-json-off", _ =>
        {
            Expect(!JsonSerializer.IsReflectionEnabledByDefault, "reflection-based JSON is enabled");
            return Task.CompletedTask;
        });

        foreach (var provider in CheckFixture.ProviderNames)
        {
            foreach (var streaming in new[] { true, false })
            {
                yield return ($"tool-round-trip/{provider}/{Mode(streaming)}", ct => ToolRoundTripAsync(provider, streaming, ct));
            }
        }

        foreach (var streaming in new[] { true, false })
        {
            yield return ($"thinking-round-trip/claude/{Mode(streaming)}", ct => ThinkingRoundTripAsync(streaming, ct));
        }

        foreach (var provider in CheckFixture.ProviderNames)
        {
            yield return ($"models/{provider}", ct => ModelsAsync(provider, ct));
        }

        foreach (var provider in CheckFixture.ProviderNames)
        {
            yield return ($"retry-429/{provider}", ct => RetryAfterRateLimitAsync(provider, ct));
        }

        foreach (var provider in CheckFixture.ProviderNames)
        {
            yield return ($"rejected-400/{provider}", ct => RejectedAsync(provider, ct));
        }

        yield return ("failover/claude-500-to-gpt", FailoverAsync);
        foreach (var streaming in new[] { true, false })
        {
            yield return ($"cache-usage/claude/{Mode(streaming)}", ct => CacheUsageAsync(streaming, ct));
        }

        yield return ("cache-usage/gpt/streaming", OpenAICacheUsageAsync);
    }

    /// <summary>One line saying what went wrong (the exception chain's types and messages).</summary>
    public static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e is CheckFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" <- ", parts);
    }

    // Text plus a tool call whose arguments (non-ASCII, split mid-character) arrive over many deltas, then the tool
    // result goes back and a final answer comes: the conformance test's conversation, with identical expectations.
    private static async Task ToolRoundTripAsync(string provider, bool streaming, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        var server = fixture.Server(provider);
        server.Enqueue(
            new FakeReply
            {
                Blocks = [new FakeText("Let me check. "), new FakeToolCall("call_1", "get_weather", """{"city":"Paris — Île-de-France","unit":"C"}""")],
                DeltaChars = 3,
                Chunking = FakeChunking.Awkward,
                Usage = new FakeUsage(40, 12),
            },
            new FakeReply { Blocks = [new FakeText("It is sunny and 21 °C in Paris. ☀️")], DeltaChars = 5, Chunking = FakeChunking.Awkward, Usage = new FakeUsage(60, 9) });
        var client = fixture.Registry.ForModels([$"{provider}/model-x"]);
        var options = new ChatOptions { Tools = [s_weather], MaxOutputTokens = 512 };
        List<ChatMessage> conversation = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Weather in Paris?")];

        var first = await AskAsync(client, conversation, options, streaming, ct);
        var calls = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Expect(calls.Count == 1, $"expected one tool call, got {calls.Count}");
        var call = calls[0];
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 21 C")]));
        var second = await AskAsync(client, conversation, options, streaming, ct);

        Equal(
            "text=[Let me check. ] call=get_weather#call_1{city=Paris — Île-de-France,unit=C} finish=tool_calls usage=40/12 || " +
            "text=[It is sunny and 21 °C in Paris. ☀️] finish=stop usage=60/9",
            ChatTranscript.Describe(first, call) + " || " + ChatTranscript.Describe(second, null),
            "transcript");
        var request = server.Requests[^1].Body;
        Expect(request.Contains("call_1", StringComparison.Ordinal) && request.Contains("sunny, 21 C", StringComparison.Ordinal), "the tool result was not sent back with the call's id");
    }

    // Extended thinking: the reasoning text and its signature come back as TextReasoningContent and go back verbatim
    // (Anthropic refuses a tool result whose thinking block lost its signature).
    private static async Task ThinkingRoundTripAsync(bool streaming, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        fixture.Anthropic.Enqueue(
            new FakeReply
            {
                Blocks = [new FakeThinking("I should call the tool. ünïcode", "sig-abc=="), new FakeToolCall("toolu_9", "get_weather", """{"city":"Oslo"}""")],
                DeltaChars = 4,
                Chunking = FakeChunking.Awkward,
            },
            FakeReply.Text("Done."));
        var client = fixture.Registry.ForModels(["claude/claude-sonnet-4-5"]);
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium }, Tools = [s_weather] };
        List<ChatMessage> conversation = [new(ChatRole.User, "Weather in Oslo?")];

        var first = await AskAsync(client, conversation, options, streaming, ct);
        var reasoning = first.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ToList();
        Equal("I should call the tool. ünïcode", string.Concat(reasoning.Select(r => r.Text)), "reasoning text");
        Equal("sig-abc==", string.Concat(reasoning.Select(r => r.ProtectedData)), "signature");
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_9", "snow")]));
        var second = await AskAsync(client, conversation, options, streaming, ct);
        Equal("Done.", second.Text, "final text");

        using var body = JsonDocument.Parse(fixture.Anthropic.Requests[1].Body);
        var root = body.RootElement;
        Expect(root.GetProperty("thinking").GetProperty("budget_tokens").GetInt32() > 0, "no thinking budget was requested");
        var assistant = root.GetProperty("messages")[1];
        var thinking = assistant.GetProperty("content")[0];
        Equal("thinking", thinking.GetProperty("type").GetString(), "first block sent back");
        Equal("I should call the tool. ünïcode", thinking.GetProperty("thinking").GetString(), "thinking sent back");
        Equal("sig-abc==", thinking.GetProperty("signature").GetString(), "signature sent back");
        Equal("tool_use", assistant.GetProperty("content")[1].GetProperty("type").GetString(), "second block sent back");
        Equal("toolu_9", root.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString(), "tool_result id");
    }

    private static async Task ModelsAsync(string provider, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        var expected = provider == "claude" ? fixture.Anthropic.Models : provider == "gpt" ? fixture.OpenAI.Models : fixture.Local.Models;
        if (provider == "claude")
        {
            // More than one page: the listing must follow has_more / after_id.
            fixture.Anthropic.Models = [.. Enumerable.Range(1, 45).Select(i => "claude-model-" + i.ToString(CultureInfo.InvariantCulture))];
            expected = fixture.Anthropic.Models;
        }

        var listed = await fixture.Registry.ListModelsAsync(provider, ct);

        Equal(string.Join(",", expected), string.Join(",", listed.Select(m => m.Id)), "model ids");
        Expect(listed.All(m => m.Provider == provider), "a listing carried the wrong provider name");
    }

    // A 429 with Retry-After: 0, then success: the retry pipeline (Polly) runs, the user gets the second answer.
    private static async Task RetryAfterRateLimitAsync(string provider, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        var server = fixture.Server(provider);
        server.Enqueue(FakeReply.Failure(429, retryAfterSeconds: 0), FakeReply.Text("second time lucky"));

        var text = await StreamTextAsync(fixture.Registry.ForModels([provider + "/m"]), ct);

        Equal("second time lucky", text, "answer");
        Equal(2, server.RequestCount, "requests");
    }

    private static async Task RejectedAsync(string provider, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        var server = fixture.Server(provider);
        server.Enqueue(FakeReply.Failure(400));

        var ex = await ThrowsAsync(() => StreamTextAsync(fixture.Registry.ForModels([provider + "/m"]), ct));

        Equal($"{ProviderFailure.Rejected}/400/{provider}", $"{ex.Failure}/{ex.Status}/{ex.Provider}", "failure");
        Equal(1, server.RequestCount, "requests (a rejected request is not retried)");
    }

    private static async Task FailoverAsync(CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct, c => CheckFixture.WithProvider(c, "claude", p => p with { MaxRetries = 0 }));
        fixture.Anthropic.Enqueue(FakeReply.Failure(500));
        fixture.OpenAI.Enqueue(FakeReply.Text("the fallback answered"));
        var client = fixture.Registry.ForModels(["claude/primary-model", "gpt/fallback-model"]);

        string? model = null;
        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync(s_hello, cancellationToken: ct))
        {
            text += update.Text;
            model ??= update.ModelId;
        }

        Equal("the fallback answered", text, "answer");
        Equal("fallback-model", model, "answering model");
        Equal(1, fixture.Anthropic.RequestCount, "primary requests (maxRetries 0)");
        Expect(fixture.OpenAI.Requests.Single().Body.Contains("fallback-model", StringComparison.Ordinal), "the fallback was not asked for its own model");
    }

    private static async Task CacheUsageAsync(bool streaming, CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        fixture.Anthropic.Enqueue(FakeReply.Text("cached", new FakeUsage(Input: 12, Output: 34, CacheRead: 56, CacheWrite: 78)));

        var response = await AskAsync(fixture.Registry.ForModels(["claude/m"]), [.. s_hello], null, streaming, ct);

        Equal("cached", response.Text, "answer");
        Equal(new TokenUsage(12, 34, 56, 78), ProviderUsage.ToTokenUsage(response.Usage), "usage (input, output, cache read, cache write)");
    }

    private static async Task OpenAICacheUsageAsync(CancellationToken ct)
    {
        await using var fixture = await CheckFixture.StartAsync(ct);
        fixture.OpenAI.Enqueue(FakeReply.Text("cached", new FakeUsage(Input: 30, Output: 7, CacheRead: 70)));

        var response = await AskAsync(fixture.Registry.ForModels(["gpt/m"]), [.. s_hello], null, streaming: true, ct);

        Equal(new TokenUsage(30, 7, 70, 0), ProviderUsage.ToTokenUsage(response.Usage), "usage (uncached input, output, cache read, cache write)");
    }

    private static async Task<ChatResponse> AskAsync(IChatClient client, List<ChatMessage> conversation, ChatOptions? options, bool streaming, CancellationToken ct) =>
        streaming
            ? await client.GetStreamingResponseAsync(conversation, options, ct).ToChatResponseAsync(ct)
            : await client.GetResponseAsync(conversation, options, ct);

    private static async Task<string> StreamTextAsync(IChatClient client, CancellationToken ct)
    {
        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync(s_hello, cancellationToken: ct))
        {
            text += update.Text;
        }

        return text;
    }

    private static async Task<ProviderException> ThrowsAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ProviderException ex)
        {
            return ex;
        }

        throw new CheckFailedException("expected a ProviderException, got none");
    }

    private static string Mode(bool streaming) => streaming ? "streaming" : "non-streaming";

    private static void Expect(bool condition, string why)
    {
        if (!condition)
        {
            throw new CheckFailedException(why);
        }
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new CheckFailedException($"{what}: expected <{expected}>, got <{actual}>");
        }
    }
}

/// <summary>A check's result differed from what it should be.</summary>
internal sealed class CheckFailedException(string message) : Exception(message);
