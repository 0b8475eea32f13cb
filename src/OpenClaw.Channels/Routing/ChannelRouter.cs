using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Routing;

/// <summary>Picks the agent for a conversation from the <c>routing</c> rules.</summary>
/// <remarks>
/// The first matching rule wins (order, not specificity, decides: put specific rules first). A rule matches when
/// its <see cref="RouteOptions.Channel"/> equals the channel (ordinal; an empty or <c>"*"</c> channel matches any),
/// its <see cref="RouteOptions.Peer"/>, when set, equals the sender id (in direct chats and groups alike), and its
/// <see cref="RouteOptions.Group"/>, when set, equals the group's chat id (so it never matches a direct chat). A rule
/// without an agent is skipped. Allocation-free.
/// </remarks>
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
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule is not null && Matches(rule, channel, senderId, groupId))
            {
                return rule.Agent;
            }
        }

        return AgentOptions.DefaultId;
    }

    private static bool Matches(RouteOptions rule, string channel, string senderId, string? groupId)
    {
        if (string.IsNullOrEmpty(rule.Agent))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(rule.Channel) && rule.Channel != "*" && !string.Equals(rule.Channel, channel, StringComparison.Ordinal))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(rule.Peer) && !string.Equals(rule.Peer, senderId, StringComparison.Ordinal))
        {
            return false;
        }

        return string.IsNullOrEmpty(rule.Group) || string.Equals(rule.Group, groupId, StringComparison.Ordinal);
    }
}
