using System.Buffers;
using System.IO.Pipelines;

namespace OpenClaw.Ipc.Framing;

/// <summary>
/// The read loop both framings share: hands out each frame as a slice of the pipe's buffer (consumed at the next
/// read, so the slice stays valid until then), honours cancellation, and stays failed after a framing error.
/// </summary>
internal abstract class PipeFrameReader(PipeReader reader, int maxMessageBytes) : IFrameReader
{
    // The end of the frame handed out last; consumed at the start of the next read so the caller's slice stays valid.
    private SequencePosition _pendingConsumed;
    private bool _hasPending;
    private bool _faulted;

    protected int MaxMessageBytes { get; } = maxMessageBytes;

    public async ValueTask<ReadOnlySequence<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_faulted)
        {
            throw FramingErrors.Faulted();
        }

        if (_hasPending)
        {
            _hasPending = false;
            reader.AdvanceTo(_pendingConsumed);
        }

        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    reader.AdvanceTo(result.Buffer.Start);
                    throw new OperationCanceledException("The pending frame read was cancelled.");
                }

                var buffer = result.Buffer;
                if (TryReadFrame(ref buffer, out var frame))
                {
                    _pendingConsumed = buffer.Start;
                    _hasPending = true;
                    return frame;
                }

                if (result.IsCompleted)
                {
                    CheckCleanEnd(buffer); // throws when the stream ended inside a frame
                    reader.AdvanceTo(buffer.End);
                    return null;
                }

                // What the framing consumed (headers, blank lines) is before buffer.Start; wait for more after the rest.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (FramingException)
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>
    /// Takes the next complete frame from the start of <paramref name="buffer"/>, leaving the buffer after it; when
    /// there is none yet, leaves the buffer after whatever was consumed and returns false.
    /// </summary>
    protected abstract bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame);

    /// <summary>At the end of the stream with <paramref name="rest"/> unread: throws unless that is a clean end.</summary>
    protected abstract void CheckCleanEnd(in ReadOnlySequence<byte> rest);
}
