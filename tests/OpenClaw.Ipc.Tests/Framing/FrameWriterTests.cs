using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using OpenClaw.Ipc.Framing;
using static OpenClaw.Ipc.Tests.Framing.FramingTestKit;

namespace OpenClaw.Ipc.Tests.Framing;

public sealed class FrameWriterTests
{
    [Fact]
    public async Task WriteAsync_ContentLength_EmitsHeaderBlankLineAndBody()
    {
        var wire = await FrameAsync(FramingKind.ContentLength, ["{}", "[1]"]);

        Assert.Equal("Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]", Encoding.UTF8.GetString(wire));
    }

    [Fact]
    public async Task WriteAsync_ContentLengthMultibyte_CountsBytesNotChars()
    {
        const string Body = "{\"t\":\"é€😀\"}";

        var wire = await FrameAsync(FramingKind.ContentLength, [Body]);

        Assert.Equal($"Content-Length: {Encoding.UTF8.GetByteCount(Body)}\r\n\r\n{Body}", Encoding.UTF8.GetString(wire));
        Assert.NotEqual(Body.Length, Encoding.UTF8.GetByteCount(Body));
    }

    [Fact]
    public async Task WriteAsync_Newline_AppendsLf()
    {
        var wire = await FrameAsync(FramingKind.NewlineDelimited, ["{}", "[\"é\"]"]);

        Assert.Equal("{}\n[\"é\"]\n", Encoding.UTF8.GetString(wire));
    }

    [Theory]
    [InlineData("{\n}", FramingError.InvalidMessage)]
    [InlineData("", FramingError.InvalidMessage)]
    public async Task WriteAsync_NewlineUnframeableMessage_ThrowsAndWritesNothing(string message, FramingError expected)
    {
        var output = new MemoryStream();
        var writer = MessageFraming.CreateWriter(FramingKind.NewlineDelimited, PipeWriter.Create(output));

        var error = await Assert.ThrowsAsync<FramingException>(async () => await writer.WriteAsync(Utf8(message), TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Error);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData(FramingKind.ContentLength)]
    [InlineData(FramingKind.NewlineDelimited)]
    public async Task WriteAsync_MessageOverLimit_ThrowsAndWritesNothing(FramingKind kind)
    {
        var output = new MemoryStream();
        var writer = MessageFraming.CreateWriter(kind, PipeWriter.Create(output), maxMessageBytes: 10);

        var error = await Assert.ThrowsAsync<FramingException>(async () => await writer.WriteAsync(Utf8("[1,2,3,4,5,6]"), TestContext.Current.CancellationToken));

        Assert.Equal(FramingError.MessageTooLarge, error.Error);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData(FramingKind.ContentLength)]
    [InlineData(FramingKind.NewlineDelimited)]
    public async Task WriteAsync_ReaderGone_ThrowsPeerClosed(FramingKind kind)
    {
        var pipe = new Pipe();
        var writer = MessageFraming.CreateWriter(kind, pipe.Writer);
        await pipe.Reader.CompleteAsync();

        var error = await Assert.ThrowsAsync<FramingException>(async () => await writer.WriteAsync(Utf8("{}"), TestContext.Current.CancellationToken));

        Assert.Equal(FramingError.PeerClosed, error.Error);
    }

    [Theory]
    [InlineData(FramingKind.ContentLength)]
    [InlineData(FramingKind.NewlineDelimited)]
    public async Task WriteAsync_ManyConcurrentWriters_EveryFrameArrivesIntact(FramingKind kind)
    {
        const int Writers = 8;
        const int PerWriter = 250;
        var cancellationToken = TestContext.Current.CancellationToken;

        // A small pause threshold makes writers block on flush often, which is where interleaving would show.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var writer = MessageFraming.CreateWriter(kind, pipe.Writer);
        var reader = MessageFraming.CreateReader(kind, pipe.Reader);

        var received = new ConcurrentBag<string>();
        var reading = Task.Run(
            async () =>
            {
                while (await reader.ReadAsync(cancellationToken) is { } message)
                {
                    received.Add(Encoding.UTF8.GetString(message.ToArray()));
                }
            },
            cancellationToken);

        using var start = new Barrier(Writers);
        async Task WriteManyAsync(int w)
        {
            await Task.Yield();
            start.SignalAndWait(cancellationToken);
            for (var i = 0; i < PerWriter; i++)
            {
                // Sizes vary from a few bytes to a few kilobytes, so frames straddle the pipe's segments.
                var padding = new string((char)('a' + w), (i * 37 % 3000) + 1);
                await writer.WriteAsync(Utf8($"{{\"w\":{w},\"i\":{i},\"p\":\"{padding}\"}}"), cancellationToken);
            }
        }

        var writing = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteManyAsync(w), cancellationToken)).ToArray();

        await Task.WhenAll(writing).WaitAsync(OpenClaw.Testing.TestTimeouts.Default, cancellationToken);
        await pipe.Writer.CompleteAsync();
        await reading.WaitAsync(OpenClaw.Testing.TestTimeouts.Default, cancellationToken);

        Assert.Equal(Writers * PerWriter, received.Count);
        var expected = Enumerable.Range(0, Writers)
            .SelectMany(w => Enumerable.Range(0, PerWriter).Select(i => $"{{\"w\":{w},\"i\":{i},\"p\":\"{new string((char)('a' + w), (i * 37 % 3000) + 1)}\"}}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, received.Order(StringComparer.Ordinal));
    }
}
