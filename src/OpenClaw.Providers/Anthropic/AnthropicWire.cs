using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Anthropic;

/// <summary>Pieces of the Messages API wire format both the streamed and the whole response use.</summary>
internal static class AnthropicWire
{
    /// <summary>The finish reason for an Anthropic <c>stop_reason</c>.</summary>
    public static ChatFinishReason? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "pause_turn" => AnthropicChatClient.PauseTurn,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };

    /// <summary>The failure kind for an Anthropic error type (the <c>error.type</c> of an error body or event).</summary>
    public static ProviderFailure FailureForErrorType(string? type) => type switch
    {
        "overloaded_error" => ProviderFailure.Overloaded,
        "rate_limit_error" => ProviderFailure.RateLimited,
        "api_error" => ProviderFailure.ServerError,
        "authentication_error" or "permission_error" => ProviderFailure.Unauthorized,
        "invalid_request_error" or "not_found_error" or "request_too_large" => ProviderFailure.Rejected,
        "timeout_error" => ProviderFailure.Timeout,
        _ => ProviderFailure.Interrupted,
    };

    /// <summary>Reads the <c>error.type</c> and <c>error.message</c> of an Anthropic error JSON, if it is one.</summary>
    public static (string? Type, string? Message) ReadError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (GetString(error, "type"u8), GetString(error, "message"u8));
            }
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }

    /// <summary>A provider message cut to a length fit for an error message.</summary>
    public static string Truncate(string? text, int max = 300)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        text = text.ReplaceLineEndings(" ");
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    public static string? GetString(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long GetLong(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    /// <summary>The four usage counts of a <c>usage</c> object (missing ones are 0).</summary>
    public static (long Input, long Output, long CacheRead, long CacheWrite, bool HasInput) ReadUsage(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object
            ? default
            : (GetLong(usage, "input_tokens"u8), GetLong(usage, "output_tokens"u8), GetLong(usage, "cache_read_input_tokens"u8),
                GetLong(usage, "cache_creation_input_tokens"u8), usage.TryGetProperty("input_tokens"u8, out _));

    /// <summary>Tool arguments as a dictionary of <see cref="JsonElement"/> values.</summary>
    /// <exception cref="JsonException">The input is not a JSON object.</exception>
    public static Dictionary<string, object?> Arguments(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("tool input is not a JSON object");
        }

        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in input.EnumerateObject())
        {
            args[property.Name] = property.Value.Clone();
        }

        return args;
    }

    /// <summary>Tool arguments from streamed <c>partial_json</c> (empty means no arguments).</summary>
    /// <exception cref="JsonException">The accumulated text is not a JSON object.</exception>
    public static Dictionary<string, object?> Arguments(ReadOnlyMemory<byte> json)
    {
        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        using var doc = JsonDocument.Parse(json);
        return Arguments(doc.RootElement);
    }

    /// <summary>The whole (non-streamed) message as a chat response.</summary>
    /// <exception cref="JsonException">The body is not a Messages API message.</exception>
    public static ChatResponse ReadMessage(ReadOnlyMemory<byte> body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("content"u8, out var content)
            || content.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("not a message");
        }

        var contents = new List<AIContent>(content.GetArrayLength() + 1);
        foreach (var block in content.EnumerateArray())
        {
            switch (GetString(block, "type"u8))
            {
                case "text":
                    contents.Add(new TextContent(GetString(block, "text"u8) ?? string.Empty));
                    break;
                case "thinking":
                    contents.Add(new TextReasoningContent(GetString(block, "thinking"u8) ?? string.Empty)
                    {
                        ProtectedData = GetString(block, "signature"u8),
                    });
                    break;
                case "redacted_thinking":
                    contents.Add(AnthropicRequestWriter.RedactedThinking(GetString(block, "data"u8) ?? string.Empty));
                    break;
                case "tool_use":
                    var id = GetString(block, "id"u8) ?? throw new JsonException("tool_use without id");
                    var name = GetString(block, "name"u8) ?? throw new JsonException("tool_use without name");
                    var input = block.TryGetProperty("input"u8, out var i) ? Arguments(i) : [];
                    contents.Add(new FunctionCallContent(id, name, input));
                    break;
            }
        }

        var messageId = GetString(root, "id"u8);
        var usage = root.TryGetProperty("usage"u8, out var u) ? ReadUsage(u) : default;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = messageId })
        {
            ResponseId = messageId,
            ModelId = GetString(root, "model"u8),
            FinishReason = FinishReason(GetString(root, "stop_reason"u8)),
            Usage = ProviderUsage.Create(usage.Input, usage.Output, usage.CacheRead, usage.CacheWrite),
        };
    }
}
