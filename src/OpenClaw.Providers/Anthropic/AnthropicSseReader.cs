using System.Buffers;

namespace OpenClaw.Providers.Anthropic;

/// <summary>
/// Reads server-sent events from a byte stream: any chunking (inside a UTF-8 character, between <c>data:</c> and its
/// payload), <c>\n</c>, <c>\r\n</c> or <c>\r</c> line endings, multi-line data, comments. Works on bytes, so an event's
/// data is handed out without decoding; buffers are pooled and an event larger than the limit is refused.
/// </summary>
internal sealed class AnthropicSseReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxEventBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _skipLf;
    private bool _eof;
    private byte[] _data;
    private int _dataLength;
    private bool _hasData;
    private byte[] _eventType = new byte[32];
    private int _eventTypeLength;

    public AnthropicSseReader(Stream stream, int maxEventBytes)
    {
        _stream = stream;
        _maxEventBytes = maxEventBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        _data = ArrayPool<byte>.Shared.Rent(16 * 1024);
    }

    /// <summary>The current event's type (empty when the event named none).</summary>
    public ReadOnlySpan<byte> EventType => _eventType.AsSpan(0, _eventTypeLength);

    /// <summary>The current event's data (lines joined by <c>\n</c>).</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, _dataLength);

    /// <summary>The current event's data as memory (valid until the next read).</summary>
    public ReadOnlyMemory<byte> DataMemory => _data.AsMemory(0, _dataLength);

    /// <summary>Reads the next event; <see langword="false"/> at the end of the stream (a trailing incomplete event is dropped).</summary>
    /// <exception cref="InvalidDataException">An event is larger than the limit.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        _eventTypeLength = 0;
        _dataLength = 0;
        _hasData = false;
        while (true)
        {
            while (TryReadLine(out var lineStart, out var lineLength))
            {
                if (ProcessLine(_buffer.AsSpan(lineStart, lineLength)))
                {
                    return true;
                }
            }

            if (_eof)
            {
                return false;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_data);
        _buffer = [];
        _data = [];
    }

    private bool TryReadLine(out int lineStart, out int lineLength)
    {
        if (_skipLf && _start < _end)
        {
            if (_buffer[_start] == (byte)'\n')
            {
                _start++;
            }

            _skipLf = false;
        }

        var span = _buffer.AsSpan(_start, _end - _start);
        var i = span.IndexOfAny((byte)'\n', (byte)'\r');
        if (i < 0)
        {
            lineStart = lineLength = 0;
            return false;
        }

        lineStart = _start;
        lineLength = i;
        _start += i + 1;
        if (span[i] == (byte)'\r')
        {
            _skipLf = true;
        }

        return true;
    }

    // Returns true when the line (a blank one) completes an event that has data.
    private bool ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            if (!_hasData)
            {
                _eventTypeLength = 0;
                return false;
            }

            if (_dataLength > 0 && _data[_dataLength - 1] == (byte)'\n')
            {
                _dataLength--;
            }

            return true;
        }

        if (line[0] == (byte)':')
        {
            return false; // comment
        }

        ReadOnlySpan<byte> name;
        ReadOnlySpan<byte> value;
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            name = line;
            value = default;
        }
        else
        {
            name = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (name.SequenceEqual("data"u8))
        {
            EnsureData(_dataLength + value.Length + 1);
            value.CopyTo(_data.AsSpan(_dataLength));
            _dataLength += value.Length;
            _data[_dataLength++] = (byte)'\n';
            _hasData = true;
        }
        else if (name.SequenceEqual("event"u8))
        {
            if (value.Length > _eventType.Length)
            {
                if (value.Length > 1024)
                {
                    throw new InvalidDataException("An SSE event name is too long.");
                }

                _eventType = new byte[value.Length];
            }

            value.CopyTo(_eventType);
            _eventTypeLength = value.Length;
        }

        return false; // id, retry and unknown fields are ignored
    }

    private void EnsureData(int needed)
    {
        if (needed > _maxEventBytes)
        {
            throw new InvalidDataException($"An SSE event is larger than {_maxEventBytes} bytes.");
        }

        if (needed > _data.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _data.Length * 2), _maxEventBytes + 1));
            _data.AsSpan(0, _dataLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = bigger;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Move the unfinished line to the front.
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length > _maxEventBytes)
            {
                throw new InvalidDataException($"An SSE line is larger than {_maxEventBytes} bytes.");
            }

            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
