using OpenClaw.Channels.Inbound;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.WebChat;

/// <summary>
/// The dashboard's chat as a channel: its sessions carry the channel id <c>webchat</c>, appear in the same lists and
/// follow the same routing. Messages arrive over RPC (<c>chat.send</c>) from signed-in users, and replies stream to them
/// as <c>chat.event</c> notifications, so this adapter receives nothing itself and sends nothing.
/// </summary>
public sealed class WebChatChannel : IChannelAdapter
{
    /// <summary>The channel id.</summary>
    public static readonly ChannelId ChannelIdValue = ChannelId.From("webchat");

    private static readonly IReadOnlyList<string> s_none = [];

    /// <inheritdoc/>
    public event Action<ChannelStatus>? StatusChanged
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public ChannelId Id => ChannelIdValue;

    /// <inheritdoc/>
    public ChannelCapabilities Capabilities { get; } = new(EditMessages: false, Typing: false, Media: true, Groups: false, int.MaxValue);

    /// <inheritdoc/>
    public ChannelStatus Status { get; } = new() { Id = "webchat", Connected = true, Mode = "rpc" };

    /// <inheritdoc/>
    public Task StartAsync(InboundBuffer inbound, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<ChannelStatus> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(Status);

    /// <inheritdoc/>
    /// <remarks>Web chat clients read replies from <c>chat.event</c>; nothing is sent here.</remarks>
    public Task<IReadOnlyList<string>> SendTextAsync(string chatId, string markdown, string? replyToMessageId, CancellationToken cancellationToken)
        => Task.FromResult(s_none);

    /// <inheritdoc/>
    public IStreamingReply BeginReply(string chatId, string? replyToMessageId) => NoReply.Instance;

    /// <inheritdoc/>
    public Task SendTypingAsync(string chatId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<long> DownloadAsync(InboundAttachment attachment, Stream destination, long maxBytes, CancellationToken cancellationToken)
        => throw new ChannelDeliveryException("Web chat attachments arrive with chat.send; there is nothing to download.");

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class NoReply : IStreamingReply
    {
        public static readonly NoReply Instance = new();

        public void Append(string delta)
        {
        }

        public Task<IReadOnlyList<string>> CompleteAsync(string finalMarkdown, CancellationToken cancellationToken) => Task.FromResult(s_none);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
