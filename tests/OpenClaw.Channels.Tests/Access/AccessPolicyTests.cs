using OpenClaw.Channels.Access;
using OpenClaw.Core.Config;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.Tests.Access;

public sealed class AccessPolicyTests
{
    private const string Sender = "12345";

    /// <summary>Which direct-message policy, with or without the confirming "*" for open.</summary>
    public enum DmCase
    {
        Disabled,
        Allowlist,
        OpenWithStar,
        OpenWithoutStar,
        Pairing,
    }

    private static readonly Func<string, bool> s_notPaired = _ => false;
    private static readonly Func<string, bool> s_paired = _ => true;

    internal static InboundMessage Dm(string senderId = Sender, string text = "hello") => new()
    {
        Channel = ChannelId.From("telegram"), ChatId = senderId.Length > 0 ? senderId : "1", PeerKind = PeerKind.Direct, SenderId = senderId, Text = text,
    };

    internal static InboundMessage Group(bool mentionsBot, string senderId = Sender, string text = "hello") => new()
    {
        Channel = ChannelId.From("telegram"), ChatId = "-100777", PeerKind = PeerKind.Group, SenderId = senderId, Text = text, MentionsBot = mentionsBot,
    };

    private static ChannelAccessRules DmRules(DmCase dm, bool allowListed) => new(
        dm switch
        {
            DmCase.Disabled => DmPolicy.Disabled,
            DmCase.Allowlist => DmPolicy.Allowlist,
            DmCase.OpenWithStar or DmCase.OpenWithoutStar => DmPolicy.Open,
            _ => DmPolicy.Pairing,
        },
        [.. allowListed ? new[] { "999", " 12345 " } : ["999"], .. dm == DmCase.OpenWithStar ? new[] { "*" } : []],
        GroupPolicy.Open,
        [Sender],
        RequireMention: false);

    public static TheoryData<DmCase, bool, bool, AccessVerdict> DirectTable => new()
    {
        // policy, sender in allowFrom, sender paired → verdict
        { DmCase.Disabled, false, false, AccessVerdict.Deny },
        { DmCase.Disabled, false, true, AccessVerdict.Deny },
        { DmCase.Disabled, true, false, AccessVerdict.Deny },
        { DmCase.Disabled, true, true, AccessVerdict.Deny },
        { DmCase.Allowlist, false, false, AccessVerdict.Deny },
        { DmCase.Allowlist, false, true, AccessVerdict.Deny },
        { DmCase.Allowlist, true, false, AccessVerdict.Allow },
        { DmCase.Allowlist, true, true, AccessVerdict.Allow },
        { DmCase.OpenWithStar, false, false, AccessVerdict.Allow },
        { DmCase.OpenWithStar, false, true, AccessVerdict.Allow },
        { DmCase.OpenWithStar, true, false, AccessVerdict.Allow },
        { DmCase.OpenWithStar, true, true, AccessVerdict.Allow },
        { DmCase.OpenWithoutStar, false, false, AccessVerdict.Deny },
        { DmCase.OpenWithoutStar, false, true, AccessVerdict.Deny },
        { DmCase.OpenWithoutStar, true, false, AccessVerdict.Allow },
        { DmCase.OpenWithoutStar, true, true, AccessVerdict.Allow },
        { DmCase.Pairing, false, false, AccessVerdict.Pair },
        { DmCase.Pairing, false, true, AccessVerdict.Allow },
        { DmCase.Pairing, true, false, AccessVerdict.Allow },
        { DmCase.Pairing, true, true, AccessVerdict.Allow },
    };

    [Theory]
    [MemberData(nameof(DirectTable))]
    public void Decide_DirectMessage_FollowsDmPolicy(DmCase dm, bool allowListed, bool paired, AccessVerdict expected)
    {
        var rules = DmRules(dm, allowListed);
        foreach (var mention in new[] { false, true })
        {
            var message = Dm() with { MentionsBot = mention };
            var decision = AccessPolicy.Decide(rules, message, paired ? s_paired : s_notPaired);
            Assert.Equal(expected, decision.Verdict);
            Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        }
    }

    public static TheoryData<GroupPolicy, bool, bool, bool, AccessVerdict> GroupTable => new()
    {
        // policy, sender in groups.allowFrom, requireMention, message mentions the bot → verdict
        { GroupPolicy.Disabled, false, false, false, AccessVerdict.Deny },
        { GroupPolicy.Disabled, false, false, true, AccessVerdict.Deny },
        { GroupPolicy.Disabled, false, true, false, AccessVerdict.Deny },
        { GroupPolicy.Disabled, false, true, true, AccessVerdict.Deny },
        { GroupPolicy.Disabled, true, false, false, AccessVerdict.Deny },
        { GroupPolicy.Disabled, true, false, true, AccessVerdict.Deny },
        { GroupPolicy.Disabled, true, true, false, AccessVerdict.Deny },
        { GroupPolicy.Disabled, true, true, true, AccessVerdict.Deny },
        { GroupPolicy.Allowlist, false, false, false, AccessVerdict.Deny },
        { GroupPolicy.Allowlist, false, false, true, AccessVerdict.Deny },
        { GroupPolicy.Allowlist, false, true, false, AccessVerdict.Ignore },
        { GroupPolicy.Allowlist, false, true, true, AccessVerdict.Deny },
        { GroupPolicy.Allowlist, true, false, false, AccessVerdict.Allow },
        { GroupPolicy.Allowlist, true, false, true, AccessVerdict.Allow },
        { GroupPolicy.Allowlist, true, true, false, AccessVerdict.Ignore },
        { GroupPolicy.Allowlist, true, true, true, AccessVerdict.Allow },
        { GroupPolicy.Open, false, false, false, AccessVerdict.Allow },
        { GroupPolicy.Open, false, false, true, AccessVerdict.Allow },
        { GroupPolicy.Open, false, true, false, AccessVerdict.Ignore },
        { GroupPolicy.Open, false, true, true, AccessVerdict.Allow },
        { GroupPolicy.Open, true, false, false, AccessVerdict.Allow },
        { GroupPolicy.Open, true, false, true, AccessVerdict.Allow },
        { GroupPolicy.Open, true, true, false, AccessVerdict.Ignore },
        { GroupPolicy.Open, true, true, true, AccessVerdict.Allow },
    };

    [Theory]
    [MemberData(nameof(GroupTable))]
    public void Decide_GroupMessage_FollowsGroupPolicyAndMentionGate_WhateverThePairingOrDmAllowlist(
        GroupPolicy policy, bool groupAllowListed, bool requireMention, bool mentions, AccessVerdict expected)
    {
        foreach (var dmPolicy in Enum.GetValues<DmPolicy>())
        {
            foreach (var inDmAllowFrom in new[] { false, true })
            {
                foreach (var paired in new[] { false, true })
                {
                    var rules = new ChannelAccessRules(
                        dmPolicy,
                        inDmAllowFrom ? [Sender, "*"] : ["999"],
                        policy,
                        groupAllowListed ? ["999", Sender + " "] : ["999"],
                        requireMention);
                    var decision = AccessPolicy.Decide(rules, Group(mentions), paired ? s_paired : s_notPaired);
                    Assert.Equal(expected, decision.Verdict);
                }
            }
        }
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("@bob")]
    public void Decide_UsernamesInAllowFrom_NeverMatch(string username)
    {
        var rules = new ChannelAccessRules(DmPolicy.Allowlist, ["@bob", "bob"], GroupPolicy.Allowlist, ["@bob", "bob"], RequireMention: false);

        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm(username), s_paired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Group(true, username), s_paired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm(Sender), s_notPaired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules with { DmPolicy = DmPolicy.Pairing }, Dm(username), s_paired).Verdict);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 12345")]
    [InlineData("12345 ")]
    [InlineData("+12345")]
    [InlineData("12345abc")]
    [InlineData("1e5")]
    [InlineData("-")]
    [InlineData("１２３４５")] // full-width digits are not ASCII digits
    public void Decide_NonNumericSenderId_NeverMatchesAndIsNeverOfferedPairing(string senderId)
    {
        var rules = new ChannelAccessRules(DmPolicy.Pairing, [senderId, Sender, "1e5"], GroupPolicy.Allowlist, [senderId, Sender], RequireMention: false);
        var asked = false;

        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm(senderId), _ => asked = true).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules with { DmPolicy = DmPolicy.Allowlist }, Dm(senderId), s_paired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Group(true, senderId), s_paired).Verdict);
        Assert.False(asked);
    }

    [Fact]
    public void Decide_NegativeNumericId_MatchesExactly()
    {
        var rules = new ChannelAccessRules(DmPolicy.Allowlist, ["-100123"], GroupPolicy.Allowlist, ["-100123"], RequireMention: false);

        Assert.Equal(AccessVerdict.Allow, AccessPolicy.Decide(rules, Dm("-100123"), s_notPaired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm("100123"), s_notPaired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm("0100123"), s_notPaired).Verdict);
    }

    [Theory]
    [InlineData(DmPolicy.Allowlist, AccessVerdict.Deny)]
    [InlineData(DmPolicy.Pairing, AccessVerdict.Pair)]
    [InlineData(DmPolicy.Disabled, AccessVerdict.Deny)]
    [InlineData(DmPolicy.Open, AccessVerdict.Allow)]
    public void Decide_StarInAllowFrom_MeansAnyoneOnlyUnderOpen(DmPolicy policy, AccessVerdict expected)
    {
        var rules = new ChannelAccessRules(policy, [" * "], GroupPolicy.Allowlist, ["*"], RequireMention: false);

        Assert.Equal(expected, AccessPolicy.Decide(rules, Dm(), s_notPaired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Group(true), s_notPaired).Verdict);
    }

    [Fact]
    public void Decide_IsPairedConsultedOnlyForUnlistedDirectSendersUnderPairing()
    {
        var calls = new List<string>();
        bool Record(string id)
        {
            calls.Add(id);
            return false;
        }

        var rules = new ChannelAccessRules(DmPolicy.Pairing, ["999"], GroupPolicy.Open, [], RequireMention: false);
        AccessPolicy.Decide(rules, Dm("999"), Record);
        AccessPolicy.Decide(rules, Group(true), Record);
        AccessPolicy.Decide(rules with { DmPolicy = DmPolicy.Allowlist }, Dm(), Record);
        Assert.Empty(calls);

        AccessPolicy.Decide(rules, Dm(), Record);
        Assert.Equal([Sender], calls);
    }

    [Fact]
    public void Decide_UnknownEnumValues_Deny()
    {
        var rules = new ChannelAccessRules((DmPolicy)42, ["*", Sender], (GroupPolicy)42, ["*", Sender], RequireMention: false);

        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Dm(), s_paired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules, Group(true), s_paired).Verdict);
        Assert.Equal(AccessVerdict.Deny, AccessPolicy.Decide(rules with { DmPolicy = DmPolicy.Open }, Dm() with { PeerKind = (PeerKind)7 }, s_paired).Verdict);
    }

    [Fact]
    public void Decide_RepeatedDecisions_AllocateNothing()
    {
        var rules = new ChannelAccessRules(DmPolicy.Pairing, ["1", "2", "3", " 12345 "], GroupPolicy.Allowlist, ["4", "5", Sender], RequireMention: true);
        var messages = new[] { Dm(), Dm("777"), Group(true), Group(false), Group(true, "777") };
        foreach (var message in messages)
        {
            AccessPolicy.Decide(rules, message, s_notPaired); // warm up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            AccessPolicy.Decide(rules, messages[i % messages.Length], s_notPaired);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
