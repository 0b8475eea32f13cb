using System.Buffers;
using System.IO.Pipelines;

namespace OpenClaw.Ipc.Framing;

/// <summary>Reads newline-delimited messages: one per line, <c>\n</c> or <c>\r\n</c> terminated, blank lines skipped.</summary>
/// <remarks>
/// The line is returned as a slice of the pipe's buffer (no copy). The search for the newline never looks further than
/// the limit allows, so a peer that never sends one costs at most the limit plus the pipe's segment, then an error.
/// </remarks>
internal sealed class NewlineFrameReader(PipeReader reader, int maxMessageBytes) : IFrameReader
{
    private readonly PipeReader _reader = reader;
    private readonly int _maxMessageBytes = maxMessageBytes;

    private SequencePosition _pendingConsumed;
    private bool _hasPending;
    private bool _faulted;

    // How many bytes at the start of the buffer are already known to hold no newline, so each wait rescans only new data.
    private long _scanned;

    private static ReadOnlySpan<byte> Blank => " \t\r"u8;

    public async ValueTask<ReadOnlySequence<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_faulted)
        {
            throw FramingErrors.Faulted();
        }

        if (_hasPending)
        {
            _hasPending = false;
            _reader.AdvanceTo(_pendingConsumed);
        }

        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    _reader.AdvanceTo(result.Buffer.Start);
                    throw new OperationCanceledException("The pending frame read was cancelled.");
                }

                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (!IsBlank(line))
                    {
                        _pendingConsumed = buffer.Start;
                        _hasPending = true;
                        return line;
                    }
                }

                if (result.IsCompleted)
                {
                    if (!IsBlank(buffer))
                    {
                        throw FramingErrors.EndInLine();
                    }

                    _reader.AdvanceTo(buffer.End);
                    return null;
                }

                // Blank lines before buffer.Start are consumed; the partial line is kept until its newline arrives.
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (FramingException)
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>Finds the next complete line, without its terminator, and slices the buffer past it.</summary>
    private bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        // A valid line has at most max bytes, an optional '\r' and the '\n': the newline sits at index max + 1 at most.
        var limit = (long)_maxMessageBytes + 2;
        var window = buffer.Length > limit ? buffer.Slice(0, limit) : buffer;
        var newline = window.Slice(_scanned).PositionOf((byte)'\n');
        if (newline is not { } position)
        {
            if (buffer.Length >= limit)
            {
                throw FramingErrors.LineTooLong(_maxMessageBytes);
            }

            _scanned = window.Length;
            line = default;
            return false;
        }

        _scanned = 0;
        line = buffer.Slice(0, position);
        buffer = buffer.Slice(buffer.GetPosition(1, position));
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > _maxMessageBytes)
        {
            throw FramingErrors.LineTooLong(_maxMessageBytes);
        }

        return true;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line) =>
        line.IsSingleSegment ? line.FirstSpan[^1] == (byte)'\r' : line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';

    private static bool IsBlank(in ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return true;
        }

        // A JSON message usually starts with '{' or '[', so most lines are decided by their first byte.
        if (Blank.IndexOf(line.FirstSpan[0]) < 0)
        {
            return false;
        }

        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(Blank) >= 0)
            {
                return false;
            }
        }

        return true;
    }
}
