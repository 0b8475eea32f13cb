using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Routing;

/// <summary>Picks the agent for a conversation from the <c>routing</c> rules.</summary>
public static class ChannelRouter
{
    /// <summary>The agent of the first rule matching the channel, sender and group; else <c>default</c>.</summary>
    /// <param name="rules">The <c>routing</c> rules, in order.</param>
    /// <param name="channel">The channel id (e.g. <c>telegram</c>, <c>webchat</c>).</param>
    /// <param name="senderId">The sender's id on that channel.</param>
    /// <param name="groupId">The group's chat id for a group message; <see langword="null"/> for a direct chat.</param>
    public static string Resolve(IReadOnlyList<RouteOptions> rules, string channel, string senderId, string? groupId)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(senderId);
        throw new NotImplementedException("The access helper writes this.");
    }
}
