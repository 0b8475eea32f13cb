using CsCheck;
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

    [Theory]
    [InlineData("agents[\"a]b\"].model", "agents|a]b|model")]
    [InlineData("agents[\"say \\\"hi\\\"\"]", "agents|say \"hi\"")]
    [InlineData("agents['it\\'s']", "agents|it's")]
    [InlineData("agents[\"back\\\\slash\"]", "agents|back\\slash")]
    public void Parse_QuotedKeys_HonourQuotesAndEscapes(string text, string expected)
    {
        Assert.Equal(expected, string.Join('|', ConfigPath.Parse(text).Segments.Select(s => s.ToString())));
    }

    [Fact]
    public void Append_AnyKeys_ParsesBackToTheSameSegments()
    {
        var key = Gen.String[Gen.Char["ab.[]\"'\\ _-"], 0, 6].Select(k => (object)k);
        var index = Gen.Int[0, 99].Select(i => (object)i);
        Gen.OneOf(key, index).Array[1, 5].Sample(segments =>
        {
            var path = "";
            foreach (var segment in segments)
            {
                path = segment is int i ? ConfigPath.Append(path, i) : ConfigPath.Append(path, (string)segment);
            }

            var parsed = ConfigPath.Parse(path);

            Assert.Equal(segments.Select(s => s.ToString()), parsed.Segments.Select(s => s.IsIndex ? s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : s.Name));
            Assert.Equal(path, parsed.ToString());
        }, iter: 5000, threads: 1);
    }
}
