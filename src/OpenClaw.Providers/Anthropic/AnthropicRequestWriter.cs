using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Anthropic;

/// <summary>Writes a Messages API request body from Microsoft.Extensions.AI messages and options (by hand: AOT-safe and allocation-light).</summary>
internal static class AnthropicRequestWriter
{
    /// <summary><c>max_tokens</c> when <see cref="ChatOptions.MaxOutputTokens"/> is unset (the API requires one).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that turns prompt caching off when <see langword="false"/>.</summary>
    public const string CacheProperty = "anthropic.cache";

    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = true };

    // A tool result's JSON becomes text the model reads (and is escaped again as a string in the request), so it keeps
    // "ü", "+" and "<" as they are instead of \u00FC-style escapes that cost tokens and read badly.
    private static readonly JsonWriterOptions s_resultTextOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The thinking budget for a reasoning effort, or 0 for none.</summary>
    public static int ThinkingBudget(ReasoningEffort? effort) => effort switch
    {
        ReasoningEffort.Low => 1024,
        ReasoningEffort.Medium => 4096,
        ReasoningEffort.High => 16384,
        ReasoningEffort.ExtraHigh => 32768,
        _ => 0,
    };

    public static void Write(IBufferWriter<byte> output, IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream)
    {
        using var w = new Utf8JsonWriter(output, s_writerOptions);
        var cache = !(options?.AdditionalProperties is { } props && props.TryGetValue(CacheProperty, out var c) && c is false);
        var budget = ThinkingBudget(options?.Reasoning?.Effort);
        var maxTokens = options?.MaxOutputTokens ?? DefaultMaxTokens;
        if (budget > 0 && maxTokens <= budget)
        {
            maxTokens = budget + (options?.MaxOutputTokens ?? DefaultMaxTokens);
        }

        w.WriteStartObject();
        w.WriteString("model"u8, model);
        w.WriteNumber("max_tokens"u8, maxTokens);
        if (stream)
        {
            w.WriteBoolean("stream"u8, true);
        }

        WriteSystem(w, messages, options, cache);
        WriteMessages(w, messages);

        if (budget > 0)
        {
            w.WriteStartObject("thinking"u8);
            w.WriteString("type"u8, "enabled"u8);
            w.WriteNumber("budget_tokens"u8, budget);
            w.WriteEndObject();
        }
        else
        {
            if (options?.Temperature is { } temperature)
            {
                w.WriteNumber("temperature"u8, temperature);
            }

            if (options?.TopK is { } topK)
            {
                w.WriteNumber("top_k"u8, topK);
            }
        }

        // With thinking the API accepts top_p only from 0.95 to 1; any other value is dropped rather than refused.
        if (options?.TopP is { } topP && (budget == 0 || topP is >= 0.95f and <= 1f))
        {
            w.WriteNumber("top_p"u8, topP);
        }

        if (options?.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop_sequences"u8);
            for (var i = 0; i < stops.Count; i++)
            {
                w.WriteStringValue(stops[i]);
            }

            w.WriteEndArray();
        }

        WriteTools(w, options, cache);
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteSystem(Utf8JsonWriter w, IEnumerable<ChatMessage> messages, ChatOptions? options, bool cache)
    {
        // Collect the system texts first: the last block carries the cache breakpoint.
        List<string>? texts = null;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            (texts ??= []).Add(options.Instructions);
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                foreach (var content in message.Contents)
                {
                    if (content is TextContent { Text.Length: > 0 } text)
                    {
                        (texts ??= []).Add(text.Text);
                    }
                }
            }
        }

        if (texts is null)
        {
            return;
        }

        w.WriteStartArray("system"u8);
        for (var i = 0; i < texts.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, texts[i]);
            if (cache && i == texts.Count - 1)
            {
                WriteCacheControl(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteMessages(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
    {
        w.WriteStartArray("messages"u8);
        string? openRole = null;
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System || !HasWritableContent(message))
            {
                continue;
            }

            // Tool results travel in a user message; consecutive messages of one role become one message.
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            if (!string.Equals(role, openRole, StringComparison.Ordinal))
            {
                if (openRole is not null)
                {
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteStartObject();
                w.WriteString("role"u8, role);
                w.WriteStartArray("content"u8);
                openRole = role;
            }

            WriteContents(w, message.Contents, message.Role == ChatRole.Assistant);
        }

        if (openRole is not null)
        {
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static bool HasWritableContent(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 }:
                case FunctionCallContent:
                case FunctionResultContent:
                case TextReasoningContent { ProtectedData: not null }:
                    return true;
                case DataContent data when data.HasTopLevelMediaType("image"):
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    return true;
            }
        }

        return false;
    }

    private static void WriteContents(Utf8JsonWriter w, IList<AIContent> contents, bool assistant)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextReasoningContent:
                    // A run of reasoning parts (as streamed: text deltas, then the signature) is one thinking block;
                    // the signed part ends it.
                    var end = i;
                    while (((TextReasoningContent)contents[end]).ProtectedData is not { Length: > 0 }
                        && end + 1 < contents.Count && contents[end + 1] is TextReasoningContent)
                    {
                        end++;
                    }

                    if (assistant)
                    {
                        WriteThinking(w, contents, i, end);
                    }

                    i = end;
                    break;
                case TextContent { Text.Length: > 0 } textContent:
                    w.WriteStartObject();
                    w.WriteString("type"u8, "text"u8);
                    w.WriteString("text"u8, textContent.Text);
                    w.WriteEndObject();
                    break;
                case FunctionCallContent call:
                    w.WriteStartObject();
                    w.WriteString("type"u8, "tool_use"u8);
                    w.WriteString("id"u8, call.CallId);
                    w.WriteString("name"u8, call.Name);
                    w.WriteStartObject("input"u8);
                    if (call.Arguments is { } args)
                    {
                        foreach (var pair in args)
                        {
                            w.WritePropertyName(pair.Key);
                            WriteValue(w, pair.Value);
                        }
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                case FunctionResultContent result:
                    w.WriteStartObject();
                    w.WriteString("type"u8, "tool_result"u8);
                    w.WriteString("tool_use_id"u8, result.CallId);
                    var text = ResultText(result.Result);
                    if (text.Length > 0)
                    {
                        w.WriteString("content"u8, text);
                    }

                    if (result.Exception is not null)
                    {
                        w.WriteBoolean("is_error"u8, true);
                    }

                    w.WriteEndObject();
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    w.WriteStartObject();
                    w.WriteString("type"u8, "image"u8);
                    w.WriteStartObject("source"u8);
                    w.WriteString("type"u8, "base64"u8);
                    w.WriteString("media_type"u8, data.MediaType);
                    w.WriteString("data"u8, data.Base64Data.Span);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    w.WriteStartObject();
                    w.WriteString("type"u8, "image"u8);
                    w.WriteStartObject("source"u8);
                    w.WriteString("type"u8, "url"u8);
                    w.WriteString("url"u8, uri.Uri.AbsoluteUri);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
            }
        }
    }

    private static void WriteThinking(Utf8JsonWriter w, IList<AIContent> contents, int start, int end)
    {
        var last = (TextReasoningContent)contents[end];
        if (last.ProtectedData is not { Length: > 0 } signature)
        {
            return; // the API refuses thinking it did not sign
        }

        if (IsRedacted(last))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "redacted_thinking"u8);
            w.WriteString("data"u8, signature);
            w.WriteEndObject();
            return;
        }

        w.WriteStartObject();
        w.WriteString("type"u8, "thinking"u8);
        if (start == end)
        {
            w.WriteString("thinking"u8, ((TextReasoningContent)contents[start]).Text);
        }
        else
        {
            var builder = new System.Text.StringBuilder();
            for (var i = start; i <= end; i++)
            {
                builder.Append(((TextReasoningContent)contents[i]).Text);
            }

            w.WriteString("thinking"u8, builder.ToString());
        }

        w.WriteString("signature"u8, signature);
        w.WriteEndObject();
    }

    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key marking a <see cref="TextReasoningContent"/> as a
    /// <c>redacted_thinking</c> block (its <see cref="TextReasoningContent.ProtectedData"/> is the encrypted data).</summary>
    public const string RedactedThinkingProperty = "anthropic.redacted_thinking";

    /// <summary>A reasoning content for a <c>redacted_thinking</c> block.</summary>
    public static TextReasoningContent RedactedThinking(string data) => new(string.Empty)
    {
        ProtectedData = data,
        AdditionalProperties = new() { [RedactedThinkingProperty] = true },
    };

    private static bool IsRedacted(TextReasoningContent content) =>
        content.AdditionalProperties is { } props && props.TryGetValue(RedactedThinkingProperty, out var value)
        && value is true or JsonElement { ValueKind: JsonValueKind.True };

    /// <summary>A tool result as the text the model reads: a string as is, JSON for anything else.</summary>
    internal static string ResultText(object? result)
    {
        switch (result)
        {
            case null:
                return string.Empty;
            case string s:
                return s;
            case JsonElement { ValueKind: JsonValueKind.String } e:
                return e.GetString()!;
            case JsonElement e:
                return e.GetRawText();
            case TextContent t:
                return t.Text;
            default:
                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer, s_resultTextOptions))
                {
                    WriteValue(w, result);
                }

                return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>
    /// Writes a tool argument or result as JSON without reflection, so it is the same under NativeAOT as under the JIT.
    /// </summary>
    /// <exception cref="ArgumentException">A type none of the cases covers (nor M.E.AI's source-generated context) (a programming error: rather than
    /// silently sending its type name, as <c>Convert.ToString</c> would).</exception>
    internal static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonElement e:
                e.WriteTo(w);
                break;
            case System.Text.Json.Nodes.JsonNode node:
                node.WriteTo(w);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(w);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int n:
                w.WriteNumberValue(n);
                break;
            case long n:
                w.WriteNumberValue(n);
                break;
            case double n when !double.IsFinite(n):
                // JSON has no NaN or infinity (Utf8JsonWriter throws): written as text, as JavaScript's String() would.
                w.WriteStringValue(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case float n when !float.IsFinite(n):
                w.WriteStringValue(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double n:
                w.WriteNumberValue(n);
                break;
            case decimal n:
                w.WriteNumberValue(n);
                break;
            case float n:
                w.WriteNumberValue(n);
                break;
            case short n:
                w.WriteNumberValue(n);
                break;
            case byte n:
                w.WriteNumberValue(n);
                break;
            case uint n:
                w.WriteNumberValue(n);
                break;
            case ulong n:
                w.WriteNumberValue(n);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs: // IDictionary and IReadOnlyDictionary alike
                w.WriteStartObject();
                foreach (var pair in pairs)
                {
                    w.WritePropertyName(pair.Key);
                    WriteValue(w, pair.Value);
                }

                w.WriteEndObject();
                break;
            case System.Collections.IDictionary map:
                // Any other dictionary (Dictionary<string, int>, …): keys as text, as System.Text.Json writes them.
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    w.WritePropertyName(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(w, entry.Value);
                }

                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            case Enum e:
                w.WriteStringValue(e.ToString());
                break;
            case char c:
                w.WriteStringValue(c.ToString());
                break;
            case DateTimeOffset or DateTime or Guid or TimeSpan or DateOnly or TimeOnly or Uri:
                // Plain values a tool may well return: their invariant text (ISO 8601 for times), never a type name.
                w.WriteStringValue(value is IFormattable formattable
                    ? formattable.ToString(value is DateTimeOffset or DateTime ? "O" : null, System.Globalization.CultureInfo.InvariantCulture)
                    : value.ToString());
                break;
            case sbyte or ushort:
                w.WriteNumberValue(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                JsonSerializer.Serialize(w, value, SourceGeneratedTypeInfo(value.GetType()));
                break;
        }
    }

    // What AIJsonUtilities.DefaultOptions can write from source-generated metadata (the AI content types); its
    // reflection resolver is skipped even where reflection is allowed, so that a test run under the JIT fails the way
    // the NativeAOT binary would.
    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo SourceGeneratedTypeInfo(Type type)
    {
        var options = AIJsonUtilities.DefaultOptions;
        foreach (var resolver in options.TypeInfoResolverChain)
        {
            if (resolver is not System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
                && resolver.GetTypeInfo(type, options) is not null)
            {
                return options.GetTypeInfo(type);
            }
        }

        throw new ArgumentException(
            $"A tool argument or result of type '{type.FullName}' cannot be written as JSON without reflection (NativeAOT). "
            + "Pass a string, JsonElement, JsonNode, number, bool, a dictionary or a list of these.", nameof(type));
    }

    private static void WriteTools(Utf8JsonWriter w, ChatOptions? options, bool cache)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return;
        }

        var last = -1;
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration)
            {
                last = i;
            }
        }

        if (last < 0)
        {
            return;
        }

        w.WriteStartArray("tools"u8);
        for (var i = 0; i <= last; i++)
        {
            if (tools[i] is not AIFunctionDeclaration function)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("name"u8, function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                w.WriteString("description"u8, function.Description);
            }

            w.WritePropertyName("input_schema"u8);
            if (function.JsonSchema.ValueKind == JsonValueKind.Object)
            {
                function.JsonSchema.WriteTo(w);
            }
            else
            {
                w.WriteRawValue("""{"type":"object","properties":{}}"""u8, skipInputValidation: true);
            }

            if (cache && i == last)
            {
                WriteCacheControl(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();

        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                w.WriteStartObject("tool_choice"u8);
                w.WriteString("type"u8, "none"u8);
                w.WriteEndObject();
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                w.WriteStartObject("tool_choice"u8);
                w.WriteString("type"u8, "tool"u8);
                w.WriteString("name"u8, name);
                w.WriteEndObject();
                break;
            case RequiredChatToolMode:
                w.WriteStartObject("tool_choice"u8);
                w.WriteString("type"u8, "any"u8);
                w.WriteEndObject();
                break;
            case AutoChatToolMode:
                w.WriteStartObject("tool_choice"u8);
                w.WriteString("type"u8, "auto"u8);
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteCacheControl(Utf8JsonWriter w)
    {
        w.WriteStartObject("cache_control"u8);
        w.WriteString("type"u8, "ephemeral"u8);
        w.WriteEndObject();
    }
}
