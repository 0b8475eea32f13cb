namespace OpenClaw.Testing.Providers;

/// <summary>One block of a scripted model reply.</summary>
public abstract record FakeBlock;

/// <summary>Text the model "says".</summary>
public sealed record FakeText(string Text) : FakeBlock;

/// <summary>An extended-thinking block (Anthropic) with its signature; OpenAI fakes skip it.</summary>
public sealed record FakeThinking(string Thinking, string Signature) : FakeBlock;

/// <summary>A tool call; <paramref name="ArgumentsJson"/> is streamed in pieces of <see cref="FakeReply.DeltaChars"/> characters.</summary>
public sealed record FakeToolCall(string Id, string Name, string ArgumentsJson) : FakeBlock;

/// <summary>Token counts the fake reports.</summary>
public sealed record FakeUsage(int Input, int Output, int CacheRead = 0, int CacheWrite = 0);

/// <summary>How the fake cuts its streamed bytes into the chunks it writes (each chunk is flushed on its own).</summary>
public enum FakeChunking
{
    /// <summary>One chunk per SSE event.</summary>
    PerEvent,

    /// <summary>One byte per chunk: every boundary, including inside UTF-8 characters and between <c>data:</c> and its payload.</summary>
    EveryByte,

    /// <summary>Chunks cut just after every <c>data:</c> and in the middle of every multi-byte UTF-8 character.</summary>
    Awkward,
}

/// <summary>
/// One scripted answer of a fake model server: the reply's blocks and usage, or an HTTP failure, plus how the stream
/// misbehaves. Both fakes (Anthropic and OpenAI) read the same script, each in its own wire format.
/// </summary>
public sealed record FakeReply
{
    /// <summary>The reply's blocks, in order.</summary>
    public IReadOnlyList<FakeBlock> Blocks { get; init; } = [];

    /// <summary>Usage reported with the reply.</summary>
    public FakeUsage Usage { get; init; } = new(10, 5);

    /// <summary>The stop reason in Anthropic's terms ("end_turn", "tool_use", "max_tokens", "stop_sequence");
    /// defaults to "tool_use" when a tool call is present, else "end_turn". The OpenAI fake maps it to finish_reason.</summary>
    public string? StopReason { get; init; }

    /// <summary>Instead of a reply: this HTTP status with the provider's error body.</summary>
    public int? Status { get; init; }

    /// <summary>With <see cref="Status"/>: the <c>Retry-After</c> header in seconds.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Characters per text, thinking or argument delta.</summary>
    public int DeltaChars { get; init; } = 8;

    /// <summary>How the streamed bytes are cut into writes.</summary>
    public FakeChunking Chunking { get; init; } = FakeChunking.PerEvent;

    /// <summary>When set, the stream stops after this many SSE events, partway through the next one, and the response ends there.</summary>
    public int? CutAfterEvents { get; init; }

    /// <summary>When set, the stream sends this many SSE events and then nothing until the client gives up (or <see cref="StallFor"/> passes).</summary>
    public int? StallAfterEvents { get; init; }

    /// <summary>How long a stall lasts; forever (until the client disconnects) unless set.</summary>
    public TimeSpan? StallFor { get; init; }

    /// <summary>Delay before the response headers are sent (a slow first byte).</summary>
    public TimeSpan HeaderDelay { get; init; }

    /// <summary>When set (Anthropic), an SSE <c>error</c> event with this error type (e.g. "overloaded_error") is sent after <see cref="CutAfterEvents"/> events instead of cutting the connection.</summary>
    public string? ErrorEventType { get; init; }

    /// <summary>A reply that says <paramref name="text"/>.</summary>
    public static FakeReply Text(string text, FakeUsage? usage = null) =>
        new() { Blocks = [new FakeText(text)], Usage = usage ?? new(10, 5) };

    /// <summary>A reply that calls one tool.</summary>
    public static FakeReply ToolCall(string id, string name, string argumentsJson, string? leadingText = null) =>
        new() { Blocks = leadingText is null ? [new FakeToolCall(id, name, argumentsJson)] : [new FakeText(leadingText), new FakeToolCall(id, name, argumentsJson)] };

    /// <summary>An HTTP failure.</summary>
    public static FakeReply Failure(int status, int? retryAfterSeconds = null) =>
        new() { Status = status, RetryAfterSeconds = retryAfterSeconds };

    /// <summary>The effective stop reason (Anthropic's vocabulary).</summary>
    public string EffectiveStopReason => StopReason ?? (Blocks.Any(b => b is FakeToolCall) ? "tool_use" : "end_turn");
}

/// <summary>One request a fake model server received, for assertions.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path (with query).</param>
/// <param name="Headers">The request headers (names lower-case).</param>
/// <param name="Body">The request body as text (empty for GET).</param>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
