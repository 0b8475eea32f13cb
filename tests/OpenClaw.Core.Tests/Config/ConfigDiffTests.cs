using OpenClaw.Core.Config;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigDiffTests
{
    [Fact]
    public void Compare_SameTextParsedTwice_Empty()
    {
        const string Text = "{ providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } }, routing: [{ channel: 'telegram', agent: 'default' }], workflows: { w: { steps: [1, 'a', { b: true }] } } }";

        Assert.Empty(ConfigDiff.Compare(TestConfig.Valid(Text), TestConfig.Valid(Text)));
    }

    [Fact]
    public void Compare_SeveralSectionsEdited_ListsEachChangedPathInOrder()
    {
        var before = TestConfig.Valid("{ agents: { default: { tools: { deny: ['exec'] } } }, routing: [], workflows: { w: { n: 1 } } }");
        var after = TestConfig.Valid("{ agents: { default: { tools: { deny: ['exec', 'web'] } }, helper: {} }, routing: [{ channel: 'telegram', agent: 'helper' }], workflows: { w: { n: 2 } } }");

        var changed = ConfigDiff.Compare(before, after);

        Assert.Contains("agents.default.tools.deny", changed);
        Assert.Contains("agents.helper.model", changed); // a new agent shows as its keys
        Assert.Contains("routing", changed);
        Assert.Contains("workflows.w", changed);
        Assert.DoesNotContain("agents.default.model", changed);
        Assert.Equal(changed.Order(StringComparer.Ordinal), changed);
    }

    [Theory]
    [InlineData("gateway.port", "gateway.port", true)]
    [InlineData("plugins.wasm", "plugins", true)]
    [InlineData("gateway.portal", "gateway.port", false)]
    [InlineData("gateway", "gateway.port", false)]
    public void IsUnder_PathAndKey_MatchesOnlyWholeSegments(string path, string key, bool expected) =>
        Assert.Equal(expected, ConfigDiff.IsUnder(path, key));
}
