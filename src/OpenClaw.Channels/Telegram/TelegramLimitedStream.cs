namespace OpenClaw.Channels.Telegram;

/// <summary>A write-only wrapper that counts bytes and refuses to pass a limit (a download larger than reported stops there).</summary>
internal sealed class TelegramLimitedStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;

    public TelegramLimitedStream(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    /// <summary>The bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Whether a write was refused for passing the limit.</summary>
    public bool LimitExceeded { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count(buffer.Length);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count(buffer.Length);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    private void Count(int length)
    {
        if (Written + length > _limit)
        {
            LimitExceeded = true;
            Written += length;
            throw new IOException("The download passed the size limit.");
        }

        Written += length;
    }
}
