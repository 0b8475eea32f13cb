using System.Buffers;

namespace OpenClaw.Ipc.Framing;

/// <summary>Reads one framed message at a time from a byte stream.</summary>
/// <remarks>
/// Not thread-safe: one consumer reads. The returned bytes point into the reader's buffer and stay valid only until
/// the next call to <see cref="ReadAsync"/>; copy or parse them before reading again. After a
/// <see cref="FramingException"/> the stream cannot be trusted, and every later read fails.
/// </remarks>
public interface IFrameReader
{
    /// <summary>Reads the next message body, or returns null at a clean end of stream (between frames).</summary>
    /// <exception cref="FramingException">The bytes break the framing, a message is over the limit, or the stream ends inside a frame.</exception>
    ValueTask<ReadOnlySequence<byte>?> ReadAsync(CancellationToken cancellationToken);
}
