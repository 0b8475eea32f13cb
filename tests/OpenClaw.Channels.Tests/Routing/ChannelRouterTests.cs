using OpenClaw.Channels.Routing;
using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Tests.Routing;

public sealed class ChannelRouterTests
{
    [Fact]
    public void Resolve_NoRules_IsTheDefaultAgent()
    {
        Assert.Equal("default", ChannelRouter.Resolve([], "telegram", "12345", null));
    }

    [Fact]
    public void Resolve_NoRuleMatches_IsTheDefaultAgent()
    {
        RouteOptions[] rules = [new() { Channel = "webchat", Agent = "web" }, new() { Channel = "telegram", Peer = "999", Agent = "alice" }];

        Assert.Equal(AgentOptions.DefaultId, ChannelRouter.Resolve(rules, "telegram", "12345", null));
    }

    [Fact]
    public void Resolve_FirstMatchingRuleWins_NotTheMostSpecific()
    {
        RouteOptions[] generalFirst =
        [
            new() { Channel = "telegram", Agent = "general" },
            new() { Channel = "telegram", Peer = "12345", Agent = "personal" },
        ];
        RouteOptions[] specificFirst = [generalFirst[1], generalFirst[0]];

        Assert.Equal("general", ChannelRouter.Resolve(generalFirst, "telegram", "12345", null));
        Assert.Equal("personal", ChannelRouter.Resolve(specificFirst, "telegram", "12345", null));
        Assert.Equal("general", ChannelRouter.Resolve(specificFirst, "telegram", "999", null));
    }

    [Fact]
    public void Resolve_ChannelMatchesOrdinally()
    {
        RouteOptions[] rules = [new() { Channel = "Telegram", Agent = "upper" }, new() { Channel = "telegram", Agent = "lower" }];

        Assert.Equal("lower", ChannelRouter.Resolve(rules, "telegram", "1", null));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "telegram2", "1", null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    public void Resolve_EmptyOrStarChannel_MatchesAnyChannel(string channel)
    {
        RouteOptions[] rules = [new() { Channel = channel, Peer = "12345", Agent = "mine" }];

        Assert.Equal("mine", ChannelRouter.Resolve(rules, "telegram", "12345", null));
        Assert.Equal("mine", ChannelRouter.Resolve(rules, "webchat", "12345", "-100"));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "webchat", "999", null));
    }

    [Fact]
    public void Resolve_GroupRule_NeverMatchesADirectChat()
    {
        RouteOptions[] rules = [new() { Channel = "telegram", Group = "-100777", Agent = "team" }];

        Assert.Equal("team", ChannelRouter.Resolve(rules, "telegram", "12345", "-100777"));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "telegram", "12345", null));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "telegram", "-100777", null));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "telegram", "12345", "-100888"));
    }

    [Fact]
    public void Resolve_PeerRule_MatchesTheSenderInDirectChatsAndGroups()
    {
        RouteOptions[] rules = [new() { Channel = "telegram", Peer = "12345", Agent = "personal" }];

        Assert.Equal("personal", ChannelRouter.Resolve(rules, "telegram", "12345", null));
        Assert.Equal("personal", ChannelRouter.Resolve(rules, "telegram", "12345", "-100777"));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "telegram", "123456", null));
    }

    [Fact]
    public void Resolve_PeerAndGroup_BothMustMatch()
    {
        RouteOptions[] rules =
        [
            new() { Channel = "telegram", Peer = "12345", Group = "-100777", Agent = "both" },
            new() { Channel = "telegram", Group = "-100777", Agent = "group" },
            new() { Channel = "telegram", Agent = "channel" },
        ];

        Assert.Equal("both", ChannelRouter.Resolve(rules, "telegram", "12345", "-100777"));
        Assert.Equal("group", ChannelRouter.Resolve(rules, "telegram", "999", "-100777"));
        Assert.Equal("channel", ChannelRouter.Resolve(rules, "telegram", "12345", null));
        Assert.Equal("default", ChannelRouter.Resolve(rules, "webchat", "12345", "-100777"));
    }

    [Fact]
    public void Resolve_RuleWithoutAgent_IsSkipped()
    {
        RouteOptions[] rules = [new() { Channel = "telegram", Agent = "" }, new() { Channel = "telegram", Agent = "next" }];

        Assert.Equal("next", ChannelRouter.Resolve(rules, "telegram", "1", null));
    }
}
