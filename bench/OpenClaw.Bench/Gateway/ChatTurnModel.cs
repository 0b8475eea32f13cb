using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Bench.Gateway;

/// <summary>
/// An instant OpenAI-compatible model inside the driver's process (<c>chat-turn --serve-model PORT</c>): the same
/// answer as peers/openclaw/mock-llm.mjs (a role chunk, "pong", a stop chunk, a usage chunk, <c>[DONE]</c>), with each
/// request stamped on the driver's clock, so a turn splits into the gateway's work before the model call, the model,
/// and the gateway's work after it.
/// </summary>
internal sealed class ChatTurnModel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();
    private int _count;

    private ChatTurnModel(WebApplication app) => _app = app;

    /// <summary>One model request: when it arrived, when its body was read, when the whole answer was written.</summary>
    internal readonly record struct Call(long Arrived, long BodyRead, long Served, int Bytes, int Messages, int Tools, bool Stream);

    /// <summary>Starts the model on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<ChatTurnModel> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var model = new ChatTurnModel(app);
        app.MapPost("/v1/chat/completions", (RequestDelegate)model.CompleteAsync);
        app.MapGet("/v1/models", (RequestDelegate)(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\",\"owned_by\":\"mock\"}]}");
        }));
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new BenchException($"cannot serve the fake model on 127.0.0.1:{port}: {ex.Message}");
        }

        return model;
    }

    /// <summary>How many model requests arrived.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes every call recorded so far.</summary>
    public List<Call> Drain()
    {
        var calls = new List<Call>();
        while (_calls.TryDequeue(out var call))
        {
            calls.Add(call);
        }

        return calls;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bodyRead = Stopwatch.GetTimestamp();
        string model = "mock-model";
        var stream = false;
        int messages = 0, tools = 0;
        using (var doc = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length)))
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
            {
                model = m.GetString()!;
            }

            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            messages = root.TryGetProperty("messages", out var ms) && ms.ValueKind == JsonValueKind.Array ? ms.GetArrayLength() : 0;
            tools = root.TryGetProperty("tools", out var ts) && ts.ValueKind == JsonValueKind.Array ? ts.GetArrayLength() : 0;
        }

        var n = Interlocked.Increment(ref _count);
        var id = "chatcmpl-bench-" + n.ToString(CultureInfo.InvariantCulture);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var promptTokens = ((body.Length + 3) / 4).ToString(CultureInfo.InvariantCulture);
        var totalTokens = (((body.Length + 3) / 4) + 1).ToString(CultureInfo.InvariantCulture);
        var head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":" + JsonSerializer.Serialize(model);
        if (stream)
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var sse = new StringBuilder()
                .Append("data: ").Append(head).Append(",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n")
                .Append("data: ").Append(head).Append(",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"pong\"},\"finish_reason\":null}]}\n\n")
                .Append("data: ").Append(head).Append(",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
                .Append("data: ").Append(head).Append(",\"choices\":[],\"usage\":{\"prompt_tokens\":").Append(promptTokens)
                .Append(",\"completion_tokens\":1,\"total_tokens\":").Append(totalTokens).Append("}}\n\n")
                .Append("data: [DONE]\n\n");
            await context.Response.WriteAsync(sse.ToString(), context.RequestAborted);
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":" + created + ",\"model\":" + JsonSerializer.Serialize(model)
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"pong\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":1,\"total_tokens\":" + totalTokens + "}}",
                context.RequestAborted);
        }

        await context.Response.CompleteAsync();
        _calls.Enqueue(new Call(arrived, bodyRead, Stopwatch.GetTimestamp(), (int)body.Length, messages, tools, stream));
    }
}
