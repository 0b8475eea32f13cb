using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenClaw.Testing.Providers;

/// <summary>
/// A loopback fake of the OpenAI API (and of the OpenAI-compatible servers: Ollama, vLLM, LM Studio, OpenRouter):
/// <c>POST /v1/chat/completions</c>, streaming (<c>data: {chunk}</c> events ending in <c>data: [DONE]</c>, with the
/// usage chunk when <c>stream_options.include_usage</c> is true) and not, and <c>GET /v1/models</c>. Replies come from
/// <see cref="FakeReply"/> scripts; failures carry OpenAI's error JSON. A reply with <see cref="FakeReply.ErrorEventType"/>
/// sends, after <see cref="FakeReply.CutAfterEvents"/> events, an error payload as a data line and ends the stream, as
/// OpenRouter and vLLM do.
/// </summary>
public sealed class FakeOpenAIServer : FakeModelServer
{
    private static readonly long s_created = 1_732_000_000;
    private int _completionCount;

    private FakeOpenAIServer()
    {
    }

    /// <summary>What goes in <c>providers.x.baseUrl</c>: the root plus <c>v1/</c>.</summary>
    public Uri BaseUrl => new(RootUrl, "v1/");

    /// <summary>The key every request must carry as <c>Authorization: Bearer</c>; <see langword="null"/> (the default)
    /// accepts requests with or without one, like Ollama.</summary>
    public string? ExpectedApiKey { get; set; }

    /// <summary>The model ids served at <c>GET /v1/models</c>.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["gpt-4o-mini", "gpt-4o"];

    /// <summary>Whether <c>GET /v1/models</c> exists; some compatible servers answer it with 404.</summary>
    public bool ServeModels { get; set; } = true;

    /// <summary>When set, scripted failures append the request's <c>Authorization</c> header to their message, as a
    /// careless compatible server might; the client must not pass the key on.</summary>
    public bool EchoAuthorizationInErrors { get; set; }

    /// <summary>When set, scripted failures answer with the body this builds from the request's <c>Authorization</c>
    /// header: any shape a careless compatible server might echo the key in.</summary>
    public Func<string, string>? EchoingErrorBody { get; set; }

    /// <summary>When set, streamed replies end cleanly (no cut connection) after this many SSE events, without a
    /// finish_reason or <c>data: [DONE]</c>, as a proxy that gives up might; the client must not take that for a whole reply.</summary>
    public int? EndStreamsAfterEvents { get; set; }

    /// <summary>When set, chat completions answer 200 with something that is not JSON (an HTML page from a proxy):
    /// streamed replies after this many SSE events, non-streamed ones instead of the body.</summary>
    public int? GarbageAfterEvents { get; set; }

    /// <summary>Starts a fake on a free loopback port.</summary>
    public static async Task<FakeOpenAIServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new FakeOpenAIServer();
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <inheritdoc />
    protected override void MapRoutes(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsAsync);
        app.MapGet("/v1/models", ModelsAsync);
        app.MapFallback(NotFoundAsync);
    }

    private async Task ModelsAsync(HttpContext context)
    {
        await RecordAsync(context).ConfigureAwait(false);
        if (await TryRejectKeyAsync(context).ConfigureAwait(false))
        {
            return;
        }

        if (!ServeModels)
        {
            await WriteNotFoundAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, Json(w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var id in Models)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("object", "model");
                w.WriteNumber("created", s_created);
                w.WriteString("owned_by", "openai");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        })).ConfigureAwait(false);
    }

    private async Task NotFoundAsync(HttpContext context)
    {
        await RecordAsync(context).ConfigureAwait(false);
        await WriteNotFoundAsync(context).ConfigureAwait(false);
    }

    // What api.openai.com answers for an unknown path.
    private static async Task WriteNotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = 404;
        await WriteJsonAsync(context, ErrorJson(
            $"Invalid URL ({context.Request.Method} {context.Request.Path})", "invalid_request_error", null)).ConfigureAwait(false);
    }

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        var request = await RecordAsync(context).ConfigureAwait(false);
        if (await TryRejectKeyAsync(context).ConfigureAwait(false))
        {
            return;
        }

        string model;
        bool stream;
        bool includeUsage;
        try
        {
            using var doc = JsonDocument.Parse(request.Body);
            var root = doc.RootElement;
            model = root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            context.Response.StatusCode = 400;
            await WriteJsonAsync(context, ErrorJson(
                "We could not parse the JSON body of your request.", "invalid_request_error", null)).ConfigureAwait(false);
            return;
        }

        var reply = NextReply();
        var echo = EchoAuthorizationInErrors ? context.Request.Headers.Authorization.ToString() : null;
        var echoBody = EchoingErrorBody;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (await TryWriteFailureAsync(context, reply, status => echoBody is not null ? echoBody(authorization)
            : FailureJson(status, model, echo)).ConfigureAwait(false))
        {
            return;
        }

        var id = "chatcmpl-fake" + Interlocked.Increment(ref _completionCount).ToString(CultureInfo.InvariantCulture);
        if (stream)
        {
            var events = StreamEvents(reply, id, model, includeUsage);
            if (EndStreamsAfterEvents is { } end && end < events.Count)
            {
                events = [.. events.Take(end)];
            }

            if (reply.ErrorEventType is { } errorType && reply.CutAfterEvents is { } errorAfter && errorAfter < events.Count)
            {
                // What OpenRouter and vLLM do when a started stream fails: an error payload in a data line, then the end.
                events = [.. events.Take(errorAfter), "data: " + ErrorJson("The upstream provider failed mid-stream.", errorType, null) + "\n\n"];
            }

            if (GarbageAfterEvents is { } garbage && garbage < events.Count)
            {
                events = [.. events.Take(garbage), "data: <html><body>502 Bad Gateway</body></html>\n\n", "data: [DONE]\n\n"];
            }

            await WriteEventStreamAsync(context, reply, events).ConfigureAwait(false);
        }
        else if (GarbageAfterEvents is not null)
        {
            await WriteJsonAsync(context, "<html><body>502 Bad Gateway</body></html>").ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(context, Completion(reply, id, model)).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryRejectKeyAsync(HttpContext context)
    {
        if (ExpectedApiKey is not { } expected)
        {
            return false;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header == "Bearer " + expected)
        {
            return false;
        }

        context.Response.StatusCode = 401;
        string message;
        if (header.Length == 0)
        {
            message = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";
        }
        else
        {
            // Like OpenAI: the wrong key is echoed masked (its first three and last four characters).
            var key = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : header;
            var masked = key.Length > 8 ? key[..3] + new string('*', key.Length - 7) + key[^4..] : "***";
            message = $"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.";
        }

        await WriteJsonAsync(context, ErrorJson(message, "invalid_request_error", "invalid_api_key")).ConfigureAwait(false);
        return true;
    }

    // OpenAI's error bodies for the statuses the scripts use.
    private static string FailureJson(int status, string model, string? echo)
    {
        if (echo is not null)
        {
            return ErrorJson($"Request failed with status {status} (Authorization: {echo}).", "invalid_request_error", null);
        }

        return FailureJson(status, model);
    }

    private static string FailureJson(int status, string model) => status switch
    {
        400 => ErrorJson("Invalid value for 'messages': the conversation is malformed.", "invalid_request_error", null, "messages"),
        401 => ErrorJson("Incorrect API key provided: sk-***************abcd. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"),
        403 => ErrorJson("You are not allowed to sample from this model", "invalid_request_error", "model_not_allowed"),
        404 => ErrorJson($"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
        429 => ErrorJson($"Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.", "requests", "rate_limit_exceeded"),
        503 => ErrorJson("The engine is currently overloaded, please try again later", "server_error", null),
        >= 500 => ErrorJson("The server had an error while processing your request. Sorry about that!", "server_error", null),
        _ => ErrorJson($"Request failed with status {status}.", "invalid_request_error", null),
    };

    /// <summary>OpenAI's error body: <c>{"error":{"message":..,"type":..,"param":..,"code":..}}</c>.</summary>
    public static string ErrorJson(string message, string type, string? code, string? param = null) => Json(w =>
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        WriteNullableString(w, "param", param);
        WriteNullableString(w, "code", code);
        w.WriteEndObject();
    });

    /// <summary>The finish_reason for the script's (Anthropic-vocabulary) stop reason.</summary>
    public static string FinishReason(FakeReply reply) => reply.EffectiveStopReason switch
    {
        "tool_use" => "tool_calls",
        "max_tokens" => "length",
        _ => "stop",
    };

    /// <summary>The SSE events of a streamed reply, each a complete <c>data: ...\n\n</c>.</summary>
    public static IReadOnlyList<string> StreamEvents(FakeReply reply, string id, string model, bool includeUsage)
    {
        var events = new List<string>
        {
            // The first chunk announces the role with empty content.
            Chunk(id, model, includeUsage, w =>
            {
                w.WriteString("role", "assistant");
                w.WriteString("content", "");
                w.WriteNull("refusal");
            }),
        };

        var toolIndex = 0;
        foreach (var block in reply.Blocks)
        {
            switch (block)
            {
                case FakeText text:
                    foreach (var piece in Pieces(text.Text, reply.DeltaChars))
                    {
                        events.Add(Chunk(id, model, includeUsage, w => w.WriteString("content", piece)));
                    }

                    break;
                case FakeToolCall call:
                    var index = toolIndex++;
                    events.Add(Chunk(id, model, includeUsage, w =>
                    {
                        w.WriteStartArray("tool_calls");
                        w.WriteStartObject();
                        w.WriteNumber("index", index);
                        w.WriteString("id", call.Id);
                        w.WriteString("type", "function");
                        w.WriteStartObject("function");
                        w.WriteString("name", call.Name);
                        w.WriteString("arguments", "");
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteEndArray();
                    }));
                    foreach (var piece in Pieces(call.ArgumentsJson, reply.DeltaChars))
                    {
                        events.Add(Chunk(id, model, includeUsage, w =>
                        {
                            w.WriteStartArray("tool_calls");
                            w.WriteStartObject();
                            w.WriteNumber("index", index);
                            w.WriteStartObject("function");
                            w.WriteString("arguments", piece);
                            w.WriteEndObject();
                            w.WriteEndObject();
                            w.WriteEndArray();
                        }));
                    }

                    break;
                default:
                    break; // thinking blocks have no chat completions form
            }
        }

        events.Add(Chunk(id, model, includeUsage, delta: null, finishReason: FinishReason(reply)));
        if (includeUsage)
        {
            events.Add("data: " + Json(w =>
            {
                WriteChunkHeader(w, id, model);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WritePropertyName("usage");
                WriteUsage(w, reply.Usage);
            }) + "\n\n");
        }

        events.Add("data: [DONE]\n\n");
        return events;
    }

    /// <summary>The <c>chat.completion</c> JSON of a non-streamed reply.</summary>
    public static string Completion(FakeReply reply, string id, string model) => Json(w =>
    {
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", s_created);
        w.WriteString("model", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        var text = new StringBuilder();
        var calls = new List<FakeToolCall>();
        foreach (var block in reply.Blocks)
        {
            if (block is FakeText t)
            {
                text.Append(t.Text);
            }
            else if (block is FakeToolCall c)
            {
                calls.Add(c);
            }
        }

        if (text.Length > 0 || calls.Count == 0)
        {
            w.WriteString("content", text.ToString());
        }
        else
        {
            w.WriteNull("content");
        }

        w.WriteNull("refusal");
        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var c in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", c.Name);
                w.WriteString("arguments", c.ArgumentsJson);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", FinishReason(reply));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage");
        WriteUsage(w, reply.Usage);
        w.WriteString("system_fingerprint", "fp_fake");
    });

    private static string Chunk(string id, string model, bool includeUsage, Action<Utf8JsonWriter>? delta, string? finishReason = null) =>
        "data: " + Json(w =>
        {
            WriteChunkHeader(w, id, model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta?.Invoke(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteNullableString(w, "finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            if (includeUsage)
            {
                w.WriteNull("usage"); // every chunk but the last carries "usage": null
            }
        }) + "\n\n";

    private static void WriteChunkHeader(Utf8JsonWriter w, string id, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", s_created);
        w.WriteString("model", model);
        w.WriteString("system_fingerprint", "fp_fake");
    }

    // prompt_tokens include the cached tokens (OpenAI's convention); the script's Input is the uncached part.
    private static void WriteUsage(Utf8JsonWriter w, FakeUsage usage)
    {
        var prompt = usage.Input + usage.CacheRead;
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", usage.Output);
        w.WriteNumber("total_tokens", prompt + usage.Output);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage.CacheRead);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    // One JSON object, compact, with non-ASCII characters written as themselves (as OpenAI does).
    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
