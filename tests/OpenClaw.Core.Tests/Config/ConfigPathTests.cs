using OpenClaw.Core.Config;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigPathTests
{
    [Theory]
    [InlineData("gateway.port", "gateway|port")]
    [InlineData("routing[0].agent", "routing|[0]|agent")]
    [InlineData("agents[\"my.agent\"].model", "agents|my.agent|model")]
    [InlineData("agents['x y']", "agents|x y")]
    [InlineData("plugins.enabled[2]", "plugins|enabled|[2]")]
    public void Parse_Forms_GiveSegments(string text, string expected)
    {
        Assert.Equal(expected, string.Join('|', ConfigPath.Parse(text).Segments.Select(s => s.ToString())));
    }

    [Theory]
    [InlineData("gateway.port")]
    [InlineData("routing[0].agent")]
    [InlineData("agents[\"my.agent\"].model")]
    public void ToString_RoundTrips(string text)
    {
        Assert.Equal(text, ConfigPath.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("gateway..port", "empty key")]
    [InlineData(".gateway", "empty key")]
    [InlineData("gateway.", "ends with '.'")]
    [InlineData("routing[0", "no closing ']'")]
    [InlineData("routing[x]", "must be an index")]
    public void Parse_Malformed_ThrowsSayingWhy(string text, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigPath.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
