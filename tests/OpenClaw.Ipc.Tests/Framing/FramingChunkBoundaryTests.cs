using System.Text;
using CsCheck;
using OpenClaw.Ipc.Framing;
using static OpenClaw.Ipc.Tests.Framing.FramingTestKit;

namespace OpenClaw.Ipc.Tests.Framing;

/// <summary>Whatever way the bytes are split on arrival, the same messages come out.</summary>
public sealed class FramingChunkBoundaryTests
{
    private static readonly string[] s_messages = ["{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "[]", "{\"t\":\"héllo €😀\"}", "\"\r\""];

    [Theory]
    [InlineData(FramingKind.ContentLength, 4096)]
    [InlineData(FramingKind.ContentLength, 7)]
    [InlineData(FramingKind.NewlineDelimited, 4096)]
    [InlineData(FramingKind.NewlineDelimited, 7)]
    public async Task ReadAsync_SplitAtEveryPosition_ReturnsTheSameMessages(FramingKind kind, int bufferSize)
    {
        // The last message carries a raw CR mid-line: only a CR right before the LF is part of the terminator.
        var wire = await FrameAsync(kind, s_messages);

        for (var cut = 0; cut <= wire.Length; cut++)
        {
            var messages = await ReadAllAsync(ReaderOver(kind, wire, cuts: [cut], bufferSize: bufferSize));

            Assert.Equal(s_messages, messages);
        }
    }

    [Fact]
    public async Task ReadAsync_OneByteAtATime_ReturnsTheSameMessages()
    {
        foreach (var kind in new[] { FramingKind.ContentLength, FramingKind.NewlineDelimited })
        {
            var wire = await FrameAsync(kind, s_messages);

            var messages = await ReadAllAsync(ReaderOver(kind, wire, cuts: Enumerable.Range(1, wire.Length).ToArray(), bufferSize: 1));

            Assert.Equal(s_messages, messages);
        }
    }

    [Fact]
    public async Task ReadAsync_RandomMessagesAndChunking_RoundTrip()
    {
        // Message text: any Unicode scalar except the newline, so both framings can carry it; CR only mid-message.
        var genMessage = Gen.Char
            .Where(c => c != '\n' && c != '\r' && !char.IsSurrogate(c))
            .Array[1, 300]
            .Select(chars => new string(chars));
        var genCase = Gen.Select(
            Gen.Enum<FramingKind>(),
            genMessage.List[0, 12],
            Gen.Int[1, 64].List[0, 20],
            Gen.Int[1, 64]);

        await genCase.SampleAsync(
            async testCase =>
            {
                var (kind, messages, chunkSizes, bufferSize) = testCase;
                var wire = await FrameAsync(kind, messages);
                var cuts = new List<int>();
                var at = 0;
                foreach (var size in chunkSizes)
                {
                    at += size;
                    cuts.Add(at);
                }

                var read = await ReadAllAsync(ReaderOver(kind, wire, cuts: cuts, bufferSize: bufferSize));

                Assert.Equal(messages, read);
                Assert.Equal(messages.Sum(Encoding.UTF8.GetByteCount), read.Sum(Encoding.UTF8.GetByteCount));
            },
            iter: 300);
    }
}
