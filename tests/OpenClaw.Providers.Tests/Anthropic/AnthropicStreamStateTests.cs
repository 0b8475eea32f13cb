using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Providers.Anthropic;

namespace OpenClaw.Providers.Tests.Anthropic;

public sealed class AnthropicStreamStateTests
{
    private const string Start = """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}""";

    [Fact]
    public void Redacted_thinking_goes_back_as_a_redacted_thinking_block()
    {
        var state = new AnthropicStreamState("anthropic");
        Handle(state, "message_start", Start);

        var update = Handle(state, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"ENCRYPTED=="}}""");

        var reasoning = Assert.IsType<TextReasoningContent>(Assert.Single(update!.Contents));
        var body = Write([new ChatMessage(ChatRole.User, "q"), new ChatMessage(ChatRole.Assistant, [reasoning, new TextContent("a")])]);
        var block = body.RootElement.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("redacted_thinking", block.GetProperty("type").GetString());
        Assert.Equal("ENCRYPTED==", block.GetProperty("data").GetString());
    }

    [Fact]
    public void Two_signed_thinking_parts_in_a_row_stay_two_blocks_and_unsigned_reasoning_is_not_sent()
    {
        var body = Write(
        [
            new ChatMessage(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant,
            [
                new TextReasoningContent("one "), new TextReasoningContent("part") { ProtectedData = "s1" },
                new TextReasoningContent("two") { ProtectedData = "s2" },
                new TextReasoningContent("unsigned"),
                new TextContent("answer"),
            ]),
        ]);

        var content = body.RootElement.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(3, content.GetArrayLength());
        Assert.Equal(("one part", "s1"), (content[0].GetProperty("thinking").GetString(), content[0].GetProperty("signature").GetString()));
        Assert.Equal(("two", "s2"), (content[1].GetProperty("thinking").GetString(), content[1].GetProperty("signature").GetString()));
        Assert.Equal("answer", content[2].GetProperty("text").GetString());
    }

    [Fact]
    public void Unknown_events_are_ignored_and_an_event_without_a_name_is_typed_by_its_data()
    {
        var state = new AnthropicStreamState("anthropic");
        Handle(state, "message_start", Start);
        Handle(state, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");

        Assert.Null(Handle(state, "something_new", """{"type":"something_new","x":1}"""));
        var update = Handle(state, "", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi \u00fc"}}""");

        Assert.Equal("hi ü", update!.Text);
        Assert.Equal("msg_1", update.ResponseId);
    }

    [Fact]
    public void Invalid_tool_arguments_are_InvalidResponse()
    {
        var state = new AnthropicStreamState("anthropic");
        Handle(state, "message_start", Start);
        Handle(state, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}""");
        Handle(state, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\": tru"}}""");

        var ex = Assert.Throws<ProviderException>(() => Handle(state, "content_block_stop", """{"type":"content_block_stop","index":0}"""));

        Assert.Equal(ProviderFailure.InvalidResponse, ex.Failure);
    }

    [Fact]
    public void Escaped_partial_json_is_unescaped_before_parsing()
    {
        var state = new AnthropicStreamState("anthropic");
        Handle(state, "message_start", Start);
        Handle(state, "content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}""");
        Handle(state, "content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"path\": \"C:\\\\x\", \"s\": \"\\u00e9"}}""");
        Handle(state, "content_block_delta", """{"delta":{"partial_json":"\\n\"}","type":"input_json_delta"},"index":1,"type":"content_block_delta"}""");

        var update = Handle(state, "content_block_stop", """{"type":"content_block_stop","index":1}""");

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(update!.Contents));
        Assert.Equal(@"C:\x", ((JsonElement)call.Arguments!["path"]!).GetString());
        Assert.Equal("é\n", ((JsonElement)call.Arguments["s"]!).GetString());
    }

    [Fact]
    public void A_text_delta_allocates_only_its_update()
    {
        var state = new AnthropicStreamState("anthropic");
        Handle(state, "message_start", Start);
        Handle(state, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        var type = "content_block_delta"u8.ToArray();
        var data = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word"}}"""u8.ToArray();
        state.Handle(type, data); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            state.Handle(type, data);
        }

        var perDelta = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        // The text string, its TextContent, the update and its one-item content list: a few hundred bytes, no more.
        Assert.True(perDelta < 500, $"{perDelta} bytes per text delta");
    }

    [Fact]
    public void Tool_arguments_beyond_the_per_message_cap_are_an_InvalidResponse_however_small_each_delta()
    {
        var state = new AnthropicStreamState("anthropic", maxAccumulatedBytes: 1000);
        Handle(state, "message_start", Start);
        Handle(state, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}}""");
        var delta = """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""";
        for (var i = 0; i < 20; i++)
        {
            Handle(state, "content_block_delta", delta); // 20 x 50 bytes: exactly the cap
        }

        var ex = Assert.Throws<ProviderException>(() => Handle(state, "content_block_delta", delta));

        Assert.Equal(ProviderFailure.InvalidResponse, ex.Failure);
        Assert.False(ex.IsTransient);
        Assert.Contains("tool arguments", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_results_of_every_supported_shape_are_written_as_JSON_without_reflection()
    {
        IDictionary<string, object?> dictionary = new Dictionary<string, object?> { ["n"] = 1.5f, ["list"] = new List<object?> { 1, "a", true, null } };

        Assert.Equal("""{"n":1.5,"list":[1,"a",true,null]}""", AnthropicRequestWriter.ResultText(dictionary));
        Assert.Equal("""{"a":[1,2]}""", AnthropicRequestWriter.ResultText(System.Text.Json.Nodes.JsonNode.Parse("""{"a":[1,2]}""")));
        using var document = JsonDocument.Parse("[true]");
        Assert.Equal("[true]", AnthropicRequestWriter.ResultText(document));
        Assert.Equal("42", AnthropicRequestWriter.ResultText((ulong)42));
        Assert.Equal("""["x","y"]""", AnthropicRequestWriter.ResultText(new[] { "x", "y" }));
        Assert.Equal("""{"inputTokenCount":7}""", AnthropicRequestWriter.ResultText(new UsageDetails { InputTokenCount = 7 })); // source-generated in M.E.AI
    }

    [Fact]
    public void Plain_values_a_tool_may_return_are_written_as_their_text_never_refused_or_sent_as_a_type_name()
    {
        Assert.Equal("\"Friday\"", AnthropicRequestWriter.ResultText(DayOfWeek.Friday));
        Assert.Equal("\"2026-11-25T04:30:00.0000000+00:00\"", AnthropicRequestWriter.ResultText(new DateTimeOffset(2026, 11, 25, 4, 30, 0, TimeSpan.Zero)));
        Assert.Equal("\"0b6f5a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b\"", AnthropicRequestWriter.ResultText(Guid.Parse("0b6f5a2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b")));
        Assert.Equal("\"00:01:30\"", AnthropicRequestWriter.ResultText(TimeSpan.FromSeconds(90)));
        Assert.Equal("\"x\"", AnthropicRequestWriter.ResultText('x'));
        Assert.Equal("""["NaN","Infinity",1.5]""", AnthropicRequestWriter.ResultText(new object[] { double.NaN, double.PositiveInfinity, 1.5 }));
        Assert.Equal("7", AnthropicRequestWriter.ResultText((ushort)7));
        Assert.Equal("""{"greeting":"Grüße <b>"}""", AnthropicRequestWriter.ResultText(new Dictionary<string, object?> { ["greeting"] = "Grüße <b>" }));
    }

    [Fact]
    public void A_tool_result_of_a_type_that_needs_reflection_is_refused_naming_the_type_never_sent_as_its_type_name()
    {
        var body = () => Write(
        [
            new ChatMessage(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new ReflectionOnlyResult(3))]),
        ]);

        var ex = Assert.Throws<ArgumentException>(body);

        Assert.Contains(typeof(ReflectionOnlyResult).FullName!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mid_stream_error_that_echoes_the_key_has_it_scrubbed()
    {
        const string key = "sk-ant-api03-abcdefghijklmnop";
        var state = new AnthropicStreamState("anthropic", sent: new OpenClaw.Core.Credentials.Secret(key));
        Handle(state, "message_start", Start);

        var ex = Assert.Throws<ProviderException>(() => Handle(state, "error",
            """{"type":"error","error":{"type":"api_error","message":"upstream refused x-api-key """ + key + "\"}}"));

        Assert.Contains("x-api-key ***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefgh", ex.ToString(), StringComparison.Ordinal);
    }

    private static ChatResponseUpdate? Handle(AnthropicStreamState state, string type, string data) =>
        state.Handle(Encoding.UTF8.GetBytes(type), Encoding.UTF8.GetBytes(data));

    private static JsonDocument Write(IEnumerable<ChatMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AnthropicRequestWriter.Write(buffer, messages, null, "m", stream: true);
        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}

/// <summary>A result type with no source-generated JSON metadata: under NativeAOT only reflection could write it.</summary>
internal sealed record ReflectionOnlyResult(int Count);
