namespace OpenClaw.Ipc.Framing;

/// <summary>The framing errors, in one place so the wording stays consistent and never includes message bytes.</summary>
internal static class FramingErrors
{
    public static FramingException MissingContentLength() => new(
        FramingError.MissingContentLength,
        "A frame header has no Content-Length; every message must start with 'Content-Length: <bytes>' and a blank line.");

    public static FramingException DuplicateContentLength() => new(
        FramingError.DuplicateContentLength,
        "A frame header has more than one Content-Length; send exactly one per message.");

    public static FramingException InvalidContentLength() => new(
        FramingError.InvalidContentLength,
        "A frame header's Content-Length is not a non-negative whole number of bytes.");

    public static FramingException MalformedHeader() => new(
        FramingError.MalformedHeader,
        "A frame header line is not of the form 'Name: value'; end each header line with CRLF and the header block with an empty line.");

    public static FramingException HeaderTooLong(int maxHeaderBytes) => new(
        FramingError.HeaderTooLong,
        $"A frame header block is longer than {maxHeaderBytes} bytes or never ends with an empty line; is the peer using Content-Length framing?");

    public static FramingException UnsupportedMediaType() => new(
        FramingError.UnsupportedContentType,
        "A frame header's Content-Type is not JSON; use 'application/vscode-jsonrpc; charset=utf-8' or 'application/json', or leave it out.");

    public static FramingException UnsupportedCharset() => new(
        FramingError.UnsupportedContentType,
        "A frame header's Content-Type names a charset other than utf-8; JSON-RPC messages must be UTF-8.");

    public static FramingException MessageTooLarge(long length, int maxMessageBytes) => new(
        FramingError.MessageTooLarge,
        $"A message of {length} bytes is over the limit of {maxMessageBytes} bytes; the stream is closed because it can no longer be read reliably.");

    public static FramingException LineTooLong(int maxMessageBytes) => new(
        FramingError.MessageTooLarge,
        $"A message line is longer than the limit of {maxMessageBytes} bytes; the stream is closed because it can no longer be read reliably.");

    public static FramingException EndInHeader() => new(
        FramingError.UnexpectedEndOfStream,
        "The stream ended inside a frame header; the peer closed the connection mid-message.");

    public static FramingException EndInBody(long expected, long received) => new(
        FramingError.UnexpectedEndOfStream,
        $"The stream ended after {received} of a message's {expected} bytes; the peer closed the connection mid-message.");

    public static FramingException EndInLine() => new(
        FramingError.UnexpectedEndOfStream,
        "The stream ended inside a message that has no terminating newline; the peer closed the connection mid-message.");

    public static FramingException Faulted() => new(
        FramingError.StreamFaulted,
        "The stream was abandoned after an earlier framing error; open a new connection.");

    public static FramingException OutgoingTooLarge(int length, int maxMessageBytes) => new(
        FramingError.MessageTooLarge,
        $"An outgoing message of {length} bytes is over the limit of {maxMessageBytes} bytes and was not sent.");

    public static FramingException OutgoingNewline() => new(
        FramingError.InvalidMessage,
        "An outgoing message contains a raw newline byte, which newline-delimited framing cannot carry; serialise the JSON without indentation.");

    public static FramingException OutgoingEmpty() => new(
        FramingError.InvalidMessage,
        "An outgoing message is empty; newline-delimited framing would turn it into a blank line, which is skipped.");

    public static FramingException PeerClosed() => new(
        FramingError.PeerClosed,
        "The other side stopped reading, so the message was not delivered.");
}
