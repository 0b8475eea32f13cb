using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Providers.Anthropic;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Anthropic;

public sealed class AnthropicChatClientTests : IAsyncLifetime
{
    private const string Key = "sk-ant-test-SECRET-123";
    private const string Model = "claude-sonnet-4-5";
    private readonly HttpClient _http = new();
    private FakeAnthropicServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeAnthropicServer.StartAsync(Ct);
        _server.ExpectedApiKey = Key;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData(FakeChunking.PerEvent)]
    [InlineData(FakeChunking.EveryByte)]
    [InlineData(FakeChunking.Awkward)]
    public async Task Streaming_text_arrives_exactly_whatever_the_chunking(FakeChunking chunking)
    {
        const string text = "Grüße 👋 — 日本 and some more words to stream";
        _server.Enqueue(FakeReply.Text(text) with { Chunking = chunking, DeltaChars = 3 });

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal(text, string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) > 5, "text should stream in several updates");
        Assert.All(updates, u =>
        {
            Assert.Equal(ChatRole.Assistant, u.Role);
            Assert.Equal(Model, u.ModelId);
            Assert.StartsWith("msg_fake_", u.ResponseId, StringComparison.Ordinal);
            Assert.Equal(u.ResponseId, u.MessageId);
        });
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task No_update_is_yielded_before_content_arrives()
    {
        _server.Enqueue(FakeReply.Text("abc"));

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]);

        Assert.NotEmpty(updates[0].Contents);
        Assert.Equal("a", updates[0].Text[..1]);
    }

    [Fact]
    public async Task Tool_call_split_across_many_deltas_is_one_function_call_with_parsed_arguments()
    {
        const string args = """{"city":"Zürich","days":3,"units":{"temp":"C"},"tags":["a","b"]}""";
        _server.Enqueue(FakeReply.ToolCall("toolu_01", "get_weather", args, leadingText: "Let me check.") with { DeltaChars = 2, Chunking = FakeChunking.Awkward });

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "weather?")]);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_01", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Zürich", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments["days"]!).GetInt32());
        Assert.Equal("C", ((JsonElement)call.Arguments["units"]!).GetProperty("temp").GetString());
        Assert.Equal(2, ((JsonElement)call.Arguments["tags"]!).GetArrayLength());
        Assert.Equal("Let me check.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Tool_call_without_arguments_has_an_empty_argument_dictionary()
    {
        _server.Enqueue(FakeReply.ToolCall("toolu_02", "now", "{}"));

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "time?")]);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Empty(call.Arguments!);
    }

    [Fact]
    public async Task Thinking_and_its_signature_go_back_unchanged_on_the_next_turn()
    {
        _server.Enqueue(new FakeReply
        {
            Blocks = [new FakeThinking("I should call the tool. ünïcode", "sig-abc=="), new FakeToolCall("toolu_9", "lookup", """{"q":"x"}""")],
        });
        _server.Enqueue(FakeReply.Text("Done."));
        var client = Client();
        var options = new ChatOptions
        {
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium }, Tools = [Tool("lookup")], Temperature = 0.5f,
        };
        List<ChatMessage> history = [new(ChatRole.User, "find x")];

        var first = await StreamAsync(client, history, options);
        Assert.Equal("I should call the tool. ünïcode", string.Concat(first.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_9", "found it")]));
        var second = await StreamAsync(client, history, options);

        Assert.Equal("Done.", string.Concat(second.Select(u => u.Text)));
        using var body = JsonDocument.Parse(_server.Requests[1].Body);
        var assistant = body.RootElement.GetProperty("messages")[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var thinking = assistant.GetProperty("content")[0];
        Assert.Equal("thinking", thinking.GetProperty("type").GetString());
        Assert.Equal("I should call the tool. ünïcode", thinking.GetProperty("thinking").GetString());
        Assert.Equal("sig-abc==", thinking.GetProperty("signature").GetString());
        Assert.Equal("tool_use", assistant.GetProperty("content")[1].GetProperty("type").GetString());
        var result = body.RootElement.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("tool_result", result.GetProperty("type").GetString());
        Assert.Equal("toolu_9", result.GetProperty("tool_use_id").GetString());
        Assert.Equal("found it", result.GetProperty("content").GetString());
        var thinkingOption = body.RootElement.GetProperty("thinking");
        Assert.Equal("enabled", thinkingOption.GetProperty("type").GetString());
        Assert.Equal(4096, thinkingOption.GetProperty("budget_tokens").GetInt32());
        Assert.True(body.RootElement.GetProperty("max_tokens").GetInt32() > 4096);
        Assert.False(body.RootElement.TryGetProperty("temperature", out _)); // the API refuses a temperature with thinking on
    }

    [Fact]
    public async Task Request_carries_system_tools_with_cache_breakpoints_stop_sequences_and_headers()
    {
        _server.Enqueue(FakeReply.Text("ok") with { StopReason = "stop_sequence" });
        var options = new ChatOptions
        {
            Instructions = "Be brief.",
            MaxOutputTokens = 777,
            Temperature = 0.25f,
            TopP = 0.9f,
            TopK = 40,
            StopSequences = ["END"],
            Tools = [Tool("first"), Tool("second")],
            ToolMode = ChatToolMode.RequireAny,
        };

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.System, "You are a test."), new ChatMessage(ChatRole.User, "hi")], options);

        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(Key, request.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("authorization"));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(Model, root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(777, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.25, root.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, root.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(40, root.GetProperty("top_k").GetInt32());
        Assert.Equal("END", root.GetProperty("stop_sequences")[0].GetString());
        var system = root.GetProperty("system");
        Assert.Equal(2, system.GetArrayLength());
        Assert.Equal("Be brief.", system[0].GetProperty("text").GetString());
        Assert.False(system[0].TryGetProperty("cache_control", out _));
        Assert.Equal("You are a test.", system[1].GetProperty("text").GetString());
        Assert.Equal("ephemeral", system[1].GetProperty("cache_control").GetProperty("type").GetString());
        var tools = root.GetProperty("tools");
        Assert.Equal("first", tools[0].GetProperty("name").GetString());
        Assert.Equal("object", tools[0].GetProperty("input_schema").GetProperty("type").GetString());
        Assert.False(tools[0].TryGetProperty("cache_control", out _));
        Assert.Equal("ephemeral", tools[1].GetProperty("cache_control").GetProperty("type").GetString());
        Assert.Equal("any", root.GetProperty("tool_choice").GetProperty("type").GetString());
        var messages = root.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Max_tokens_defaults_to_4096_and_caching_can_be_turned_off()
    {
        var options = new ChatOptions
        {
            Instructions = "sys",
            Tools = [Tool("t")],
            AdditionalProperties = new() { ["anthropic.cache"] = false },
        };

        await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options, Ct);

        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        Assert.Equal(4096, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.DoesNotContain("cache_control", _server.Requests[0].Body, StringComparison.Ordinal);
        Assert.False(body.RootElement.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task Consecutive_tool_results_become_one_user_message()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.User, "do two things"),
            new(ChatRole.Assistant, [new FunctionCallContent("a", "f", new Dictionary<string, object?> { ["n"] = 1 }), new FunctionCallContent("b", "f", null)]),
            new(ChatRole.Tool, [new FunctionResultContent("a", new Dictionary<string, int> { ["x"] = 1 })]),
            new(ChatRole.Tool, [new FunctionResultContent("b", JsonDocument.Parse("[1,2]").RootElement)]),
        ];

        await Client().GetResponseAsync(history, new ChatOptions(), Ct);

        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(1, messages[1].GetProperty("content")[0].GetProperty("input").GetProperty("n").GetInt32());
        var results = messages[2].GetProperty("content");
        Assert.Equal("user", messages[2].GetProperty("role").GetString());
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("""{"x":1}""", results[0].GetProperty("content").GetString());
        Assert.Equal("[1,2]", results[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Images_become_base64_image_blocks_and_a_required_tool_is_named()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47];
        var options = new ChatOptions { Tools = [Tool("look")], ToolMode = ChatToolMode.RequireSpecific("look") };

        await Client().GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(png, "image/png"), new DataContent(png, "application/zip")])],
            options, Ct);

        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        var content = body.RootElement.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(2, content.GetArrayLength()); // the zip is not something the API takes
        var source = content[1].GetProperty("source");
        Assert.Equal("base64", source.GetProperty("type").GetString());
        Assert.Equal("image/png", source.GetProperty("media_type").GetString());
        Assert.Equal(png, Convert.FromBase64String(source.GetProperty("data").GetString()!));
        var choice = body.RootElement.GetProperty("tool_choice");
        Assert.Equal(("tool", "look"), (choice.GetProperty("type").GetString(), choice.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task OAuth_login_sends_a_bearer_token_and_the_beta_header_and_no_api_key()
    {
        _server.ExpectedApiKey = null;
        _server.ExpectedBearerToken = "oauth-token-1";

        var response = await Client(new FakeOAuthCredential("oauth-token-1", null)).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct);

        Assert.Equal("Hello from the fake model.", response.Text);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer oauth-token-1", request.Headers["authorization"]);
        Assert.Equal("oauth-2025-04-20", request.Headers["anthropic-beta"]);
        Assert.False(request.Headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public async Task OAuth_401_refreshes_once_and_retries_with_the_new_token()
    {
        _server.ExpectedApiKey = null;
        _server.ExpectedBearerToken = "fresh";
        var credential = new FakeOAuthCredential("stale", "fresh");

        var updates = await StreamAsync(Client(credential), [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("Hello from the fake model.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(1, credential.Refreshes);
        Assert.Equal(["stale"], credential.Rejected);
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task OAuth_401_after_the_refresh_is_Unauthorized_without_a_second_refresh()
    {
        _server.ExpectedApiKey = null;
        _server.ExpectedBearerToken = "never";
        var credential = new FakeOAuthCredential("stale", "still-wrong");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Client(credential).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Equal(ProviderFailure.Unauthorized, ex.Failure);
        Assert.Equal(401, ex.Status);
        Assert.Equal(1, credential.Refreshes);
        Assert.Equal(2, _server.RequestCount);
        Assert.DoesNotContain("still-wrong", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_api_key_is_Unauthorized_and_the_key_appears_nowhere()
    {
        var wrong = "sk-ant-WRONG-KEY-987";

        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => StreamAsync(Client(new StaticKeyCredential(wrong)), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.Unauthorized, ex.Failure);
        Assert.Equal(401, ex.Status);
        Assert.Contains("authentication_error", ex.Message, StringComparison.Ordinal);
        Assert.Contains("anthropic", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount);
    }

    [Theory]
    [InlineData(400, ProviderFailure.Rejected, "invalid_request_error")]
    [InlineData(403, ProviderFailure.Unauthorized, "permission_error")]
    [InlineData(404, ProviderFailure.Rejected, "not_found_error")]
    [InlineData(429, ProviderFailure.RateLimited, "rate_limit_error")]
    [InlineData(500, ProviderFailure.ServerError, "api_error")]
    [InlineData(529, ProviderFailure.Overloaded, "overloaded_error")]
    public async Task Error_status_is_the_matching_failure_with_the_providers_message(int status, ProviderFailure failure, string type)
    {
        _server.Enqueue(FakeReply.Failure(status, retryAfterSeconds: status == 429 ? 17 : null));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(failure, ex.Failure);
        Assert.Equal(status, ex.Status);
        Assert.Equal("anthropic", ex.Provider);
        Assert.Contains($"HTTP {status}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(type, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(17) : null, ex.RetryAfter);
    }

    [Fact]
    public async Task Rate_limit_message_quotes_the_api_error_message()
    {
        _server.Enqueue(FakeReply.Failure(429, 5));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Contains("per-minute rate limit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Theory]
    [InlineData("overloaded_error", ProviderFailure.Overloaded)]
    [InlineData("rate_limit_error", ProviderFailure.RateLimited)]
    [InlineData("api_error", ProviderFailure.ServerError)]
    public async Task Error_event_mid_stream_is_the_matching_failure_after_the_text_so_far(string type, ProviderFailure failure)
    {
        _server.Enqueue(FakeReply.Text("partial answer that goes on") with { DeltaChars = 4, ErrorEventType = type, CutAfterEvents = 5 });
        var seen = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct))
            {
                seen.Add(update);
            }
        });

        Assert.Equal(failure, ex.Failure);
        Assert.Contains(type, ex.Message, StringComparison.Ordinal);
        Assert.Equal("partial ", string.Concat(seen.Select(u => u.Text))); // events 3 and 4 were text deltas
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(11)]
    public async Task Cut_stream_is_Interrupted(int cutAfter)
    {
        // The short pause before the cut lets the client read the headers first: a connection reset that arrives before
        // them is a connection failure, not a broken stream.
        _server.Enqueue(FakeReply.Text("a reply long enough to be cut in the middle") with
        {
            DeltaChars = 5, CutAfterEvents = cutAfter, StallAfterEvents = cutAfter, StallFor = TimeSpan.FromSeconds(1),
        });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.Interrupted, ex.Failure);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Usage_reports_input_output_and_both_cache_counts()
    {
        _server.Enqueue(FakeReply.Text("cached", new FakeUsage(Input: 12, Output: 34, CacheRead: 56, CacheWrite: 78)));

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]);

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(new OpenClaw.Core.Events.TokenUsage(12, 34, 56, 78), ProviderUsage.ToTokenUsage(usage));
    }

    [Fact]
    public async Task Non_streaming_response_maps_text_thinking_tools_usage_and_finish_reason()
    {
        _server.Enqueue(new FakeReply
        {
            Blocks = [new FakeThinking("hmm", "sig"), new FakeText("Calling."), new FakeToolCall("toolu_x", "f", """{"a":[1,2]}""")],
            Usage = new FakeUsage(3, 4, 5, 6),
        });

        var response = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "claude-opus-4-1" }, Ct);

        Assert.Equal("claude-opus-4-1", response.ModelId);
        Assert.StartsWith("msg_fake_", response.ResponseId, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("Calling.", response.Text);
        var message = Assert.Single(response.Messages);
        var reasoning = Assert.Single(message.Contents.OfType<TextReasoningContent>());
        Assert.Equal(("hmm", "sig"), (reasoning.Text, reasoning.ProtectedData));
        var call = Assert.Single(message.Contents.OfType<FunctionCallContent>());
        Assert.Equal(2, ((JsonElement)call.Arguments!["a"]!).GetArrayLength());
        Assert.Equal(new OpenClaw.Core.Events.TokenUsage(3, 4, 5, 6), ProviderUsage.ToTokenUsage(response.Usage));
    }

    [Fact]
    public async Task Oversized_body_is_InvalidResponse()
    {
        _server.Enqueue(FakeReply.Text(new string('x', 5000)));
        var client = new AnthropicChatClient(Endpoint(new StaticKeyCredential(Key)), Model) { MaxBodyBytes = 1024 };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Equal(ProviderFailure.InvalidResponse, ex.Failure);
    }

    [Fact]
    public async Task Oversized_stream_event_is_InvalidResponse()
    {
        _server.Enqueue(FakeReply.Text(new string('x', 5000)) with { DeltaChars = 5000 });
        var client = new AnthropicChatClient(Endpoint(new StaticKeyCredential(Key)), Model) { MaxBodyBytes = 1024 };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.InvalidResponse, ex.Failure);
    }

    [Fact]
    public async Task Max_tokens_stop_is_Length()
    {
        _server.Enqueue(FakeReply.Text("trunc") with { StopReason = "max_tokens" });

        var updates = await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task No_model_anywhere_is_Rejected_with_a_clear_message()
    {
        var client = new AnthropicChatClient(Endpoint(new StaticKeyCredential(Key)));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Equal(ProviderFailure.Rejected, ex.Failure);
        Assert.Contains("model", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task Models_are_listed_across_pages()
    {
        _server.Models = [.. Enumerable.Range(1, 2500).Select(i => $"claude-{i}")];

        var models = await Client().ListModelsAsync(Ct);

        Assert.Equal(_server.Models, models);
        Assert.Equal(3, _server.RequestCount);
        Assert.Contains("after_id=claude-1000", _server.Requests[1].Path, StringComparison.Ordinal);
        Assert.Equal(Key, _server.Requests[1].Headers["x-api-key"]);
    }

    [Fact]
    public async Task Connection_refused_is_Connection()
    {
        var endpoint = Endpoint(new StaticKeyCredential(Key)) with { BaseUrl = new Uri("http://127.0.0.1:1") };

        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => new AnthropicChatClient(endpoint, Model).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Equal(ProviderFailure.Connection, ex.Failure);
        Assert.Null(ex.Status);
    }

    [Fact]
    public async Task Caller_cancellation_is_OperationCanceledException()
    {
        // Events 0-2 are message_start, content_block_start and ping; event 3 is the first text delta.
        _server.Enqueue(FakeReply.Text("never finishes") with { StallAfterEvents = 4 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cts.Token))
            {
                updates++;
                await cts.CancelAsync();
            }
        }).WaitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(1, updates);
    }

    [Fact]
    public void Metadata_names_the_provider_the_url_and_the_default_model()
    {
        using var client = Client();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("anthropic", metadata!.ProviderName);
        Assert.Equal(_server.BaseUrl, metadata.ProviderUri);
        Assert.Equal(Model, metadata.DefaultModelId);
    }

    private static AIFunctionDeclaration Tool(string name) =>
        AIFunctionFactory.CreateDeclaration(name, "A test tool.", JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string"}}}""").RootElement);

    [Fact]
    public async Task A_proxy_that_echoes_the_key_has_it_scrubbed_from_the_message()
    {
        _server.EchoAuthorizationInErrors = true;
        _server.Enqueue(FakeReply.Failure(400));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.Rejected, ex.Failure);
        Assert.Contains("(credential: ***)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_echoed_near_the_end_of_a_long_message_is_scrubbed_before_the_message_is_shortened()
    {
        _server.EchoingErrorBody = key => FakeAnthropicServer.ErrorJson("invalid_request_error", new string('x', 290) + key + " was refused");
        _server.Enqueue(FakeReply.Failure(400));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Contains("xxx***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_echoed_in_the_error_type_or_a_raw_body_is_scrubbed()
    {
        _server.EchoingErrorBody = key => FakeAnthropicServer.ErrorJson("bad_key_" + key, "refused");
        _server.Enqueue(FakeReply.Failure(400));
        var typed = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        _server.EchoingErrorBody = key => "proxy error: upstream refused x-api-key: " + key + "\n" + new string('y', 1000);
        _server.Enqueue(FakeReply.Failure(502));
        var raw = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Contains("bad_key_***", typed.Message, StringComparison.Ordinal);
        Assert.Contains("x-api-key: ***", raw.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], typed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], raw.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_requests_with_different_keys_each_have_their_own_key_scrubbed()
    {
        const string first = "sk-ant-first-AAAAAAAAAAAAAAAA";
        const string second = "sk-ant-second-BBBBBBBBBBBBBBBB";
        _server.ExpectedApiKey = null;
        _server.EchoAuthorizationInErrors = true;
        _server.Enqueue(FakeReply.Failure(400));
        _server.Enqueue(FakeReply.Failure(400));
        using var http = new HttpClient(new OpenAI.BarrierHandler(2));
        var client = new AnthropicChatClient(
            new ProviderEndpoint { Name = "anthropic", BaseUrl = _server.BaseUrl, Http = http, Credential = new OpenAI.RotatingKeyCredential(first, second) },
            Model);

        var failures = await Task.WhenAll(
            Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct)),
            Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct)));

        Assert.All(failures, e =>
        {
            Assert.Contains("(credential: ***)", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-ant-first", e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("sk-ant-second", e.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_failed_OAuth_refresh_after_a_401_releases_the_401_response()
    {
        var handler = new UnauthorizedHandler();
        using var http = new HttpClient(handler);
        var client = new AnthropicChatClient(
            new ProviderEndpoint { Name = "anthropic", BaseUrl = _server.BaseUrl, Http = http, Credential = new FailingRefreshCredential() }, Model);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct));

        Assert.Equal(ProviderFailure.MissingCredential, ex.Failure);
        Assert.True(Assert.Single(handler.Bodies).Disposed, "the 401 must not hold its connection until the GC runs");
    }

    [Fact]
    public async Task A_200_that_is_not_an_event_stream_is_an_InvalidResponse_naming_the_content_type_not_retried()
    {
        _server.AnswerStreamsWithHtml = true;
        _server.Enqueue(FakeReply.Text("never sent"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.InvalidResponse, ex.Failure);
        Assert.False(ex.IsTransient);
        Assert.Contains("text/html", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pause_turn_is_its_own_finish_reason_not_Stop(bool streaming)
    {
        _server.Enqueue(FakeReply.Text("searching…") with { StopReason = "pause_turn" });

        var finish = streaming
            ? (await StreamAsync(Client(), [new ChatMessage(ChatRole.User, "hi")]))[^1].FinishReason
            : (await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct)).FinishReason;

        Assert.Equal(AnthropicChatClient.PauseTurn, finish);
        Assert.NotEqual(ChatFinishReason.Stop, finish);
    }

    [Theory]
    [InlineData(0.5f, false)]
    [InlineData(0.97f, true)]
    public async Task Top_p_goes_with_thinking_only_from_0_95_to_1(float topP, bool sent)
    {
        _server.Enqueue(FakeReply.Text("ok"));

        await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { TopP = topP, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } }, Ct);

        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        Assert.True(body.RootElement.TryGetProperty("thinking", out _));
        Assert.Equal(sent, body.RootElement.TryGetProperty("top_p", out _));
    }

    [Fact]
    public async Task A_key_with_surrounding_whitespace_from_a_dotenv_file_is_sent_trimmed()
    {
        _server.Enqueue(FakeReply.Text("ok"));

        var response = await Client(new StaticKeyCredential("  " + Key + " \r\n")).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Ct);

        Assert.Equal("ok", response.Text);
        Assert.Equal(Key, _server.Requests[0].Headers["x-api-key"]);
    }

    [Fact]
    public async Task A_key_with_an_embedded_line_break_is_MissingCredential_saying_how_to_store_it_and_nothing_is_sent()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => StreamAsync(Client(new StaticKeyCredential("sk-ant-first-half\nsecond-half")), [new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(ProviderFailure.MissingCredential, ex.Failure);
        Assert.Contains("line break or control character", ex.Message, StringComparison.Ordinal);
        Assert.Contains("openclaw credentials set", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("first-half", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    private ProviderEndpoint Endpoint(IProviderCredential credential) => new()
    {
        Name = "anthropic",
        BaseUrl = _server.BaseUrl,
        Http = _http,
        Credential = credential,
    };

    private AnthropicChatClient Client(IProviderCredential? credential = null) =>
        new(Endpoint(credential ?? new StaticKeyCredential(Key)), Model);

    private static async Task<List<ChatResponseUpdate>> StreamAsync(AnthropicChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, Ct))
        {
            updates.Add(update);
        }

        return updates;
    }
}
