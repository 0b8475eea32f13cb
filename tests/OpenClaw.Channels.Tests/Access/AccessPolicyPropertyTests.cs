using CsCheck;
using OpenClaw.Channels.Access;
using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Tests.Access;

/// <summary>Invariants of the access decision over random rules, senders and messages.</summary>
public sealed class AccessPolicyPropertyTests
{
    private static readonly Gen<string> s_id = Gen.OneOfConst("12345", "999", "-100777", "*", " * ", "@bob", "bob", "", " 12345 ", "0");

    private static readonly Gen<string> s_sender = Gen.OneOf(Gen.OneOfConst("12345", "999", "-100777", "bob", "@bob", "", "*", "0"), Gen.String);

    private static readonly Gen<Case> s_case = Gen.Select(
        Gen.Enum<DmPolicy>(), s_id.Array[0, 4], Gen.Enum<GroupPolicy>(), s_id.Array[0, 4], Gen.Bool, s_sender, Gen.Bool, Gen.String,
        (dm, allowFrom, group, groupAllowFrom, requireMention, sender, mentions, text) => new Case(
            new ChannelAccessRules(dm, allowFrom, group, groupAllowFrom, requireMention), sender, mentions, text));

    [Fact]
    public void GroupMessage_FromSenderOnlyPaired_IsNeverAllowed()
    {
        s_case.Sample(c =>
        {
            var rules = c.Rules with { GroupAllowFrom = [.. c.Rules.GroupAllowFrom.Where(id => id.Trim() != c.Sender)] };
            var message = AccessPolicyTests.Group(c.Mentions, c.Sender, c.Text);
            var withPairing = AccessPolicy.Decide(rules, message, _ => true);
            var withoutPairing = AccessPolicy.Decide(rules, message, _ => false);

            // Pairing changes nothing in groups; only an open group lets in someone not on groups.allowFrom.
            Assert.Equal(withoutPairing, withPairing);
            Assert.True(withPairing.Verdict != AccessVerdict.Allow || rules.GroupPolicy == GroupPolicy.Open);
        }, iter: 5000);
    }

    [Fact]
    public void Message_UnderDisabledPolicy_IsNeverAllowed()
    {
        s_case.Sample(c =>
        {
            var rules = c.Rules with { DmPolicy = DmPolicy.Disabled, GroupPolicy = GroupPolicy.Disabled };
            Assert.NotEqual(AccessVerdict.Allow, AccessPolicy.Decide(rules, AccessPolicyTests.Dm(c.Sender, c.Text), _ => true).Verdict);
            Assert.NotEqual(AccessVerdict.Allow, AccessPolicy.Decide(rules, AccessPolicyTests.Group(c.Mentions, c.Sender, c.Text), _ => true).Verdict);
        }, iter: 5000);
    }

    [Fact]
    public void Reason_NeverContainsTheMessageText()
    {
        s_case.Sample(c =>
        {
            var text = "secret:" + c.Text;
            foreach (var message in new[] { AccessPolicyTests.Dm(c.Sender, text), AccessPolicyTests.Group(c.Mentions, c.Sender, text) })
            {
                var decision = AccessPolicy.Decide(c.Rules, message, id => id.Length % 2 == 0);
                Assert.DoesNotContain("secret:", decision.Reason, StringComparison.Ordinal);
                Assert.DoesNotContain(c.Sender.Length > 3 ? c.Sender : "\0", decision.Reason, StringComparison.Ordinal);
            }
        }, iter: 5000);
    }

    [Fact]
    public void NonNumericSender_IsAllowedOnlyByAnOpenPolicy()
    {
        s_case.Sample(c =>
        {
            var sender = "x" + c.Sender;
            var dm = AccessPolicy.Decide(c.Rules, AccessPolicyTests.Dm(sender, c.Text), _ => true);
            var group = AccessPolicy.Decide(c.Rules, AccessPolicyTests.Group(c.Mentions, sender, c.Text), _ => true);
            Assert.True(dm.Verdict != AccessVerdict.Allow || c.Rules.DmPolicy == DmPolicy.Open);
            Assert.True(group.Verdict != AccessVerdict.Allow || c.Rules.GroupPolicy == GroupPolicy.Open);
        }, iter: 5000);
    }

    internal sealed record Case(ChannelAccessRules Rules, string Sender, bool Mentions, string Text);
}
