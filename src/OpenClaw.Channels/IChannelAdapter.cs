using OpenClaw.Channels.Inbound;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels;

/// <summary>A chat service the gateway talks through (Telegram, web chat, …).</summary>
/// <remarks>
/// Inbound messages go into the <see cref="InboundBuffer"/> given to <see cref="StartAsync"/>; the adapter waits while it
/// is full (polling pauses, a webhook answers 429), so a flood never grows memory without limit. Implementations are
/// thread-safe: replies to different chats are sent concurrently.
/// </remarks>
public interface IChannelAdapter : IAsyncDisposable
{
    /// <summary>The channel id (e.g. <c>telegram</c>).</summary>
    ChannelId Id { get; }

    /// <summary>What it can do.</summary>
    ChannelCapabilities Capabilities { get; }

    /// <summary>The status as last observed.</summary>
    ChannelStatus Status { get; }

    /// <summary>Raised (on any thread) whenever <see cref="Status"/> changes.</summary>
    event Action<ChannelStatus>? StatusChanged;

    /// <summary>Starts receiving into <paramref name="inbound"/>; returns once started (a failure to connect is a status, not an exception).</summary>
    Task StartAsync(InboundBuffer inbound, CancellationToken cancellationToken);

    /// <summary>Stops receiving; messages already handed over are still completed by their consumer.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Checks the connection now (e.g. Telegram's <c>getMe</c>) and returns, and records, the result.</summary>
    Task<ChannelStatus> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>Sends a whole Markdown text, split as the channel needs; returns the ids of the messages sent.</summary>
    /// <exception cref="ChannelDeliveryException">The channel refused it, or retries ran out.</exception>
    Task<IReadOnlyList<string>> SendTextAsync(string chatId, string markdown, string? replyToMessageId, CancellationToken cancellationToken);

    /// <summary>Starts a reply that streams into <paramref name="chatId"/> (by edits where the channel can edit).</summary>
    IStreamingReply BeginReply(string chatId, string? replyToMessageId);

    /// <summary>Shows the typing indicator once (channels let it lapse after a few seconds).</summary>
    Task SendTypingAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>Copies an attachment's content to <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ChannelDeliveryException">It is larger than <paramref name="maxBytes"/>, or the channel failed to give it.</exception>
    Task<long> DownloadAsync(InboundAttachment attachment, Stream destination, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>A reply being written into a chat while the model streams it.</summary>
/// <remarks>Not thread-safe: one run writes to it, in order.</remarks>
public interface IStreamingReply : IAsyncDisposable
{
    /// <summary>Adds streamed text; the adapter shows it (throttled) without waiting here.</summary>
    void Append(string delta);

    /// <summary>Replaces what was streamed with the final text, formatted and split as the channel needs; returns the message ids.</summary>
    /// <exception cref="ChannelDeliveryException">It could not be delivered after retries.</exception>
    Task<IReadOnlyList<string>> CompleteAsync(string finalMarkdown, CancellationToken cancellationToken);
}

/// <summary>A message could not be delivered to, or a file fetched from, a channel; the message is safe to show (no token, no URL with a token).</summary>
public sealed class ChannelDeliveryException : OpenClaw.Core.OpenClawException
{
    /// <summary>Creates the exception.</summary>
    public ChannelDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChannelDeliveryException()
        : base("The channel failed to deliver the message.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChannelDeliveryException(string message)
        : base(message)
    {
    }
}
