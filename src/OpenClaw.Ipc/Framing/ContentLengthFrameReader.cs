using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace OpenClaw.Ipc.Framing;

/// <summary>Reads LSP-style frames: <c>Content-Length: N</c>, an optional <c>Content-Type</c>, an empty line, N bytes.</summary>
/// <remarks>
/// The body is returned as a slice of the pipe's buffer (no copy). A declared length over the limit is rejected as soon
/// as the header is read, before any of the body is buffered.
/// </remarks>
internal sealed class ContentLengthFrameReader(PipeReader reader, int maxMessageBytes) : PipeFrameReader(reader, maxMessageBytes)
{
    private const int NoBody = -1;

    // The length of the body whose header has been consumed but whose bytes have not all arrived yet.
    private long _bodyLength = NoBody;

    private static ReadOnlySpan<byte> HeaderTerminator => "\r\n\r\n"u8;

    protected override bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (_bodyLength == NoBody)
        {
            if (!TryReadHeader(ref buffer, out var length))
            {
                return false;
            }

            if (length > MaxMessageBytes)
            {
                throw FramingErrors.MessageTooLarge(length, MaxMessageBytes);
            }

            _bodyLength = length;
        }

        if (buffer.Length < _bodyLength)
        {
            return false; // the header is consumed; wait until the whole body is buffered
        }

        frame = buffer.Slice(0, _bodyLength);
        buffer = buffer.Slice(_bodyLength);
        _bodyLength = NoBody;
        return true;
    }

    protected override void CheckCleanEnd(in ReadOnlySequence<byte> rest)
    {
        if (_bodyLength != NoBody)
        {
            throw FramingErrors.EndInBody(_bodyLength, rest.Length);
        }

        if (!rest.IsEmpty)
        {
            throw FramingErrors.EndInHeader();
        }
    }

    /// <summary>Parses a complete header block at the start of the buffer and slices the buffer past it.</summary>
    private static bool TryReadHeader(ref ReadOnlySequence<byte> buffer, out long length)
    {
        length = 0;
        var window = buffer.Length > MessageFraming.MaxHeaderBytes ? buffer.Slice(0, MessageFraming.MaxHeaderBytes) : buffer;
        var sequenceReader = new SequenceReader<byte>(window);
        if (!sequenceReader.TryReadTo(out ReadOnlySequence<byte> header, HeaderTerminator, advancePastDelimiter: true))
        {
            if (buffer.Length >= MessageFraming.MaxHeaderBytes)
            {
                throw FramingErrors.HeaderTooLong(MessageFraming.MaxHeaderBytes);
            }

            return false;
        }

        if (header.IsSingleSegment)
        {
            length = ParseHeader(header.FirstSpan);
        }
        else
        {
            // Only when the header straddles buffer segments; it is at most MaxHeaderBytes long.
            var copy = ArrayPool<byte>.Shared.Rent((int)header.Length);
            try
            {
                header.CopyTo(copy);
                length = ParseHeader(copy.AsSpan(0, (int)header.Length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        buffer = buffer.Slice(sequenceReader.Position);
        return true;
    }

    /// <summary>Parses the header lines (CRLF-separated, without the closing empty line) and returns the Content-Length.</summary>
    private static long ParseHeader(ReadOnlySpan<byte> header)
    {
        long length = NoBody;
        while (true)
        {
            var end = header.IndexOf("\r\n"u8);
            var line = end < 0 ? header : header[..end];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw FramingErrors.MalformedHeader();
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (length != NoBody)
                {
                    throw FramingErrors.DuplicateContentLength();
                }

                length = ParseLength(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                CheckContentType(value);
            }

            // Other headers are allowed and ignored, as in LSP.
            if (end < 0)
            {
                break;
            }

            header = header[(end + 2)..];
        }

        return length == NoBody ? throw FramingErrors.MissingContentLength() : length;
    }

    private static long ParseLength(ReadOnlySpan<byte> value)
    {
        // Digits only: Utf8Parser would also take a sign, and a value past long.MaxValue fails to parse.
        if (value.IsEmpty
            || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !Utf8Parser.TryParse(value, out long length, out var consumed)
            || consumed != value.Length)
        {
            throw FramingErrors.InvalidContentLength();
        }

        return length;
    }

    private static void CheckContentType(ReadOnlySpan<byte> value)
    {
        var semicolon = value.IndexOf((byte)';');
        var mediaType = (semicolon < 0 ? value : value[..semicolon]).Trim(" \t"u8);
        if (!Ascii.EqualsIgnoreCase(mediaType, "application/vscode-jsonrpc"u8)
            && !Ascii.EqualsIgnoreCase(mediaType, "application/json"u8))
        {
            throw FramingErrors.UnsupportedMediaType();
        }

        while (semicolon >= 0)
        {
            value = value[(semicolon + 1)..];
            semicolon = value.IndexOf((byte)';');
            var parameter = semicolon < 0 ? value : value[..semicolon];
            var equals = parameter.IndexOf((byte)'=');
            if (equals < 0 || !Ascii.EqualsIgnoreCase(parameter[..equals].Trim(" \t"u8), "charset"u8))
            {
                continue;
            }

            var charset = parameter[(equals + 1)..].Trim(" \t"u8).Trim((byte)'"');

            // "utf8" is what older vscode-jsonrpc versions sent.
            if (!Ascii.EqualsIgnoreCase(charset, "utf-8"u8) && !Ascii.EqualsIgnoreCase(charset, "utf8"u8))
            {
                throw FramingErrors.UnsupportedCharset();
            }
        }
    }
}
