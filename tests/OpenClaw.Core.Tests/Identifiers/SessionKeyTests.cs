using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Tests.Identifiers;

public sealed class SessionKeyTests
{
    [Fact]
    public void Parse_WellFormedKey_RoundTripsEveryPart()
    {
        var key = SessionKey.Parse("agent:default:telegram:12345:abc123");

        Assert.Equal("default", key.Agent.Value);
        Assert.Equal("telegram", key.Channel.Value);
        Assert.Equal("12345", key.Peer.Value);
        Assert.Equal("abc123", key.Id);
        Assert.Equal("agent:default:telegram:12345:abc123", key.ToString());
    }

    [Fact]
    public void Generate_TwoCalls_GiveDistinctParsableKeys()
    {
        var a = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("user@example.com"));
        var b = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("user@example.com"));

        Assert.NotEqual(a, b);
        Assert.Equal(a, SessionKey.Parse(a.ToString()));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("session:default:web:1:x", "must look like")]
    [InlineData("agent:default:web:1", "5 parts")]
    [InlineData("agent:default:web:1:x:y", "5 parts")]
    [InlineData("agent:de fault:web:1:x", "agent id")]
    [InlineData("agent:default:we/b:1:x", "channel id")]
    [InlineData("agent:default:web::x", "peer id must not be empty")]
    [InlineData("agent:default:web:1:ü", "session id")]
    public void Parse_MalformedKey_ThrowsClearError(string input, string expected)
    {
        var ex = Assert.Throws<OpenClawException>(() => SessionKey.Parse(input));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_RejectCharactersOutsideTheSafeSetInsteadOfRewritingThem()
    {
        var ex = Assert.Throws<OpenClawException>(() => PeerId.From("a\u0000b"));
        Assert.Contains("U+0000", ex.Message, StringComparison.Ordinal);
        Assert.False(AgentId.TryParse(new string('a', 129), null, out _));
        Assert.True(AgentId.TryParse(new string('a', 128), null, out var ok));
        Assert.Equal(128, ok.Value.Length);
        Assert.Equal("x.y_z-1@a+b", ChannelId.From("x.y_z-1@a+b").Value);
    }
}
