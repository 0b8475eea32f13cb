namespace OpenClaw.Ipc.Framing;

/// <summary>Writes one framed message at a time to a byte stream.</summary>
/// <remarks>Thread-safe: concurrent writes are serialised, so frames never interleave.</remarks>
public interface IFrameWriter
{
    /// <summary>Frames the message body, writes it and flushes.</summary>
    /// <exception cref="FramingException">The message cannot be framed, is over the limit, or the other side stopped reading.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}
