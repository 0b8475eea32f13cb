namespace OpenClaw.Channels;

/// <summary>What a channel reports about itself: <c>channels.status</c> and <c>channels.probe</c> return one per channel.</summary>
public sealed record ChannelStatus
{
    /// <summary>The channel id (e.g. <c>telegram</c>, <c>webchat</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Whether it is enabled in the config.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Whether it is connected (the last call to the service succeeded).</summary>
    public required bool Connected { get; init; }

    /// <summary>The account it runs as (e.g. <c>@my_bot</c>), when known.</summary>
    public string? Account { get; init; }

    /// <summary>How it receives messages (e.g. <c>polling</c>, <c>webhook</c>), when that applies.</summary>
    public string? Mode { get; init; }

    /// <summary>What is wrong and how to fix it, when it is not connected; never a secret.</summary>
    public string? Error { get; init; }
}

/// <summary>What a channel can do when it replies.</summary>
/// <param name="EditMessages">Whether a sent message can be edited (replies then stream by editing one message).</param>
/// <param name="Typing">Whether it can show a typing indicator.</param>
/// <param name="Media">Whether it carries files and photos.</param>
/// <param name="Groups">Whether it has group chats.</param>
/// <param name="MaxMessageLength">The longest message it takes, in characters; longer replies are split.</param>
public sealed record ChannelCapabilities(bool EditMessages, bool Typing, bool Media, bool Groups, int MaxMessageLength);
