using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using OpenClaw.Ipc.Framing;

namespace OpenClaw.Ipc.Tests.Framing;

/// <summary>Feeds bytes to the framing readers in chosen chunks and collects what they return.</summary>
internal static class FramingTestKit
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A reader over the bytes, delivered exactly at the given cut offsets (each read sees one chunk).</summary>
    public static IFrameReader ReaderOver(FramingKind kind, byte[] bytes, int maxMessageBytes = MessageFraming.DefaultMaxMessageBytes, IReadOnlyList<int>? cuts = null, int bufferSize = 4096)
    {
        var stream = new ChunkedStream(bytes, cuts ?? []);
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: bufferSize, minimumReadSize: Math.Min(bufferSize, 1024)));
        return MessageFraming.CreateReader(kind, pipe, maxMessageBytes);
    }

    /// <summary>Reads every message to the clean end of stream, as strings.</summary>
    public static async Task<List<string>> ReadAllAsync(IFrameReader reader)
    {
        var messages = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken) is { } message)
        {
            messages.Add(Encoding.UTF8.GetString(message.ToArray()));
        }

        return messages;
    }

    /// <summary>Writes each message with the framing's writer and returns the bytes on the wire.</summary>
    public static async Task<byte[]> FrameAsync(FramingKind kind, IEnumerable<string> messages)
    {
        var output = new MemoryStream();
        var pipe = PipeWriter.Create(output);
        var writer = MessageFraming.CreateWriter(kind, pipe);
        foreach (var message in messages)
        {
            await writer.WriteAsync(Utf8(message), TestContext.Current.CancellationToken);
        }

        await pipe.CompleteAsync();
        return output.ToArray();
    }

    /// <summary>Awaits a read that must fail and returns the framing error.</summary>
    public static async Task<FramingException> ReadFailsAsync(IFrameReader reader)
    {
        while (true)
        {
            try
            {
                if (await reader.ReadAsync(TestContext.Current.CancellationToken) is null)
                {
                    throw new Xunit.Sdk.XunitException("The stream ended cleanly; a framing error was expected.");
                }
            }
            catch (FramingException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                return e;
            }
        }
    }

    /// <summary>A read-only stream that returns its bytes in the given chunks, so the pipe sees those boundaries.</summary>
    private sealed class ChunkedStream(byte[] bytes, IReadOnlyList<int> cuts) : Stream
    {
        private int _position;
        private int _nextCut;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_nextCut < cuts.Count && cuts[_nextCut] <= _position)
            {
                _nextCut++;
            }

            var end = _nextCut < cuts.Count ? Math.Min(cuts[_nextCut], bytes.Length) : bytes.Length;
            var count = Math.Min(buffer.Length, end - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
