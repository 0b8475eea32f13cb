using System.IO.Pipelines;
using System.Text;
using OpenClaw.Ipc.Framing;
using OpenClaw.Testing;
using static OpenClaw.Ipc.Tests.Framing.FramingTestKit;

namespace OpenClaw.Ipc.Tests.Framing;

public sealed class NewlineFrameReaderTests
{
    private static IFrameReader Over(string wire, int maxMessageBytes = MessageFraming.DefaultMaxMessageBytes) =>
        ReaderOver(FramingKind.NewlineDelimited, Utf8(wire), maxMessageBytes);

    [Fact]
    public async Task ReadAsync_LfAndCrLfLines_ReturnEachMessageWithoutTerminator()
    {
        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "[3]"], await ReadAllAsync(Over("{\"a\":1}\n{\"b\":2}\r\n[3]\n")));
    }

    [Fact]
    public async Task ReadAsync_BlankAndWhitespaceLines_AreSkipped()
    {
        Assert.Equal(["{}", "[]"], await ReadAllAsync(Over("\n\r\n  \t\r\n{}\n\n \n[]\n\n")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("{}\n  ")]
    [InlineData("{}\r\n\r")]
    public async Task ReadAsync_EndAfterOnlyBlanks_IsACleanEnd(string wire)
    {
        var messages = await ReadAllAsync(Over(wire));

        Assert.All(messages, m => Assert.Equal("{}", m));
    }

    [Fact]
    public async Task ReadAsync_LastLineWithoutNewline_ThrowsUnexpectedEnd()
    {
        var reader = Over("{}\n{\"token\":\"sk-live-abc\"}");
        Assert.NotNull(await reader.ReadAsync(TestContext.Current.CancellationToken));

        var error = await ReadFailsAsync(reader);

        Assert.Equal(FramingError.UnexpectedEndOfStream, error.Error);
        Assert.DoesNotContain("sk-live", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MultibyteUtf8_LimitCountsBytesNotChars()
    {
        // Ten chars, but "€" is 3 bytes: 8 + 3 * 2 = 14 bytes. A limit of 13 must reject it, 14 must accept it.
        const string Line = "\"abcdef€€\"";
        Assert.Equal(10, Line.Length);
        Assert.Equal(14, Encoding.UTF8.GetByteCount(Line));

        Assert.Equal([Line], await ReadAllAsync(Over(Line + "\n", maxMessageBytes: 14)));
        Assert.Equal(FramingError.MessageTooLarge, (await ReadFailsAsync(Over(Line + "\n", maxMessageBytes: 13))).Error);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task ReadAsync_LineExactlyAtLimit_IsAccepted(string terminator)
    {
        var line = new string('1', 50);

        Assert.Equal([line], await ReadAllAsync(Over(line + terminator, maxMessageBytes: 50)));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task ReadAsync_LineOneOverLimit_ThrowsMessageTooLarge(string terminator)
    {
        var error = await ReadFailsAsync(Over(new string('1', 51) + terminator, maxMessageBytes: 50));

        Assert.Equal(FramingError.MessageTooLarge, error.Error);
    }

    [Fact]
    public async Task ReadAsync_EndlessLine_FailsOnceOverLimitWithoutWaitingForNewline()
    {
        // A peer that streams bytes and never a newline: the reader must stop at the limit, not buffer the lot.
        var pipe = new Pipe();
        var reader = MessageFraming.CreateReader(FramingKind.NewlineDelimited, pipe.Reader, maxMessageBytes: 1024);
        var chunk = Enumerable.Repeat((byte)'7', 256).ToArray();
        var feeding = Task.Run(
            async () =>
            {
                for (var i = 0; i < 100_000; i++)
                {
                    var flush = await pipe.Writer.WriteAsync(chunk, TestContext.Current.CancellationToken);
                    if (flush.IsCompleted)
                    {
                        return i;
                    }
                }

                return -1;
            },
            TestContext.Current.CancellationToken);

        var error = await ReadFailsAsync(reader);
        await pipe.Reader.CompleteAsync();
        var chunksSent = await feeding.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(FramingError.MessageTooLarge, error.Error);
        Assert.InRange(chunksSent, 0, 1000);
    }

    [Fact]
    public async Task ReadAsync_AfterFramingError_FailsEveryTimeAsFaulted()
    {
        var reader = Over(new string('x', 20) + "\n{}\n", maxMessageBytes: 10);
        Assert.Equal(FramingError.MessageTooLarge, (await ReadFailsAsync(reader)).Error);

        var again = await Assert.ThrowsAsync<FramingException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));

        Assert.Equal(FramingError.StreamFaulted, again.Error);
    }
}
