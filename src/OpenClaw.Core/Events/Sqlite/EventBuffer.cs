using System.Buffers;
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

    private readonly List<byte[]> _segments = [];
    private byte[]? _current;
    private int _position;

    /// <summary>Serialises one event; the bytes returned stay valid until this buffer is disposed.</summary>
    public ReadOnlyMemory<byte> Serialize(SessionEvent sessionEvent)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Output.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Output);
        JsonSerializer.Serialize(scratch.Writer, sessionEvent, EventJsonContext.Default.SessionEvent);
        scratch.Writer.Flush();
        var json = scratch.Output.WrittenSpan;
        if (_current is null || _current.Length - _position < json.Length)
        {
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, json.Length));
            _segments.Add(_current);
            _position = 0;
        }

        json.CopyTo(_current.AsSpan(_position));
        var slice = new ReadOnlyMemory<byte>(_current, _position, json.Length);
        _position += json.Length;
        if (scratch.Output.Capacity > 4 * SegmentSize)
        {
            // One huge event must not pin a huge scratch buffer to the thread for good.
            t_scratch = null;
        }

        return slice;
    }

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

    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Output, new JsonWriterOptions { Encoder = EventJsonContext.Default.Options.Encoder, SkipValidation = true });

        public ArrayBufferWriter<byte> Output { get; } = new(4096);

        public Utf8JsonWriter Writer { get; }
    }
}
