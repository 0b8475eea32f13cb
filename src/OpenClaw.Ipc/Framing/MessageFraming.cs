using System.IO.Pipelines;

namespace OpenClaw.Ipc.Framing;

/// <summary>The two ways JSON-RPC messages are delimited on a byte stream.</summary>
public enum FramingKind
{
    /// <summary>LSP-style <c>Content-Length: N</c> headers, a blank line, then exactly N bytes (vscode-jsonrpc's default).</summary>
    ContentLength = 0,

    /// <summary>One message per line, terminated by <c>\n</c>.</summary>
    NewlineDelimited = 1,
}

/// <summary>Creates frame readers and writers over pipes.</summary>
/// <remarks>The pipe stays the caller's: readers and writers neither complete nor dispose it.</remarks>
public static class MessageFraming
{
    /// <summary>The default message limit, the same as <c>gateway.limits.maxMessageBytes</c> (1 MiB).</summary>
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>The longest Content-Length header block accepted, including its closing blank line.</summary>
    public const int MaxHeaderBytes = 8 * 1024;

    /// <summary>Creates a reader of the given framing.</summary>
    public static IFrameReader CreateReader(FramingKind kind, PipeReader reader, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        return kind switch
        {
            FramingKind.ContentLength => new ContentLengthFrameReader(reader, maxMessageBytes),
            FramingKind.NewlineDelimited => new NewlineFrameReader(reader, maxMessageBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Creates a writer of the given framing.</summary>
    public static IFrameWriter CreateWriter(FramingKind kind, PipeWriter writer, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        return kind switch
        {
            FramingKind.ContentLength => new ContentLengthFrameWriter(writer, maxMessageBytes),
            FramingKind.NewlineDelimited => new NewlineFrameWriter(writer, maxMessageBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
