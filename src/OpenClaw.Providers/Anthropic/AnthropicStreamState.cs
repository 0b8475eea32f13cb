using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Anthropic;

/// <summary>
/// Turns the Messages API's stream events into <see cref="ChatResponseUpdate"/>s: text and thinking as they come,
/// one <see cref="FunctionCallContent"/> per finished tool_use block, usage and the finish reason at message_stop.
/// </summary>
/// <remarks>Text and thinking are passed on, not kept; tool arguments are kept until their block ends, at most
/// <paramref name="maxAccumulatedBytes"/> for the whole message (each event is capped by the reader, their sum here).</remarks>
/// <param name="provider">The provider's name, for messages.</param>
/// <param name="maxAccumulatedBytes">The cap on one message's tool arguments.</param>
/// <param name="sent">The key the request was sent with, scrubbed from a mid-stream error's text.</param>
internal sealed class AnthropicStreamState(string provider, int maxAccumulatedBytes = 16 * 1024 * 1024, OpenClaw.Core.Credentials.Secret? sent = null)
{
    private readonly List<Block?> _blocks = [];
    private long _accumulatedBytes;
    private string? _messageId;
    private string? _modelId;
    private long _input;
    private long _output;
    private long _cacheRead;
    private long _cacheWrite;
    private string? _stopReason;

    private enum BlockKind
    {
        Other,
        Text,
        Thinking,
        ToolUse,
    }

    /// <summary>Whether message_stop arrived.</summary>
    public bool Completed { get; private set; }

    /// <summary>Handles one event; returns the update to yield, if any.</summary>
    /// <exception cref="ProviderException">An <c>error</c> event, or an event that is not the documented format.</exception>
    public ChatResponseUpdate? Handle(ReadOnlySpan<byte> eventType, ReadOnlyMemory<byte> data)
    {
        try
        {
            if (eventType.IsEmpty)
            {
                eventType = TypeOf(data.Span);
            }

            if (eventType.SequenceEqual("content_block_delta"u8))
            {
                return Delta(data.Span);
            }

            if (eventType.SequenceEqual("ping"u8))
            {
                return null;
            }

            if (eventType.SequenceEqual("content_block_start"u8))
            {
                return BlockStart(data);
            }

            if (eventType.SequenceEqual("content_block_stop"u8))
            {
                return BlockStop(data);
            }

            if (eventType.SequenceEqual("message_start"u8))
            {
                MessageStart(data);
                return null;
            }

            if (eventType.SequenceEqual("message_delta"u8))
            {
                MessageDelta(data);
                return null;
            }

            if (eventType.SequenceEqual("message_stop"u8))
            {
                Completed = true;
                return Update(new UsageContent(ProviderUsage.Create(_input, _output, _cacheRead, _cacheWrite)), AnthropicWire.FinishReason(_stopReason));
            }

            if (eventType.SequenceEqual("error"u8))
            {
                throw ErrorEvent(data.Span);
            }

            return null; // an event type this client does not know yet
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new ProviderException(provider, ProviderFailure.InvalidResponse,
                $"Provider '{provider}' streamed an event that is not the Anthropic Messages format.", innerException: ex);
        }
    }

    private static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    return reader.ValueSpan;
                }

                reader.Skip();
            }
        }

        return default;
    }

    private ChatResponseUpdate? Delta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        var index = -1;
        var kind = 0; // 1 text, 2 thinking, 3 signature, 4 partial_json
        string? text = null;
        var jsonStart = -1;
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("text"u8))
                    {
                        reader.Read();
                        text = reader.GetString();
                        kind = 1;
                    }
                    else if (reader.ValueTextEquals("thinking"u8))
                    {
                        reader.Read();
                        text = reader.GetString();
                        kind = 2;
                    }
                    else if (reader.ValueTextEquals("signature"u8))
                    {
                        reader.Read();
                        text = reader.GetString();
                        kind = 3;
                    }
                    else if (reader.ValueTextEquals("partial_json"u8))
                    {
                        reader.Read();
                        Expect(reader.TokenType == JsonTokenType.String);
                        jsonStart = (int)reader.TokenStartIndex;
                        kind = 4;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (kind)
        {
            case 1:
                return string.IsNullOrEmpty(text) ? null : Update(new TextContent(text));
            case 2:
                return string.IsNullOrEmpty(text) ? null : Update(new TextReasoningContent(text));
            case 3:
                // The signature closes the thinking block; the API wants it back unchanged with the thinking.
                return Update(new TextReasoningContent(string.Empty) { ProtectedData = text });
            case 4:
                var block = BlockAt(index);
                Expect(block is { Kind: BlockKind.ToolUse });
                var piece = new Utf8JsonReader(data[jsonStart..]);
                piece.Read();
                var json = block!.Json ??= new ArrayBufferWriter<byte>(256);
                var written = piece.CopyString(json.GetSpan(piece.ValueSpan.Length));
                _accumulatedBytes += written;
                if (_accumulatedBytes > maxAccumulatedBytes)
                {
                    throw new ProviderException(provider, ProviderFailure.InvalidResponse,
                        $"Provider '{provider}' streamed more than {maxAccumulatedBytes} bytes of tool arguments in one message.");
                }

                json.Advance(written);
                return null;
            default:
                return null;
        }
    }

    private ChatResponseUpdate? BlockStart(ReadOnlyMemory<byte> data)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        var index = root.GetProperty("index"u8).GetInt32();
        Expect(index is >= 0 and < 10_000);
        var content = root.GetProperty("content_block"u8);
        var block = new Block();
        string? redacted = null;
        switch (AnthropicWire.GetString(content, "type"u8))
        {
            case "text":
                block.Kind = BlockKind.Text;
                break;
            case "thinking":
                block.Kind = BlockKind.Thinking;
                break;
            case "redacted_thinking":
                // Encrypted thinking: nothing to show, but it must go back unchanged on the next turn.
                redacted = AnthropicWire.GetString(content, "data"u8);
                Expect(redacted is not null);
                break;
            case "tool_use":
                block.Kind = BlockKind.ToolUse;
                block.Id = AnthropicWire.GetString(content, "id"u8);
                block.Name = AnthropicWire.GetString(content, "name"u8);
                Expect(block.Id is not null && block.Name is not null);
                break;
        }

        while (_blocks.Count <= index)
        {
            _blocks.Add(null);
        }

        _blocks[index] = block;
        if (block.Kind == BlockKind.ToolUse)
        {
            // The call itself comes out whole at content_block_stop, which a long argument can keep minutes away; this
            // content-less update tells the resilience layer the model has started answering (its first-content
            // deadline ends here), while nothing visible has streamed yet (a failure before the call is still retried).
            return new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = _messageId, MessageId = _messageId, ModelId = _modelId };
        }

        return redacted is null ? null : Update(AnthropicRequestWriter.RedactedThinking(redacted));
    }

    private ChatResponseUpdate? BlockStop(ReadOnlyMemory<byte> data)
    {
        using var doc = JsonDocument.Parse(data);
        var block = BlockAt(doc.RootElement.GetProperty("index"u8).GetInt32());
        if (block is not { Kind: BlockKind.ToolUse })
        {
            return null;
        }

        var args = AnthropicWire.Arguments(block.Json is { } json ? json.WrittenMemory : default);
        block.Json = null;
        return Update(new FunctionCallContent(block.Id!, block.Name!, args));
    }

    private void MessageStart(ReadOnlyMemory<byte> data)
    {
        using var doc = JsonDocument.Parse(data);
        var message = doc.RootElement.GetProperty("message"u8);
        _messageId = AnthropicWire.GetString(message, "id"u8);
        _modelId = AnthropicWire.GetString(message, "model"u8);
        if (message.TryGetProperty("usage"u8, out var usage))
        {
            var u = AnthropicWire.ReadUsage(usage);
            (_input, _output, _cacheRead, _cacheWrite) = (u.Input, u.Output, u.CacheRead, u.CacheWrite);
        }
    }

    private void MessageDelta(ReadOnlyMemory<byte> data)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        if (root.TryGetProperty("delta"u8, out var delta) && AnthropicWire.GetString(delta, "stop_reason"u8) is { } stop)
        {
            _stopReason = stop;
        }

        if (root.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            // message_delta usage is cumulative; newer API versions repeat the input counts there too.
            if (usage.TryGetProperty("output_tokens"u8, out var output) && output.ValueKind == JsonValueKind.Number)
            {
                _output = output.GetInt64();
            }

            if (usage.TryGetProperty("input_tokens"u8, out var input) && input.ValueKind == JsonValueKind.Number)
            {
                _input = input.GetInt64();
            }

            if (usage.TryGetProperty("cache_read_input_tokens"u8, out var read) && read.ValueKind == JsonValueKind.Number)
            {
                _cacheRead = read.GetInt64();
            }

            if (usage.TryGetProperty("cache_creation_input_tokens"u8, out var write) && write.ValueKind == JsonValueKind.Number)
            {
                _cacheWrite = write.GetInt64();
            }
        }
    }

    private ProviderException ErrorEvent(ReadOnlySpan<byte> data)
    {
        var (type, message) = AnthropicWire.ReadError(data);
        type = SecretScrubber.Scrub(type, sent);
        return new ProviderException(provider, AnthropicWire.FailureForErrorType(type),
            $"Provider '{provider}' reported an error mid-stream ({type ?? "unknown"}): {AnthropicWire.Truncate(SecretScrubber.Scrub(message, sent))}");
    }

    private Block? BlockAt(int index) => index >= 0 && index < _blocks.Count ? _blocks[index] : null;

    private ChatResponseUpdate Update(AIContent content, ChatFinishReason? finishReason = null) =>
        new(ChatRole.Assistant, [content])
        {
            ResponseId = _messageId,
            MessageId = _messageId,
            ModelId = _modelId,
            FinishReason = finishReason,
        };

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("unexpected event shape");
        }
    }

    private sealed class Block
    {
        public BlockKind Kind { get; set; }

        public string? Id { get; set; }

        public string? Name { get; set; }

        public ArrayBufferWriter<byte>? Json { get; set; }
    }
}
