using OpenClaw.Core;

namespace OpenClaw.Ipc.Framing;

/// <summary>A byte stream that does not follow the agreed framing, or a message that cannot be framed.</summary>
/// <remarks>The message names what was wrong and never includes the bytes of a message.</remarks>
public sealed class FramingException : OpenClawException
{
    /// <summary>Creates a framing error of a given kind with a message that is safe to show to a user.</summary>
    public FramingException(FramingError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates a framing error with a safe message.</summary>
    public FramingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates a framing error with a safe message and the inner cause (the cause is never shown).</summary>
    public FramingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a framing error with no message.</summary>
    public FramingException()
    {
    }

    /// <summary>What was wrong, for callers that react differently (log, reply, disconnect).</summary>
    public FramingError Error { get; }
}

/// <summary>The kinds of <see cref="FramingException"/>.</summary>
public enum FramingError
{
    /// <summary>Not classified.</summary>
    Unknown = 0,

    /// <summary>The header block has no <c>Content-Length</c>.</summary>
    MissingContentLength,

    /// <summary>The header block has more than one <c>Content-Length</c>.</summary>
    DuplicateContentLength,

    /// <summary>The <c>Content-Length</c> value is not a non-negative decimal integer.</summary>
    InvalidContentLength,

    /// <summary>A header line has no colon or no name.</summary>
    MalformedHeader,

    /// <summary>The header block is longer than the header limit.</summary>
    HeaderTooLong,

    /// <summary>The <c>Content-Type</c> names a media type or charset other than JSON in UTF-8.</summary>
    UnsupportedContentType,

    /// <summary>A message is longer than the message limit.</summary>
    MessageTooLarge,

    /// <summary>The stream ended in the middle of a frame.</summary>
    UnexpectedEndOfStream,

    /// <summary>A message given to a writer cannot be framed (for example a raw newline in newline-delimited framing).</summary>
    InvalidMessage,

    /// <summary>The reader was used again after an earlier framing error; the stream can no longer be trusted.</summary>
    StreamFaulted,

    /// <summary>The other side stopped reading, so an outgoing message was not delivered.</summary>
    PeerClosed,
}
