using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenClaw.Testing.Providers;

/// <summary>
/// A loopback stand-in for Anthropic's Messages API: <c>POST /v1/messages</c> (SSE when <c>stream</c> is true, else the
/// JSON message) and <c>GET /v1/models</c> (paged), in the real wire format, driven by <see cref="FakeReply"/> scripts.
/// </summary>
/// <remarks>
/// Like the real API it refuses a request without <c>anthropic-version</c>, <c>model</c>, <c>max_tokens</c> or
/// <c>messages</c> (400 <c>invalid_request_error</c>), and, when <see cref="ExpectedApiKey"/> or
/// <see cref="ExpectedBearerToken"/> is set, a request that carries neither (401 <c>authentication_error</c>).
/// </remarks>
public sealed class FakeAnthropicServer : FakeModelServer
{
    private int _messageCount;

    private FakeAnthropicServer()
    {
    }

    /// <summary>The root URL without a trailing slash (what goes in <c>providers.x.baseUrl</c>).</summary>
    public Uri BaseUrl => new(RootUrl.AbsoluteUri.TrimEnd('/'));

    /// <summary>When set, the <c>x-api-key</c> a request must carry.</summary>
    public string? ExpectedApiKey { get; set; }

    /// <summary>When set, the <c>Authorization: Bearer</c> token a request may carry instead (an OAuth login).</summary>
    public string? ExpectedBearerToken { get; set; }

    /// <summary>When set, scripted failures append the request's <c>x-api-key</c> (or <c>Authorization</c>) header to their
    /// message, as a proxy such as LiteLLM or a debugging proxy might; the client must not pass the key on.</summary>
    public bool EchoAuthorizationInErrors { get; set; }

    /// <summary>When set, scripted failures answer with the body this builds from the request's <c>x-api-key</c> (or
    /// <c>Authorization</c>) header: any shape a careless server might echo the key in.</summary>
    public Func<string, string>? EchoingErrorBody { get; set; }

    /// <summary>When set, a streaming request is answered 200 with an HTML page (a captive portal) instead of events.</summary>
    public bool AnswerStreamsWithHtml { get; set; }

    /// <summary>The model ids <c>GET /v1/models</c> lists.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];

    /// <summary>Starts the fake on a free loopback port.</summary>
    public static async Task<FakeAnthropicServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new FakeAnthropicServer();
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Anthropic's error body.</summary>
    public static string ErrorJson(string type, string message) =>
        new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            ["request_id"] = "req_fake",
        }.ToJsonString();

    /// <summary>Anthropic's error type for an HTTP status.</summary>
    public static string ErrorTypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    /// <inheritdoc />
    protected override void MapRoutes(WebApplication app)
    {
        app.MapPost("/v1/messages", HandleMessagesAsync);
        app.MapGet("/v1/models", HandleModelsAsync);
    }

    private static string ErrorMessageFor(int status) => status switch
    {
        400 => "messages: at least one message is required",
        401 => "invalid x-api-key",
        403 => "Your API key does not have permission to use the specified resource.",
        404 => "model: not found",
        429 => "Number of request tokens has exceeded your per-minute rate limit",
        529 => "Overloaded",
        _ => "Internal server error",
    };

    private async Task<bool> RefuseAsync(HttpContext context, FakeRequest request)
    {
        if (ExpectedApiKey is null && ExpectedBearerToken is null)
        {
            return false;
        }

        var keyOk = ExpectedApiKey is not null && request.Headers.TryGetValue("x-api-key", out var key) && key == ExpectedApiKey;
        var bearerOk = ExpectedBearerToken is not null && request.Headers.TryGetValue("authorization", out var auth)
            && auth == "Bearer " + ExpectedBearerToken;
        if (keyOk || bearerOk)
        {
            return false;
        }

        context.Response.StatusCode = 401;
        await WriteJsonAsync(context, ErrorJson("authentication_error", "invalid x-api-key")).ConfigureAwait(false);
        return true;
    }

    private async Task HandleModelsAsync(HttpContext context)
    {
        var request = await RecordAsync(context).ConfigureAwait(false);
        if (await RefuseAsync(context, request).ConfigureAwait(false))
        {
            return;
        }

        var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 20;
        var start = 0;
        if (context.Request.Query["after_id"].ToString() is { Length: > 0 } after)
        {
            start = Models.ToList().IndexOf(after) + 1;
        }

        var page = Models.Skip(start).Take(limit).ToList();
        var data = new JsonArray();
        foreach (var id in page)
        {
            data.Add((JsonNode)new JsonObject { ["type"] = "model", ["id"] = id, ["display_name"] = id, ["created_at"] = "2025-09-29T00:00:00Z" });
        }

        var body = new JsonObject
        {
            ["data"] = data,
            ["has_more"] = start + page.Count < Models.Count,
            ["first_id"] = page.Count > 0 ? page[0] : null,
            ["last_id"] = page.Count > 0 ? page[^1] : null,
        };
        await WriteJsonAsync(context, body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task HandleMessagesAsync(HttpContext context)
    {
        var request = await RecordAsync(context).ConfigureAwait(false);
        if (await RefuseAsync(context, request).ConfigureAwait(false))
        {
            return;
        }

        if (Validate(request) is { } problem)
        {
            context.Response.StatusCode = 400;
            await WriteJsonAsync(context, ErrorJson("invalid_request_error", problem)).ConfigureAwait(false);
            return;
        }

        var reply = NextReply();
        var credential = request.Headers.TryGetValue("x-api-key", out var sentKey) ? sentKey
            : request.Headers.TryGetValue("authorization", out var sentAuth) ? sentAuth : string.Empty;
        if (await TryWriteFailureAsync(context, reply, status => EchoingErrorBody is { } echo ? echo(credential)
            : EchoAuthorizationInErrors ? ErrorJson(ErrorTypeFor(status), $"{ErrorMessageFor(status)} (credential: {credential})")
            : ErrorJson(ErrorTypeFor(status), ErrorMessageFor(status))).ConfigureAwait(false))
        {
            return;
        }

        using var doc = JsonDocument.Parse(request.Body);
        var model = doc.RootElement.GetProperty("model").GetString()!;
        var stream = doc.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        string? stopSequence = null;
        if (reply.EffectiveStopReason == "stop_sequence" && doc.RootElement.TryGetProperty("stop_sequences", out var stops)
            && stops.GetArrayLength() > 0)
        {
            stopSequence = stops[0].GetString();
        }

        var id = "msg_fake_" + Interlocked.Increment(ref _messageCount).ToString(CultureInfo.InvariantCulture);
        if (stream && AnswerStreamsWithHtml)
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Please log in to the hotel Wi-Fi</body></html>", context.RequestAborted).ConfigureAwait(false);
        }
        else if (stream)
        {
            await WriteEventStreamAsync(context, reply, Events(reply, id, model, stopSequence)).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(context, Message(reply, id, model, stopSequence).ToJsonString()).ConfigureAwait(false);
        }
    }

    private static string? Validate(FakeRequest request)
    {
        if (!request.Headers.ContainsKey("anthropic-version"))
        {
            return "anthropic-version: header is required";
        }

        try
        {
            using var doc = JsonDocument.Parse(request.Body);
            var root = doc.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
            {
                return "model: Field required";
            }

            if (!root.TryGetProperty("max_tokens", out var max) || max.ValueKind != JsonValueKind.Number)
            {
                return "max_tokens: Field required";
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return "messages: Field required";
            }

            if (root.TryGetProperty("thinking", out var thinking)
                && thinking.GetProperty("budget_tokens").GetInt32() >= max.GetInt32())
            {
                return "max_tokens must be greater than thinking.budget_tokens";
            }

            return null;
        }
        catch (JsonException)
        {
            return "There was an issue with the format of your request: invalid JSON";
        }
    }

    private static JsonObject Usage(FakeUsage usage, bool start) => new()
    {
        ["input_tokens"] = usage.Input,
        ["cache_creation_input_tokens"] = usage.CacheWrite,
        ["cache_read_input_tokens"] = usage.CacheRead,
        ["output_tokens"] = start ? 1 : usage.Output,
    };

    private static JsonObject Message(FakeReply reply, string id, string model, string? stopSequence)
    {
        var content = new JsonArray();
        foreach (var block in reply.Blocks)
        {
            content.Add((JsonNode)(block switch
            {
                FakeText t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
                FakeThinking th => new JsonObject { ["type"] = "thinking", ["thinking"] = th.Thinking, ["signature"] = th.Signature },
                FakeToolCall call => new JsonObject
                {
                    ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson),
                },
                _ => throw new InvalidOperationException("unknown block"),
            }));
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = reply.EffectiveStopReason,
            ["stop_sequence"] = stopSequence,
            ["usage"] = Usage(reply.Usage, start: false),
        };
    }

    private static List<string> Events(FakeReply reply, string id, string model, string? stopSequence)
    {
        var events = new List<string>();
        void Add(string type, JsonObject data)
        {
            data.Insert(0, "type", type);
            events.Add("event: " + type + "\ndata: " + data.ToJsonString() + "\n\n");
        }

        var start = Message(reply with { Blocks = [] }, id, model, null);
        start["stop_reason"] = null;
        start["usage"] = Usage(reply.Usage, start: true);
        Add("message_start", new JsonObject { ["message"] = start });

        for (var index = 0; index < reply.Blocks.Count; index++)
        {
            JsonObject Delta(JsonObject delta) => new() { ["index"] = index, ["delta"] = delta };
            switch (reply.Blocks[index])
            {
                case FakeText t:
                    Add("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
                    Add("ping", []);
                    foreach (var piece in Pieces(t.Text, reply.DeltaChars))
                    {
                        Add("content_block_delta", Delta(new JsonObject { ["type"] = "text_delta", ["text"] = piece }));
                    }

                    break;
                case FakeThinking th:
                    Add("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = "" } });
                    foreach (var piece in Pieces(th.Thinking, reply.DeltaChars))
                    {
                        Add("content_block_delta", Delta(new JsonObject { ["type"] = "thinking_delta", ["thinking"] = piece }));
                    }

                    Add("content_block_delta", Delta(new JsonObject { ["type"] = "signature_delta", ["signature"] = th.Signature }));
                    break;
                case FakeToolCall call:
                    Add("content_block_start", new JsonObject
                    {
                        ["index"] = index,
                        ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() },
                    });
                    Add("content_block_delta", Delta(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = "" }));
                    foreach (var piece in Pieces(call.ArgumentsJson, reply.DeltaChars))
                    {
                        Add("content_block_delta", Delta(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece }));
                    }

                    break;
            }

            Add("content_block_stop", new JsonObject { ["index"] = index });
            Add("ping", []);
        }

        Add("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = reply.EffectiveStopReason, ["stop_sequence"] = stopSequence },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.Usage.Output },
        });
        Add("message_stop", []);

        if (reply.ErrorEventType is { } errorType)
        {
            var keep = Math.Min(reply.CutAfterEvents ?? 2, events.Count);
            events.RemoveRange(keep, events.Count - keep);
            events.Add("event: error\ndata: " + ErrorJson(errorType, errorType == "overloaded_error" ? "Overloaded" : "Something went wrong") + "\n\n");
        }

        return events;
    }
}
