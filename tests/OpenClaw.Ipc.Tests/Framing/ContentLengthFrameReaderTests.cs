using System.IO.Pipelines;
using System.Text;
using OpenClaw.Ipc.Framing;
using static OpenClaw.Ipc.Tests.Framing.FramingTestKit;

namespace OpenClaw.Ipc.Tests.Framing;

public sealed class ContentLengthFrameReaderTests
{
    private static IFrameReader Over(string wire, int maxMessageBytes = MessageFraming.DefaultMaxMessageBytes) =>
        ReaderOver(FramingKind.ContentLength, Utf8(wire), maxMessageBytes);

    [Fact]
    public async Task ReadAsync_TwoFrames_ReturnsEachBodyThenNullAtEnd()
    {
        var reader = Over("Content-Length: 2\r\n\r\n{}Content-Length: 7\r\n\r\n[1,2,3]");

        Assert.Equal(["{}", "[1,2,3]"], await ReadAllAsync(reader));
        Assert.Null(await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ReturnsNull()
    {
        Assert.Empty(await ReadAllAsync(Over("")));
    }

    [Theory]
    [InlineData("content-length: 2\r\n\r\n{}")]
    [InlineData("CONTENT-LENGTH:2\r\n\r\n{}")]
    [InlineData("Content-Length: 2 \r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}")]
    [InlineData("Content-Type: application/vscode-jsonrpc; charset=utf8\r\nContent-Length: 2\r\n\r\n{}")]
    [InlineData("Content-Length: 2\r\ncontent-type: Application/JSON\r\n\r\n{}")]
    [InlineData("Content-Length: 2\r\nContent-Type: application/json; charset=\"UTF-8\"\r\n\r\n{}")]
    [InlineData("Content-Length: 2\r\nX-Trace: abc\r\n\r\n{}")]
    public async Task ReadAsync_AcceptedHeaderVariants_ReturnBody(string wire)
    {
        Assert.Equal(["{}"], await ReadAllAsync(Over(wire)));
    }

    [Fact]
    public async Task ReadAsync_ZeroLength_ReturnsEmptyBody()
    {
        Assert.Equal(["", "{}"], await ReadAllAsync(Over("Content-Length: 0\r\n\r\nContent-Length: 2\r\n\r\n{}")));
    }

    [Fact]
    public async Task ReadAsync_MultibyteUtf8_LengthCountsBytesNotChars()
    {
        const string Body = "{\"t\":\"héllo €😀\"}";
        Assert.NotEqual(Body.Length, Encoding.UTF8.GetByteCount(Body));
        var wire = $"Content-Length: {Encoding.UTF8.GetByteCount(Body)}\r\n\r\n{Body}Content-Length: 2\r\n\r\n{{}}";

        Assert.Equal([Body, "{}"], await ReadAllAsync(Over(wire)));
    }

    [Theory]
    [InlineData("Content-Type: application/json\r\n\r\n{}", FramingError.MissingContentLength)]
    [InlineData("\r\n\r\n{}", FramingError.MalformedHeader)]
    [InlineData("Content-Length: 2\r\ncontent-length: 2\r\n\r\n{}", FramingError.DuplicateContentLength)]
    [InlineData("Content-Length: two\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: 2x\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: +2\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: 1.5\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: \r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: -2\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length: 99999999999999999999999\r\n\r\n{}", FramingError.InvalidContentLength)]
    [InlineData("Content-Length 2\r\n\r\n{}", FramingError.MalformedHeader)]
    [InlineData("Content-Length: 2\r\nno colon here\r\n\r\n{}", FramingError.MalformedHeader)]
    [InlineData(": 2\r\n\r\n{}", FramingError.MalformedHeader)]
    [InlineData("Content-Length: 2\r\nContent-Type: application/json; charset=utf-16\r\n\r\n{}", FramingError.UnsupportedContentType)]
    [InlineData("Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=iso-8859-1\r\n\r\n{}", FramingError.UnsupportedContentType)]
    [InlineData("Content-Length: 2\r\nContent-Type: text/plain\r\n\r\n{}", FramingError.UnsupportedContentType)]
    [InlineData("Content-Length: 2\r\n\r\n{", FramingError.UnexpectedEndOfStream)]
    [InlineData("Content-Length: 2\r\n", FramingError.UnexpectedEndOfStream)]
    [InlineData("Content-Length: 2\r\n\r\n{}Content-Len", FramingError.UnexpectedEndOfStream)]
    [InlineData("{\"jsonrpc\":\"2.0\"}\n", FramingError.UnexpectedEndOfStream)]
    public async Task ReadAsync_BadFrame_ThrowsFramingError(string wire, FramingError expected)
    {
        var error = await ReadFailsAsync(Over(wire));

        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public async Task ReadAsync_HeaderOverCap_ThrowsHeaderTooLong()
    {
        var wire = "Content-Length: 2\r\nX-Padding: " + new string('a', MessageFraming.MaxHeaderBytes) + "\r\n\r\n{}";

        Assert.Equal(FramingError.HeaderTooLong, (await ReadFailsAsync(Over(wire))).Error);
    }

    [Fact]
    public async Task ReadAsync_HeaderNeverEnds_FailsWithoutWaitingForTheEnd()
    {
        // The writer keeps the stream open: the reader must give up once the cap is passed, not wait for more.
        var pipe = new Pipe();
        var reader = MessageFraming.CreateReader(FramingKind.ContentLength, pipe.Reader);
        await pipe.Writer.WriteAsync(Enumerable.Repeat((byte)'a', MessageFraming.MaxHeaderBytes + 1).ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal(FramingError.HeaderTooLong, (await ReadFailsAsync(reader)).Error);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverLimit_FailsAtOnceWithoutBufferingTheBody()
    {
        // 100 MB declared, none of it sent and the stream left open: the reader must reject from the header alone.
        var pipe = new Pipe();
        var reader = MessageFraming.CreateReader(FramingKind.ContentLength, pipe.Reader, maxMessageBytes: 1024);
        await pipe.Writer.WriteAsync(Utf8("Content-Length: 100000000\r\n\r\n{\"secret\":\"hunter2"), TestContext.Current.CancellationToken);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var read = reader.ReadAsync(TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(read.IsCompleted, "the read waited for body bytes instead of rejecting the header");
        Assert.True(allocated < 64 * 1024, $"rejecting the frame allocated {allocated} bytes");
        var error = await Assert.ThrowsAsync<FramingException>(async () => await read);
        Assert.Equal(FramingError.MessageTooLarge, error.Error);
        Assert.Contains("100000000", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_AfterFramingError_FailsEveryTimeAsFaulted()
    {
        var reader = Over("Content-Length: 5000\r\n\r\n{}Content-Length: 2\r\n\r\n{}", maxMessageBytes: 100);
        Assert.Equal(FramingError.MessageTooLarge, (await ReadFailsAsync(reader)).Error);

        var again = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));

        Assert.Equal(FramingError.StreamFaulted, again.Error);
    }

    [Fact]
    public async Task ReadAsync_BodyExactlyAtLimit_IsAccepted()
    {
        var body = "\"" + new string('x', 98) + "\"";

        Assert.Equal([body], await ReadAllAsync(Over($"Content-Length: 100\r\n\r\n{body}", maxMessageBytes: 100)));
    }

    [Fact]
    public async Task ReadAsync_TruncatedBody_ErrorNeverQuotesTheBody()
    {
        var error = await ReadFailsAsync(Over("Content-Length: 40\r\n\r\n{\"token\":\"sk-live-abcdef\""));

        Assert.Equal(FramingError.UnexpectedEndOfStream, error.Error);
        Assert.DoesNotContain("sk-live", error.Message, StringComparison.Ordinal);
    }
}
