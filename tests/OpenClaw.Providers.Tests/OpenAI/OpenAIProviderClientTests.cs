using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Core.Events;
using OpenClaw.Providers.OpenAI;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.OpenAI;

public sealed class OpenAIProviderClientTests : IAsyncLifetime
{
    private const string Key = "sk-test-0123456789abcdefSECRET";
    private const string Model = "gpt-4o-mini";
    private readonly HttpClient _http = new();
    private FakeOpenAIServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAIServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData(FakeChunking.PerEvent)]
    [InlineData(FakeChunking.EveryByte)]
    [InlineData(FakeChunking.Awkward)]
    public async Task Streamed_text_arrives_exactly_whatever_the_chunking(FakeChunking chunking)
    {
        const string text = "Grüße 👋 — 日本語のテキスト, and \"quotes\"\nacross lines.";
        _server.Enqueue(FakeReply.Text(text) with { Chunking = chunking, DeltaChars = 3 });
        using var client = Client();

        var (updates, combined) = await StreamAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal(text, combined.Text);
        Assert.True(updates.Count > 3, "the reply should arrive in several updates");
        Assert.Equal(ChatFinishReason.Stop, combined.FinishReason);
    }

    [Fact]
    public async Task A_non_streamed_reply_carries_text_finish_reason_and_usage()
    {
        _server.Enqueue(FakeReply.Text("Grüße 👋", new FakeUsage(12, 4)));
        using var client = Client();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Ct);

        Assert.Equal("Grüße 👋", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(new TokenUsage(12, 4, 0, 0), ProviderUsage.ToTokenUsage(response.Usage));
        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        Assert.False(body.RootElement.TryGetProperty("stream", out var stream) && stream.GetBoolean());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tool_call_arguments_split_across_many_deltas_come_out_as_one_parsed_call(bool streaming)
    {
        const string args = "{\"city\":\"Zürich\",\"days\":3,\"units\":{\"temp\":\"C\"},\"note\":\"日本 👋\"}";
        _server.Enqueue(FakeReply.ToolCall("call_abc123", "get_weather", args, leadingText: "Let me look.") with
        {
            DeltaChars = 2,
            Chunking = FakeChunking.Awkward,
        });
        using var client = Client();

        var response = streaming
            ? (await StreamAsync(client, [new(ChatRole.User, "Weather?")])).Combined
            : await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")], new ChatOptions { ModelId = Model }, Ct);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_abc123", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Arguments);
        Assert.Equal("Zürich", call.Arguments["city"]?.ToString());
        Assert.Equal("3", call.Arguments["days"]?.ToString());
        Assert.Equal("日本 👋", call.Arguments["note"]?.ToString());
        Assert.Contains("\"temp\"", call.Arguments["units"]?.ToString(), StringComparison.Ordinal);
        Assert.Equal("Let me look.", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task A_tool_result_round_trip_sends_the_assistant_call_and_the_tool_message()
    {
        _server.Enqueue(
            FakeReply.ToolCall("call_1", "get_time", "{\"zone\":\"UTC\"}"),
            FakeReply.Text("It is noon."));
        using var client = Client();
        var options = new ChatOptions
        {
            ModelId = Model,
            Tools = [AIFunctionFactory.CreateDeclaration("get_time", "The time in a zone.", Schema("zone"))],
        };
        List<ChatMessage> history = [new(ChatRole.User, "What time is it?")];

        var first = (await StreamAsync(client, history, options)).Combined;
        history.AddRange(first.Messages);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "12:00")]));
        var second = (await StreamAsync(client, history, options)).Combined;

        Assert.Equal("It is noon.", second.Text);
        using var body = JsonDocument.Parse(_server.Requests[1].Body);
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var assistant = messages[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var toolCall = Assert.Single(assistant.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", toolCall.GetProperty("id").GetString());
        Assert.Equal("function", toolCall.GetProperty("type").GetString());
        Assert.Equal("get_time", toolCall.GetProperty("function").GetProperty("name").GetString());
        using (var sentArgs = JsonDocument.Parse(toolCall.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            Assert.Equal("UTC", sentArgs.RootElement.GetProperty("zone").GetString());
        }

        var tool = messages[2];
        Assert.Equal("tool", tool.GetProperty("role").GetString());
        Assert.Equal("call_1", tool.GetProperty("tool_call_id").GetString());
        Assert.Contains("12:00", tool.GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_carries_model_messages_tools_limits_usage_request_and_the_key()
    {
        using var client = Client();
        var options = new ChatOptions
        {
            ModelId = "gpt-4o",
            MaxOutputTokens = 321,
            Temperature = 0.25f,
            Tools = [AIFunctionFactory.CreateDeclaration("lookup", "Looks a thing up.", Schema("query"))],
        };

        await StreamAsync(client, [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello")], options);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + Key, request.Headers["authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("gpt-4o", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(321, root.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(root.TryGetProperty("max_tokens", out _)); // deprecated on OpenAI, and refused for reasoning models
        Assert.Equal(0.25, root.GetProperty("temperature").GetDouble(), 3);
        var messages = root.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Contains("Be brief.", messages[0].GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Contains("Hello", messages[1].GetProperty("content").ToString(), StringComparison.Ordinal);
        var tool = Assert.Single(root.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("lookup", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties")
            .GetProperty("query").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_compatible_server_without_a_key_gets_no_Authorization_header_at_all()
    {
        using var client = Client(key: null, compatible: true);

        var (_, combined) = await StreamAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal("Hello from the fake model.", combined.Text);
        var request = Assert.Single(_server.Requests);
        Assert.False(request.Headers.ContainsKey("authorization"));
        Assert.DoesNotContain(request.Headers.Values, v => v.Contains("placeholder", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_compatible_server_also_gets_the_output_limit_as_max_tokens()
    {
        using var client = Client(key: null, compatible: true);
        var options = new ChatOptions { ModelId = "llama3.2", MaxOutputTokens = 77 };

        await StreamAsync(client, [new(ChatRole.User, "Hi")], options);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], options, Ct);

        // Ollama and LM Studio read max_tokens only; OpenAI's SDK sends max_completion_tokens.
        foreach (var request in _server.Requests)
        {
            using var body = JsonDocument.Parse(request.Body);
            Assert.Equal(77, body.RootElement.GetProperty("max_tokens").GetInt32());
            Assert.Equal(77, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
        }

        Assert.Null(options.RawRepresentationFactory); // the caller's options are not changed
    }

    [Fact]
    public async Task A_key_that_is_not_stored_reaches_the_caller_as_MissingCredential_and_nothing_is_sent()
    {
        var missing = new ProviderException("fake-openai", ProviderFailure.MissingCredential,
            "no key stored for provider 'fake-openai'; run `openclaw credentials set fake-openai`.");
        using var client = new OpenAIProviderClient(Endpoint(new TestCredential(Key) { Missing = missing }), compatible: false, Model);

        var streamed = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));
        var listed = await Assert.ThrowsAsync<ProviderException>(() => client.ListModelsAsync(Ct));

        Assert.Same(missing, streamed);
        Assert.Same(missing, listed);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task A_key_stored_while_running_applies_to_the_next_request()
    {
        var credential = new TestCredential("sk-old-key-000000");
        using var client = new OpenAIProviderClient(Endpoint(credential), compatible: false, Model);

        await StreamAsync(client, [new(ChatRole.User, "Hi")]);
        credential.Key = "sk-new-key-111111";
        await StreamAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal("Bearer sk-old-key-000000", _server.Requests[0].Headers["authorization"]);
        Assert.Equal("Bearer sk-new-key-111111", _server.Requests[1].Headers["authorization"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Usage_reports_uncached_input_and_cache_reads_separately(bool streaming)
    {
        // The fake reports prompt_tokens = 30 + 70 (OpenAI counts cached tokens in the prompt) and cached_tokens = 70.
        _server.Enqueue(FakeReply.Text("ok", new FakeUsage(Input: 30, Output: 7, CacheRead: 70)));
        using var client = Client();

        UsageDetails? usage;
        if (streaming)
        {
            var (updates, _) = await StreamAsync(client, [new(ChatRole.User, "Hi")]);
            usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        }
        else
        {
            usage = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Ct)).Usage;
        }

        Assert.NotNull(usage);
        Assert.Equal(30, usage.InputTokenCount);
        Assert.Equal(70, usage.CachedInputTokenCount);
        Assert.Equal(7, usage.OutputTokenCount);
        Assert.Equal(new TokenUsage(30, 7, 70, 0), ProviderUsage.ToTokenUsage(usage));
    }

    [Theory]
    [InlineData(400, ProviderFailure.Rejected, "conversation is malformed")]
    [InlineData(401, ProviderFailure.Unauthorized, "Incorrect API key")]
    [InlineData(403, ProviderFailure.Unauthorized, "not allowed")]
    [InlineData(404, ProviderFailure.Rejected, "does not exist")]
    [InlineData(429, ProviderFailure.RateLimited, "Rate limit reached")]
    [InlineData(500, ProviderFailure.ServerError, "server had an error")]
    [InlineData(503, ProviderFailure.ServerError, "overloaded")]
    public async Task Each_error_status_is_a_typed_failure_with_the_APIs_message(int status, ProviderFailure failure, string apiText)
    {
        _server.Enqueue(FakeReply.Failure(status), FakeReply.Failure(status));
        using var client = Client();

        var streamed = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));
        var whole = await Assert.ThrowsAsync<ProviderException>(() =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Ct));

        foreach (var e in new[] { streamed, whole })
        {
            Assert.Equal(failure, e.Failure);
            Assert.Equal(status, e.Status);
            Assert.Equal("fake-openai", e.Provider);
            Assert.Contains("fake-openai", e.Message, StringComparison.Ordinal);
            Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
            Assert.Contains(apiText, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_429_carries_the_servers_Retry_After()
    {
        _server.Enqueue(FakeReply.Failure(429, retryAfterSeconds: 20));
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.RateLimited, e.Failure);
        Assert.Equal(TimeSpan.FromSeconds(20), e.RetryAfter);
        Assert.True(e.IsTransient);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task The_SDK_never_retries_on_its_own(int status)
    {
        _server.Enqueue(FakeReply.Failure(status, retryAfterSeconds: 0));
        using var client = Client();

        await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task A_wrong_key_is_Unauthorized_and_the_key_appears_in_no_message()
    {
        _server.ExpectedApiKey = "sk-the-right-key-999999";
        using var client = Client();

        var streamed = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));
        var listed = await Assert.ThrowsAsync<ProviderException>(() => client.ListModelsAsync(Ct));

        foreach (var e in new[] { streamed, listed })
        {
            Assert.Equal(ProviderFailure.Unauthorized, e.Failure);
            Assert.Equal(401, e.Status);
            Assert.Contains("Incorrect API key", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("sk-the-right-key", e.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_server_that_echoes_the_key_has_it_scrubbed_from_the_message()
    {
        // Some compatible servers echo the whole header; the client redacts the key it sent.
        _server.EchoAuthorizationInErrors = true;
        _server.Enqueue(FakeReply.Failure(400));
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.Rejected, e.Failure);
        Assert.Contains("Authorization: Bearer ***", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_echoed_near_the_end_of_a_long_message_is_scrubbed_before_the_message_is_shortened()
    {
        // The message is cut at 300 characters: with the key at 290, cutting first would keep its first 10 characters.
        _server.EchoingErrorBody = authorization => FakeOpenAIServer.ErrorJson(
            new string('x', 290) + authorization["Bearer ".Length..] + " was refused, see the documentation", "invalid_request_error", null);
        _server.Enqueue(FakeReply.Failure(400));
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], new() { ModelId = Model }, Ct));

        Assert.Equal(ProviderFailure.Rejected, e.Failure);
        Assert.Contains("xxx***", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_echoed_in_the_errors_code_or_param_is_scrubbed_everywhere()
    {
        _server.EchoingErrorBody = authorization => FakeOpenAIServer.ErrorJson(
            "Invalid header.", "invalid_request_error", code: authorization["Bearer ".Length..], param: authorization);
        _server.Enqueue(FakeReply.Failure(400));
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.Rejected, e.Failure);
        Assert.Contains("Invalid header.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..8], e.ToString(), StringComparison.Ordinal);
        Assert.IsNotType<System.ClientModel.ClientResultException>(e.InnerException);
    }

    [Fact]
    public async Task A_key_echoed_in_a_truncated_form_is_scrubbed()
    {
        // A proxy that cuts what it echoes: 14 characters of the key, no more.
        _server.EchoingErrorBody = authorization => FakeOpenAIServer.ErrorJson(
            $"Bad key {authorization["Bearer ".Length..][..14]}...", "invalid_request_error", null);
        _server.Enqueue(FakeReply.Failure(400));
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Contains("Bad key ***...", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..12], e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_requests_with_different_keys_each_have_their_own_key_scrubbed()
    {
        const string first = "sk-first-key-AAAAAAAAAAAAAAAA";
        const string second = "sk-second-key-BBBBBBBBBBBBBBBB";
        _server.EchoAuthorizationInErrors = true;
        _server.Enqueue(FakeReply.Failure(400));
        _server.Enqueue(FakeReply.Failure(400));
        using var http = new HttpClient(new BarrierHandler(2));
        using var client = new OpenAIProviderClient(
            new ProviderEndpoint { Name = "fake-openai", BaseUrl = _server.BaseUrl, Http = http, Credential = new RotatingKeyCredential(first, second) },
            compatible: false, Model);

        var one = Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], new() { ModelId = Model }, Ct));
        var two = Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], new() { ModelId = Model }, Ct));
        var failures = await Task.WhenAll(one, two);

        Assert.Equal(2, _server.RequestCount);
        Assert.All(failures, e =>
        {
            Assert.Contains("Authorization: Bearer ***", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-first-key", e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("sk-second-key", e.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void No_mutable_credential_is_shared_between_clients()
    {
        // ApiKeyCredential.Update changes a credential in place: a static one would be one change away from every client.
        var shared = typeof(OpenAIProviderClient).GetFields(
                System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
            .Where(f => typeof(System.ClientModel.ApiKeyCredential).IsAssignableFrom(f.FieldType));

        Assert.Empty(shared);
    }

    [Fact]
    public async Task A_key_with_surrounding_whitespace_from_a_dotenv_file_is_sent_trimmed()
    {
        _server.ExpectedApiKey = Key;
        _server.Enqueue(FakeReply.Text("ok"));
        using var client = Client(key: " " + Key + "\n");

        var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], new() { ModelId = Model }, Ct);

        Assert.Equal("ok", response.Text);
    }

    [Fact]
    public async Task A_key_with_an_embedded_line_break_is_MissingCredential_saying_how_to_store_it_and_nothing_is_sent()
    {
        using var client = Client(key: "sk-first-half\r\nsecond-half");

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.MissingCredential, e.Failure);
        Assert.Contains("line break or control character", e.Message, StringComparison.Ordinal);
        Assert.Contains("openclaw credentials set", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("first-half", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task Tool_results_that_are_not_strings_are_sent_as_JSON_without_reflection_and_unwritable_ones_are_refused()
    {
        _server.Enqueue(FakeReply.Text("ok"));
        using var client = Client();
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]);
        IDictionary<string, object?> result = new Dictionary<string, object?> { ["temp"] = 21, ["unit"] = "C" };

        await client.GetResponseAsync([new(ChatRole.User, "Hi"), call, new(ChatRole.Tool, [new FunctionResultContent("c1", result)])],
            new() { ModelId = Model }, Ct);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(
            [new(ChatRole.User, "Hi"), call, new(ChatRole.Tool, [new FunctionResultContent("c1", new ReflectionOnlyToolResult(1))])],
            new() { ModelId = Model }, Ct));

        using var body = JsonDocument.Parse(_server.Requests[0].Body);
        Assert.Equal("""{"temp":21,"unit":"C"}""", body.RootElement.GetProperty("messages")[2].GetProperty("content").GetString());
        Assert.Contains(nameof(ReflectionOnlyToolResult), refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task A_missing_key_on_a_server_that_wants_one_is_Unauthorized()
    {
        _server.ExpectedApiKey = "sk-the-right-key-999999";
        using var client = Client(key: null, compatible: true);

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.Unauthorized, e.Failure);
        Assert.Contains("didn't provide an API key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_OAuth_login_refused_with_401_is_refreshed_once_and_the_request_resent()
    {
        _server.ExpectedApiKey = "fresh-access-token-1234";
        var credential = new TestCredential("stale-access-token-1234", isOAuth: true) { RefreshedKey = "fresh-access-token-1234" };
        using var client = new OpenAIProviderClient(Endpoint(credential), compatible: false, Model);

        var (_, combined) = await StreamAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal("Hello from the fake model.", combined.Text);
        Assert.Equal(1, credential.Refreshes);
        Assert.Equal(2, _server.RequestCount);
        Assert.Equal("Bearer fresh-access-token-1234", _server.Requests[1].Headers["authorization"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_stream_cut_mid_event_is_a_transient_failure_never_a_short_reply(int cutAfterEvents)
    {
        _server.Enqueue(FakeReply.Text("A fairly long reply that will not arrive whole.") with { DeltaChars = 4, CutAfterEvents = cutAfterEvents });
        using var client = Client();
        var received = new StringBuilder();

        var e = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client, received));

        // A reset can overtake the headers, so before anything arrived it may be a connection failure; once text has
        // reached the caller it must be an interruption (which the resilience layer does not retry).
        var allowed = received.Length > 0 ? [ProviderFailure.Interrupted] : new[] { ProviderFailure.Interrupted, ProviderFailure.Connection };
        Assert.Contains(e.Failure, allowed);
        Assert.True(e.IsTransient);
        Assert.Null(e.Status);
        Assert.StartsWith(received.ToString(), "A fairly long reply", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_finish_reason_is_Interrupted()
    {
        _server.EndStreamsAfterEvents = 4;
        _server.Enqueue(FakeReply.Text("A fairly long reply that will not arrive whole.") with { DeltaChars = 4 });
        using var client = Client();
        var received = new StringBuilder();

        var e = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client, received));

        Assert.Equal(ProviderFailure.Interrupted, e.Failure);
        Assert.Equal("A fairly lon", received.ToString()); // the role chunk, then three 4-character deltas
        Assert.Contains("before it was complete", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_payload_mid_stream_is_Interrupted()
    {
        _server.Enqueue(FakeReply.Text("A fairly long reply that will not arrive whole.") with
        {
            DeltaChars = 4,
            CutAfterEvents = 3,
            ErrorEventType = "server_error",
        });
        using var client = Client();
        var received = new StringBuilder();

        var e = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client, received));

        Assert.Equal(ProviderFailure.Interrupted, e.Failure);
        Assert.Equal("A fairly", received.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_that_is_not_JSON_is_an_InvalidResponse(bool streaming)
    {
        _server.GarbageAfterEvents = 2;
        using var client = Client();

        var e = await Assert.ThrowsAsync<ProviderException>(() => streaming
            ? ReadAllAsync(client, new StringBuilder())
            : client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Ct));

        Assert.Equal(ProviderFailure.InvalidResponse, e.Failure);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task Parallel_tool_calls_come_out_as_separate_calls_and_thinking_blocks_are_not_sent()
    {
        _server.Enqueue(new FakeReply
        {
            Blocks =
            [
                new FakeThinking("internal musing", "sig"),
                new FakeToolCall("call_a", "read_file", "{\"path\":\"a.txt\"}"),
                new FakeToolCall("call_b", "read_file", "{\"path\":\"b.txt\"}"),
            ],
            DeltaChars = 3,
        });
        using var client = Client();

        var (_, combined) = await StreamAsync(client, [new(ChatRole.User, "Read both")]);

        var calls = combined.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["a.txt", "b.txt"], calls.Select(c => c.Arguments?["path"]?.ToString()));
        Assert.Equal("", combined.Text);
        Assert.DoesNotContain(combined.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent);
    }

    [Fact]
    public async Task A_reply_cut_by_the_token_limit_finishes_with_Length()
    {
        _server.Enqueue(FakeReply.Text("Partial") with { StopReason = "max_tokens" });
        using var client = Client();

        var (_, combined) = await StreamAsync(client, [new(ChatRole.User, "Hi")]);

        Assert.Equal(ChatFinishReason.Length, combined.FinishReason);
        Assert.Equal("Partial", combined.Text);
    }

    [Fact]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_provider_failure()
    {
        _server.Enqueue(FakeReply.Text("One two three four five six.") with { DeltaChars = 4, StallAfterEvents = 3 });
        using var client = Client();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, cts.Token))
            {
                if (update.Text.Length > 0)
                {
                    await cts.CancelAsync(); // the stream is stalled after this: only the cancellation can end it
                }
            }
        });
    }

    [Fact]
    public async Task An_unreachable_server_is_a_Connection_failure()
    {
        var deadUrl = _server.BaseUrl;
        await _server.DisposeAsync();
        var endpoint = new ProviderEndpoint { Name = "fake-openai", BaseUrl = deadUrl, Http = _http, Credential = new TestCredential(Key) };
        using var client = new OpenAIProviderClient(endpoint, compatible: false, Model);

        var e = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, [new(ChatRole.User, "Hi")]));

        Assert.Equal(ProviderFailure.Connection, e.Failure);
        Assert.Null(e.Status);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
        _server = await FakeOpenAIServer.StartAsync(Ct); // for DisposeAsync
    }

    [Fact]
    public async Task No_model_anywhere_is_Rejected_before_any_request()
    {
        using var client = new OpenAIProviderClient(Endpoint(new TestCredential(Key)), compatible: false);

        var e = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: Ct))
            {
                Assert.Fail("no update expected");
            }
        });

        Assert.Equal(ProviderFailure.Rejected, e.Failure);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task The_default_model_is_used_unless_the_options_choose_another()
    {
        using var client = new OpenAIProviderClient(Endpoint(new TestCredential(Key)), compatible: false, "gpt-default");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: Ct);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-other" }, Ct);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: Ct);

        string[] models = [.. _server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("model").GetString()!)];
        Assert.Equal(["gpt-default", "gpt-other", "gpt-default"], models);
    }

    [Fact]
    public async Task Models_are_listed_from_GET_models_with_the_key()
    {
        _server.ExpectedApiKey = Key;
        _server.Models = ["gpt-4o", "gpt-4o-mini", "o3"];
        using var client = Client();

        var models = await client.ListModelsAsync(Ct);

        Assert.Equal(["gpt-4o", "gpt-4o-mini", "o3"], models);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models", request.Path);
    }

    [Fact]
    public async Task A_compatible_server_without_a_model_listing_is_Rejected_with_404()
    {
        _server.ServeModels = false;
        using var client = Client(key: null, compatible: true);

        var e = await Assert.ThrowsAsync<ProviderException>(() => client.ListModelsAsync(Ct));

        Assert.Equal(ProviderFailure.Rejected, e.Failure);
        Assert.Equal(404, e.Status);
        Assert.Contains("no model listing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_names_the_provider_kind_url_and_default_model()
    {
        using var openAI = Client();
        using var compatible = Client(key: null, compatible: true);

        var metadata = openAI.GetService<ChatClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal(_server.BaseUrl, metadata.ProviderUri);
        Assert.Equal(Model, metadata.DefaultModelId);
        Assert.Equal("openai-compatible", compatible.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.Same(openAI, openAI.GetService<OpenAIProviderClient>());
    }

    private OpenAIProviderClient Client(string? key = Key, bool compatible = false) =>
        new(Endpoint(new TestCredential(key)), compatible, Model);

    private ProviderEndpoint Endpoint(IProviderCredential credential) => new()
    {
        Name = "fake-openai",
        BaseUrl = _server.BaseUrl,
        Http = _http,
        Credential = credential,
    };

    private static async Task ReadAllAsync(OpenAIProviderClient client, StringBuilder received)
    {
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = Model }, Ct))
        {
            received.Append(update.Text);
        }
    }

    private static async Task<(List<ChatResponseUpdate> Updates, ChatResponse Combined)> StreamAsync(
        OpenAIProviderClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options ?? new ChatOptions { ModelId = Model }, Ct))
        {
            updates.Add(update);
        }

        return (updates, updates.ToChatResponse());
    }

    private static JsonElement Schema(string property)
    {
        using var doc = JsonDocument.Parse(
            $$$"""{"type":"object","properties":{"{{{property}}}":{"type":"string"}},"required":["{{{property}}}"]}""");
        return doc.RootElement.Clone();
    }
}

/// <summary>A tool result type with no source-generated JSON metadata: under NativeAOT only reflection could write it.</summary>
internal sealed record ReflectionOnlyToolResult(int Count);
