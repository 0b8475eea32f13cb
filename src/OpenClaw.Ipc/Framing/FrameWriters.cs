using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;

namespace OpenClaw.Ipc.Framing;

/// <summary>Writes LSP-style frames: <c>Content-Length: N\r\n\r\n</c> followed by the body.</summary>
internal sealed class ContentLengthFrameWriter(PipeWriter writer, int maxMessageBytes) : SerialFrameWriter(writer, maxMessageBytes)
{
    private const int MaxHeaderLength = 40;

    protected override void Validate(ReadOnlySpan<byte> message)
    {
    }

    protected override void WriteFrame(PipeWriter writer, ReadOnlySpan<byte> message)
    {
        var span = writer.GetSpan(MaxHeaderLength);
        var prefix = "Content-Length: "u8;
        prefix.CopyTo(span);
        var written = prefix.Length;
        message.Length.TryFormat(span[written..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        written += digits;
        "\r\n\r\n"u8.CopyTo(span[written..]);
        writer.Advance(written + 4);
        writer.Write(message);
    }
}

/// <summary>Writes newline-delimited frames: the body followed by <c>\n</c>.</summary>
internal sealed class NewlineFrameWriter(PipeWriter writer, int maxMessageBytes) : SerialFrameWriter(writer, maxMessageBytes)
{
    protected override void Validate(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            throw FramingErrors.OutgoingEmpty();
        }

        if (message.IndexOf((byte)'\n') >= 0)
        {
            throw FramingErrors.OutgoingNewline();
        }
    }

    protected override void WriteFrame(PipeWriter writer, ReadOnlySpan<byte> message)
    {
        var span = writer.GetSpan(message.Length + 1);
        message.CopyTo(span);
        span[message.Length] = (byte)'\n';
        writer.Advance(message.Length + 1);
    }
}

/// <summary>Serialises writers: a frame is written and flushed under a gate, so frames never interleave.</summary>
[SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle, so there is nothing to dispose.")]
internal abstract class SerialFrameWriter(PipeWriter writer, int maxMessageBytes) : IFrameWriter
{
    private readonly PipeWriter _writer = writer;
    private readonly int _maxMessageBytes = maxMessageBytes;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (message.Length > _maxMessageBytes)
        {
            throw FramingErrors.OutgoingTooLarge(message.Length, _maxMessageBytes);
        }

        Validate(message.Span);
        return WriteCoreAsync(message, cancellationToken);
    }

    protected abstract void Validate(ReadOnlySpan<byte> message);

    protected abstract void WriteFrame(PipeWriter writer, ReadOnlySpan<byte> message);

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The whole frame goes into the pipe synchronously; a cancelled flush leaves it intact for the next one.
            WriteFrame(_writer, message.Span);
            var flush = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw FramingErrors.PeerClosed();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
