using System.Text;
using OpenClaw.Providers.Anthropic;

namespace OpenClaw.Providers.Tests.Anthropic;

public sealed class AnthropicSseReaderTests
{
    // \n, \r\n and \r endings, a comment, a field without a value, multi-line data, a space-less "data:", non-ASCII,
    // an event without data (dropped), an unknown field, and a final event without its blank line (dropped).
    private const string Sample =
        "event: message_start\ndata: {\"a\":1}\n\n" +
        ": keep-alive comment\r\n" +
        "event: content_block_delta\r\ndata:{\"t\":\"Grüße 👋 — 日本\"}\r\n\r\n" +
        "id: 7\rretry: 10\revent: multi\rdata: line one\rdata: line two\r\r" +
        "event: nothing\n\n" +
        "data\n\n" +
        "event: message_stop\ndata: {}\n\n" +
        "event: half\ndata: {\"cut\":";

    private static readonly (string Type, string Data)[] s_expected =
    [
        ("message_start", "{\"a\":1}"),
        ("content_block_delta", "{\"t\":\"Grüße 👋 — 日本\"}"),
        ("multi", "line one\nline two"),
        (string.Empty, string.Empty),
        ("message_stop", "{}"),
    ];

    [Fact]
    public async Task Every_split_position_gives_the_same_events()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var events = await ReadAllAsync(new ChunkedStream([bytes[..split], bytes[split..]]));
            Assert.Equal(s_expected, events);
        }
    }

    [Fact]
    public async Task One_byte_at_a_time_gives_the_same_events()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);

        var events = await ReadAllAsync(new ChunkedStream([.. bytes.Select(b => new[] { b })]));

        Assert.Equal(s_expected, events);
    }

    [Fact]
    public async Task An_event_larger_than_the_limit_is_refused()
    {
        var big = "data: " + new string('x', 5000) + "\n\n";
        using var reader = new AnthropicSseReader(new MemoryStream(Encoding.UTF8.GetBytes(big)), maxEventBytes: 1024);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_line_without_an_end_larger_than_the_limit_is_refused()
    {
        var big = "data: " + new string('x', 100_000);
        using var reader = new AnthropicSseReader(new MemoryStream(Encoding.UTF8.GetBytes(big)), maxEventBytes: 1024);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<List<(string Type, string Data)>> ReadAllAsync(Stream stream)
    {
        using var reader = new AnthropicSseReader(stream, 1 << 20);
        var events = new List<(string, string)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            events.Add((Encoding.UTF8.GetString(reader.EventType), Encoding.UTF8.GetString(reader.Data)));
        }

        return events;
    }

    /// <summary>A stream that returns its chunks one read at a time, never joining two.</summary>
    private sealed class ChunkedStream(byte[][] chunks) : Stream
    {
        private int _next;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_next < chunks.Length && _offset == chunks[_next].Length)
            {
                _next++;
                _offset = 0;
            }

            if (_next == chunks.Length)
            {
                return 0;
            }

            var n = Math.Min(count, chunks[_next].Length - _offset);
            Array.Copy(chunks[_next], _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
