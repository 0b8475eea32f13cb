using System.Buffers;
using System.IO.Pipelines;

namespace OpenClaw.Ipc.Framing;

/// <summary>Reads newline-delimited messages: one per line, <c>\n</c> or <c>\r\n</c> terminated, blank lines skipped.</summary>
/// <remarks>
/// The line is returned as a slice of the pipe's buffer (no copy). The search for the newline never looks further than
/// the limit allows, so a peer that never sends one costs at most the limit plus the pipe's segment, then an error.
/// </remarks>
internal sealed class NewlineFrameReader(PipeReader reader, int maxMessageBytes) : PipeFrameReader(reader, maxMessageBytes)
{
    // How many bytes at the start of the buffer are already known to hold no newline, so each wait rescans only new data.
    private long _scanned;

    private static ReadOnlySpan<byte> Blank => " \t\r"u8;

    protected override bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        // Blank lines are consumed as they are passed; a partial line stays until its newline arrives.
        while (TryReadLine(ref buffer, out frame))
        {
            if (!IsBlank(frame))
            {
                return true;
            }
        }

        return false;
    }

    protected override void CheckCleanEnd(in ReadOnlySequence<byte> rest)
    {
        if (!IsBlank(rest))
        {
            throw FramingErrors.EndInLine();
        }
    }

    /// <summary>Finds the next complete line, without its terminator, and slices the buffer past it.</summary>
    private bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        // A valid line has at most max bytes, an optional '\r' and the '\n': the newline sits at index max + 1 at most.
        var limit = (long)MaxMessageBytes + 2;
        var window = buffer.Length > limit ? buffer.Slice(0, limit) : buffer;
        var newline = window.Slice(_scanned).PositionOf((byte)'\n');
        if (newline is not { } position)
        {
            if (buffer.Length >= limit)
            {
                throw FramingErrors.LineTooLong(MaxMessageBytes);
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

        if (line.Length > MaxMessageBytes)
        {
            throw FramingErrors.LineTooLong(MaxMessageBytes);
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
