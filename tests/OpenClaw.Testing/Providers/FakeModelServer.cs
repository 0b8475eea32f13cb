using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Testing.Providers;

/// <summary>
/// The part every fake model server shares: Kestrel on 127.0.0.1:0, a queue of scripted <see cref="FakeReply"/>s
/// (one per request; <see cref="DefaultReply"/> when the queue is empty), a record of every request, and the
/// misbehaving stream (chunking at awkward byte positions, a cut connection, a stall, a slow first byte).
/// Subclasses supply the wire format: routes, the SSE events and the JSON bodies.
/// </summary>
public abstract class FakeModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private WebApplication? _app;
    private int _requestCount;

    /// <summary>The server's root URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri RootUrl { get; private set; } = null!;

    /// <summary>What a request gets when nothing is queued.</summary>
    public FakeReply DefaultReply { get; set; } = FakeReply.Text("Hello from the fake model.");

    /// <summary>How many requests arrived (model calls and listings).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>Queues the answer to a coming request (answers are used in order).</summary>
    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts Kestrel on a free loopback port and maps the subclass's routes.</summary>
    protected async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        MapRoutes(_app);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        RootUrl = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>Maps the provider's routes.</summary>
    protected abstract void MapRoutes(WebApplication app);

    /// <summary>Records the request (reading its body) and returns it.</summary>
    protected async Task<FakeRequest> RecordAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var request = new FakeRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
        _requests.Enqueue(request);
        return request;
    }

    /// <summary>The next scripted reply.</summary>
    protected FakeReply NextReply() => _replies.TryDequeue(out var reply) ? reply : DefaultReply;

    /// <summary>Waits <see cref="FakeReply.HeaderDelay"/>, then, for a scripted failure, writes the status, <c>Retry-After</c>
    /// and <paramref name="errorBody"/>; returns whether it did (the caller then stops).</summary>
    protected static async Task<bool> TryWriteFailureAsync(HttpContext context, FakeReply reply, Func<int, string> errorBody)
    {
        if (reply.HeaderDelay > TimeSpan.Zero)
        {
            await Task.Delay(reply.HeaderDelay, context.RequestAborted).ConfigureAwait(false);
        }

        if (reply.Status is not { } status)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(errorBody(status), context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes a JSON body.</summary>
    protected static async Task WriteJsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="events"/> (each a complete SSE event text ending in a blank line) as
    /// <c>text/event-stream</c>, applying the reply's chunking, cut and stall.
    /// </summary>
    protected static async Task WriteEventStreamAsync(HttpContext context, FakeReply reply, IReadOnlyList<string> events)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        var body = context.Response.Body;
        var ct = context.RequestAborted;

        for (var i = 0; i < events.Count; i++)
        {
            if (reply.StallAfterEvents == i)
            {
                await Task.Delay(reply.StallFor ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            }

            var bytes = Encoding.UTF8.GetBytes(events[i]);
            if (reply.CutAfterEvents == i && reply.ErrorEventType is null)
            {
                // Half an event, then the response ends: the client must not take the fragment for a whole event. (Ending
                // it cleanly rather than resetting the connection keeps the test deterministic: a reset can overtake
                // the response headers in the client's receive buffer, which would test a connection failure instead.)
                await body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), ct).ConfigureAwait(false);
                await body.FlushAsync(ct).ConfigureAwait(false);
                return;
            }

            foreach (var chunk in Chunks(bytes, reply.Chunking))
            {
                await body.WriteAsync(chunk, ct).ConfigureAwait(false);
                await body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Cuts an event's bytes the way <paramref name="chunking"/> says.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Chunks(byte[] bytes, FakeChunking chunking)
    {
        switch (chunking)
        {
            case FakeChunking.EveryByte:
                for (var i = 0; i < bytes.Length; i++)
                {
                    yield return bytes.AsMemory(i, 1);
                }

                break;
            case FakeChunking.Awkward:
                var start = 0;
                foreach (var cut in AwkwardCuts(bytes))
                {
                    yield return bytes.AsMemory(start, cut - start);
                    start = cut;
                }

                yield return bytes.AsMemory(start);
                break;
            default:
                yield return bytes;
                break;
        }
    }

    // Cut positions: right after each "data:" and inside each multi-byte UTF-8 sequence (after its lead byte).
    private static List<int> AwkwardCuts(byte[] bytes)
    {
        ReadOnlySpan<byte> data = "data:"u8;
        var cuts = new List<int>();
        for (var i = 1; i < bytes.Length; i++)
        {
            var afterData = i >= data.Length && bytes.AsSpan(i - data.Length, data.Length).SequenceEqual(data);
            var insideChar = (bytes[i] & 0xC0) == 0x80 && (bytes[i - 1] & 0xC0) == 0xC0;
            if (afterData || insideChar)
            {
                cuts.Add(i);
            }
        }

        return cuts;
    }

    /// <summary>Splits <paramref name="text"/> into pieces of at most <paramref name="size"/> characters (never splitting a surrogate pair).</summary>
    public static IEnumerable<string> Pieces(string text, int size)
    {
        var i = 0;
        while (i < text.Length)
        {
            var n = Math.Min(Math.Max(1, size), text.Length - i);
            if (i + n < text.Length && char.IsHighSurrogate(text[i + n - 1]))
            {
                n++;
            }

            yield return text.Substring(i, n);
            i += n;
        }
    }
}
