namespace OpenClaw.Channels.Access;

/// <summary>The one access decision every channel's inbound message goes through.</summary>
public static class AccessPolicy
{
    /// <summary>Decides whether <paramref name="message"/> may reach the agent.</summary>
    /// <param name="rules">The channel's rules from the effective config.</param>
    /// <param name="message">The normalised message.</param>
    /// <param name="isPaired">Whether a sender id was approved by pairing on this channel (direct messages only).</param>
    public static AccessDecision Decide(ChannelAccessRules rules, InboundMessage message, Func<string, bool> isPaired)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(isPaired);
        throw new NotImplementedException("The access helper writes this.");
    }
}
