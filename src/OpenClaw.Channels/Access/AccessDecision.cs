namespace OpenClaw.Channels.Access;

/// <summary>What to do with an inbound message before any model sees it.</summary>
public enum AccessVerdict
{
    /// <summary>Deliver it to the agent (or to a gateway command).</summary>
    Allow,

    /// <summary>An unknown direct-message sender under <c>dmPolicy: "pairing"</c>: issue or repeat a pairing code.</summary>
    Pair,

    /// <summary>Refuse it silently (not on the allowlist, policy disabled); logged, never answered.</summary>
    Deny,

    /// <summary>Not addressed to the bot (a group message without a mention); dropped without a log line per message.</summary>
    Ignore,
}

/// <summary>The decision and its reason (for logs and tests; never sent to the sender).</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Reason">Why, in a few words (e.g. "sender not in allowFrom").</param>
public sealed record AccessDecision(AccessVerdict Verdict, string Reason);
