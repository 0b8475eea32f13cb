using System.Buffers;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>
/// Serialises the events of one import into a few large pooled arrays instead of one fresh array per event, so an
/// import leaves little garbage; the slices stay valid until <see cref="Dispose"/>, which the import calls only after
/// the writer is done with its events.
/// </summary>
/// <remarks>Not thread-safe: one per thread of an import.</remarks>
internal sealed class EventBuffer : IDisposable
{
    private const int SegmentSize = 128 * 1024;

    // A writer and scratch buffer per thread, reused by every import on it.
    [ThreadStatic]
    private static Scratch? t_scratch;

    private static readonly byte[] s_sessionStarted = Prefix(EventTypes.SessionStarted);
    private static readonly byte[] s_messageReceived = Prefix(EventTypes.MessageReceived);
    private static readonly byte[] s_toolCalled = Prefix(EventTypes.ToolCalled);
    private static readonly byte[] s_toolResult = Prefix(EventTypes.ToolResult);
    private static readonly byte[] s_agentResponse = Prefix(EventTypes.AgentResponse);
    private static readonly byte[] s_messageSent = Prefix(EventTypes.MessageSent);
    private static readonly byte[] s_stateChanged = Prefix(EventTypes.StateChanged);
    private static readonly byte[] s_sessionEnded = Prefix(EventTypes.SessionEnded);

    private readonly List<byte[]> _segments = [];
    private byte[]? _current;
    private int _position;

    /// <summary>Serialises one event; the bytes returned stay valid until this buffer is disposed.</summary>
    public ReadOnlyMemory<byte> Serialize(SessionEvent sessionEvent)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Output.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Output);

        // Serialising through the polymorphic SessionEvent contract costs a 300-byte frame array per call (the
        // derived type is a nested frame); the concrete contract needs none. Its output is the same object without
        // the discriminator, which the polymorphic writer puts first: {"type":"…",…}.
        var (prefix, write) = Contract(sessionEvent);
        write(scratch.Writer, sessionEvent);
        scratch.Writer.Flush();
        var json = scratch.Output.WrittenSpan;
        if (json.Length < 3 || json[0] != (byte)'{' || json[1] == (byte)'}')
        {
            // Every event has an id and a key, so this is unreachable; fall back to the polymorphic contract anyway.
            prefix = [];
            json = JsonSerializer.SerializeToUtf8Bytes(sessionEvent, EventJsonContext.Default.SessionEvent);
        }
        else
        {
            json = json[1..];
        }

        var length = prefix.Length + json.Length;
        if (_current is null || _current.Length - _position < length)
        {
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, length));
            _segments.Add(_current);
            _position = 0;
        }

        prefix.CopyTo(_current.AsSpan(_position));
        json.CopyTo(_current.AsSpan(_position + prefix.Length));
        var slice = new ReadOnlyMemory<byte>(_current, _position, length);
        _position += length;
        if (scratch.Output.Capacity > 4 * SegmentSize)
        {
            // One huge event must not pin a huge scratch buffer to the thread for good.
            t_scratch = null;
        }

        return slice;
    }

    private static (byte[] Prefix, Action<Utf8JsonWriter, SessionEvent> Write) Contract(SessionEvent e) => e switch
    {
        SessionStarted => (s_sessionStarted, static (w, v) => JsonSerializer.Serialize(w, (SessionStarted)v, EventJsonContext.Default.SessionStarted)),
        MessageReceived => (s_messageReceived, static (w, v) => JsonSerializer.Serialize(w, (MessageReceived)v, EventJsonContext.Default.MessageReceived)),
        ToolCalled => (s_toolCalled, static (w, v) => JsonSerializer.Serialize(w, (ToolCalled)v, EventJsonContext.Default.ToolCalled)),
        ToolResult => (s_toolResult, static (w, v) => JsonSerializer.Serialize(w, (ToolResult)v, EventJsonContext.Default.ToolResult)),
        AgentResponse => (s_agentResponse, static (w, v) => JsonSerializer.Serialize(w, (AgentResponse)v, EventJsonContext.Default.AgentResponse)),
        MessageSent => (s_messageSent, static (w, v) => JsonSerializer.Serialize(w, (MessageSent)v, EventJsonContext.Default.MessageSent)),
        StateChanged => (s_stateChanged, static (w, v) => JsonSerializer.Serialize(w, (StateChanged)v, EventJsonContext.Default.StateChanged)),
        SessionEnded => (s_sessionEnded, static (w, v) => JsonSerializer.Serialize(w, (SessionEnded)v, EventJsonContext.Default.SessionEnded)),
        _ => throw new InvalidOperationException("unknown event kind " + e.GetType().Name),
    };

    /// <summary>Gives the arrays back to the pool; the slices handed out must no longer be used.</summary>
    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _current = null;
    }

    private static byte[] Prefix(string type) => Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",");

    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Output, new JsonWriterOptions { Encoder = EventJsonContext.Default.Options.Encoder, SkipValidation = true });

        public ArrayBufferWriter<byte> Output { get; } = new(4096);

        public Utf8JsonWriter Writer { get; }
    }
}
