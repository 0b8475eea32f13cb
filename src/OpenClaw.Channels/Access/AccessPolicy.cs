using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Access;

/// <summary>The one access decision every channel's inbound message goes through.</summary>
/// <remarks>
/// Pure and allocation-free: every outcome is a cached <see cref="AccessDecision"/>, and the lists are walked by
/// index. Direct messages follow <see cref="ChannelAccessRules.DmPolicy"/>; group messages follow
/// <see cref="ChannelAccessRules.GroupPolicy"/>, in this order: a disabled policy denies; then, when a mention is
/// required, a message that does not address the bot is ignored (silently, whoever sent it); then the group allowlist
/// denies a mentioning sender not on it. Pairing and the direct-message <c>allowFrom</c> grant nothing in groups.
/// Allowlists match numeric user ids only (entries trimmed, exact match): a username, a non-numeric sender id or an
/// empty one never matches (nor gets a pairing code), and <c>"*"</c> means anyone only with <see cref="DmPolicy.Open"/>. Any value this code
/// does not know (a future enum member) is denied: the strictest reading wins.
/// </remarks>
public static class AccessPolicy
{
    private static readonly AccessDecision s_dmDisabled = new(AccessVerdict.Deny, "direct messages disabled");
    private static readonly AccessDecision s_dmAllowListed = new(AccessVerdict.Allow, "sender in allowFrom");
    private static readonly AccessDecision s_dmNotAllowListed = new(AccessVerdict.Deny, "sender not in allowFrom");
    private static readonly AccessDecision s_dmOpen = new(AccessVerdict.Allow, "dmPolicy open");
    private static readonly AccessDecision s_dmPaired = new(AccessVerdict.Allow, "sender paired");
    private static readonly AccessDecision s_dmPair = new(AccessVerdict.Pair, "sender not paired");
    private static readonly AccessDecision s_dmNotNumeric = new(AccessVerdict.Deny, "sender id not numeric");
    private static readonly AccessDecision s_groupDisabled = new(AccessVerdict.Deny, "groups disabled");
    private static readonly AccessDecision s_groupNotMentioned = new(AccessVerdict.Ignore, "bot not mentioned");
    private static readonly AccessDecision s_groupAllowListed = new(AccessVerdict.Allow, "sender in groups.allowFrom");
    private static readonly AccessDecision s_groupNotAllowListed = new(AccessVerdict.Deny, "sender not in groups.allowFrom");
    private static readonly AccessDecision s_groupOpen = new(AccessVerdict.Allow, "group policy open");
    private static readonly AccessDecision s_unknownPolicy = new(AccessVerdict.Deny, "unknown policy");

    /// <summary>Decides whether <paramref name="message"/> may reach the agent.</summary>
    /// <param name="rules">The channel's rules from the effective config.</param>
    /// <param name="message">The normalised message.</param>
    /// <param name="isPaired">Whether a sender id was approved by pairing on this channel (direct messages only).</param>
    public static AccessDecision Decide(ChannelAccessRules rules, InboundMessage message, Func<string, bool> isPaired)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(isPaired);
        return message.PeerKind switch
        {
            PeerKind.Direct => DecideDirect(rules, message.SenderId, isPaired),
            PeerKind.Group => DecideGroup(rules, message),
            _ => s_unknownPolicy,
        };
    }

    private static AccessDecision DecideDirect(ChannelAccessRules rules, string senderId, Func<string, bool> isPaired)
    {
        switch (rules.DmPolicy)
        {
            case DmPolicy.Disabled:
                return s_dmDisabled;
            case DmPolicy.Open when ContainsWildcard(rules.AllowFrom):
                return s_dmOpen;
            case DmPolicy.Open: // "open" without the confirming "*": read as the stricter "allowlist"
            case DmPolicy.Allowlist:
                return ContainsId(rules.AllowFrom, senderId) ? s_dmAllowListed : s_dmNotAllowListed;
            case DmPolicy.Pairing:
                if (ContainsId(rules.AllowFrom, senderId))
                {
                    return s_dmAllowListed;
                }

                if (!IsNumericId(senderId))
                {
                    return s_dmNotNumeric; // could never be matched once approved: no code for it
                }

                return isPaired(senderId) ? s_dmPaired : s_dmPair;
            default:
                return s_unknownPolicy;
        }
    }

    private static AccessDecision DecideGroup(ChannelAccessRules rules, InboundMessage message)
    {
        var policy = rules.GroupPolicy;
        if (policy == GroupPolicy.Disabled)
        {
            return s_groupDisabled;
        }

        if (policy is not (GroupPolicy.Allowlist or GroupPolicy.Open))
        {
            return s_unknownPolicy;
        }

        if (rules.RequireMention && !message.MentionsBot)
        {
            return s_groupNotMentioned;
        }

        if (policy == GroupPolicy.Open)
        {
            return s_groupOpen;
        }

        return ContainsId(rules.GroupAllowFrom, message.SenderId) ? s_groupAllowListed : s_groupNotAllowListed;
    }

    /// <summary>Whether <paramref name="senderId"/> is a plain number listed in <paramref name="allowFrom"/> (entries trimmed).</summary>
    private static bool ContainsId(IReadOnlyList<string> allowFrom, string senderId)
    {
        if (!IsNumericId(senderId))
        {
            return false;
        }

        for (var i = 0; i < allowFrom.Count; i++)
        {
            var entry = allowFrom[i];
            if (entry is not null && entry.AsSpan().Trim().SequenceEqual(senderId))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsWildcard(IReadOnlyList<string> allowFrom)
    {
        for (var i = 0; i < allowFrom.Count; i++)
        {
            var entry = allowFrom[i];
            if (entry is not null && entry.AsSpan().Trim() is "*")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A plain decimal integer: an optional leading minus, then 1–20 ASCII digits (no spaces, signs or letters).</summary>
    internal static bool IsNumericId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var digits = id[0] == '-' ? id.AsSpan(1) : id.AsSpan();
        if (digits.Length is 0 or > 20)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
