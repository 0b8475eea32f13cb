using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using OpenClaw.Ipc.Framing;

namespace OpenClaw.Bench;

/// <summary>
/// Reads 10,000 small JSON-RPC messages (~90 bytes) through each stream framing, as the plugin bridge does on stdio;
/// results are per message. <c>Sequence</c> reads one in-memory buffer (pure framing cost); <c>Stream</c> reads through
/// a <see cref="MemoryStream"/> in 4 KiB reads, so frames straddle read boundaries as they do on a pipe.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*FramingBenchmarks*'</c>.</remarks>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private const int Messages = 10_000;

    private byte[] _contentLength = [];
    private byte[] _newline = [];
    private byte[][] _bodies = [];

    /// <summary>Frames the messages once with each framing's own writer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _bodies = Enumerable.Range(0, Messages)
            .Select(i => Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":{{{i}}},"method":"sessions.get","params":{"sessionId":"s-{{{i % 97}}}"}}"""))
            .ToArray();
        _contentLength = Frame(FramingKind.ContentLength);
        _newline = Frame(FramingKind.NewlineDelimited);
        if (ReadAll(FramingKind.ContentLength, PipeReader.Create(new ReadOnlySequence<byte>(_contentLength))) != Messages
            || ReadAll(FramingKind.NewlineDelimited, PipeReader.Create(new ReadOnlySequence<byte>(_newline))) != Messages)
        {
            throw new InvalidOperationException("The framed input did not read back as 10,000 messages.");
        }
    }

    /// <summary>Content-Length framing over one in-memory buffer.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int ContentLength_Sequence() => ReadAll(FramingKind.ContentLength, PipeReader.Create(new ReadOnlySequence<byte>(_contentLength)));

    /// <summary>Newline framing over one in-memory buffer.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int Newline_Sequence() => ReadAll(FramingKind.NewlineDelimited, PipeReader.Create(new ReadOnlySequence<byte>(_newline)));

    /// <summary>Content-Length framing through a stream in 4 KiB reads.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int ContentLength_Stream() => ReadAll(FramingKind.ContentLength, PipeReader.Create(new MemoryStream(_contentLength, writable: false)));

    /// <summary>Newline framing through a stream in 4 KiB reads.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int Newline_Stream() => ReadAll(FramingKind.NewlineDelimited, PipeReader.Create(new MemoryStream(_newline, writable: false)));

    /// <summary>Writes the 10,000 messages with Content-Length framing to a stream that discards them.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void ContentLength_Write() => WriteAll(FramingKind.ContentLength, Stream.Null);

    /// <summary>Writes the 10,000 messages with newline framing to a stream that discards them.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void Newline_Write() => WriteAll(FramingKind.NewlineDelimited, Stream.Null);

    private static int ReadAll(FramingKind kind, PipeReader pipe)
    {
        var reader = MessageFraming.CreateReader(kind, pipe);
        var count = 0;
        long bytes = 0;
        while (true)
        {
            // In-memory sources complete synchronously, so the ValueTask is not boxed.
            var read = reader.ReadAsync(CancellationToken.None);
            var message = read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
            if (message is not { } body)
            {
                break;
            }

            bytes += body.Length;
            count++;
        }

        pipe.Complete();
        return bytes > 0 ? count : -1;
    }

    private void WriteAll(FramingKind kind, Stream output)
    {
        var pipe = PipeWriter.Create(output);
        var writer = MessageFraming.CreateWriter(kind, pipe);
        foreach (var body in _bodies)
        {
            var write = writer.WriteAsync(body, CancellationToken.None);
            if (!write.IsCompletedSuccessfully)
            {
                write.AsTask().GetAwaiter().GetResult();
            }
        }

        pipe.Complete();
    }

    private byte[] Frame(FramingKind kind)
    {
        var output = new MemoryStream();
        WriteAll(kind, output);
        return output.ToArray();
    }
}
