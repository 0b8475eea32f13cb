using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels;

/// <summary>Whether a message came in a one-to-one chat or a group.</summary>
public enum PeerKind
{
    /// <summary>A direct (one-to-one) chat with the bot.</summary>
    Direct,

    /// <summary>A group or supergroup chat.</summary>
    Group,
}

/// <summary>One message from a channel, normalised: the one shape every adapter produces.</summary>
/// <remarks>Everything here came from outside and is untrusted; ids are the channel's own, as strings.</remarks>
public sealed record InboundMessage
{
    /// <summary>The channel it came on (e.g. <c>telegram</c>).</summary>
    public required ChannelId Channel { get; init; }

    /// <summary>The bot account that received it (e.g. the bot's username), when known.</summary>
    public string? Account { get; init; }

    /// <summary>Where replies go: the chat's id (a user's id for direct chats, the group's id for groups).</summary>
    public required string ChatId { get; init; }

    /// <summary>Direct chat or group.</summary>
    public required PeerKind PeerKind { get; init; }

    /// <summary>The sender's numeric user id (as a string); access rules match this, never a username.</summary>
    public required string SenderId { get; init; }

    /// <summary>The sender's display name, when the channel gave one (not used for access decisions).</summary>
    public string? SenderName { get; init; }

    /// <summary>The text (or a media caption); empty when only attachments came.</summary>
    public required string Text { get; init; }

    /// <summary>Files and photos sent with the message; not yet downloaded.</summary>
    public IReadOnlyList<InboundAttachment> Attachments { get; init; } = [];

    /// <summary>The channel's id of the message.</summary>
    public string? MessageId { get; init; }

    /// <summary>The channel's id of the message this one replies to.</summary>
    public string? ReplyToMessageId { get; init; }

    /// <summary>Whether the message addresses the bot: an @mention of it, or a reply to one of its messages.</summary>
    public bool MentionsBot { get; init; }

    /// <summary>The usernames mentioned in the text (without the leading @).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>The channel's update id (Telegram's <c>update_id</c>), when it has one.</summary>
    public long? UpdateId { get; init; }
}

/// <summary>A file or photo attached to an <see cref="InboundMessage"/>, fetched later with <see cref="IChannelAdapter.DownloadAsync"/>.</summary>
public sealed record InboundAttachment
{
    /// <summary>The channel's id of the file (Telegram's <c>file_id</c>).</summary>
    public required string FileId { get; init; }

    /// <summary>The file name, when the sender's client gave one.</summary>
    public string? FileName { get; init; }

    /// <summary>The media type, when known (photos are <c>image/jpeg</c>).</summary>
    public string? MimeType { get; init; }

    /// <summary>The size in bytes, when the channel reported it.</summary>
    public long? SizeBytes { get; init; }
}
