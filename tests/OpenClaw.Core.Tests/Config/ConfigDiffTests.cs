using OpenClaw.Core.Config;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigDiffTests
{
    [Theory]
    [InlineData("maxMessageBytes", 2048)]
    [InlineData("maxBatch", 7)]
    [InlineData("maxJsonDepth", 9)]
    [InlineData("maxAttachmentBytes", 4096)]
    [InlineData("requestsPerMinute", 11)]
    [InlineData("authFailuresPerMinute", 3)]
    [InlineData("connectTimeoutSeconds", 2)]
    [InlineData("pingIntervalSeconds", 2)]
    [InlineData("pongTimeoutSeconds", 2)]
    [InlineData("sendQueueMessages", 5)]
    [InlineData("sendQueueBytes", 70000)]
    [InlineData("maxConcurrentRequestsPerSocket", 3)]
    [InlineData("shutdownTimeoutSeconds", 1)]
    [InlineData("maxConcurrentRuns", 2)]
    public void Compare_EachGatewayLimitEdited_IsSeen(string key, int value)
    {
        // An edit the diff does not see is reported "unchanged" and not applied live.
        var changed = ConfigDiff.Compare(TestConfig.Valid("{}"), TestConfig.Valid($"{{ gateway: {{ limits: {{ {key}: {value} }} }} }}"));

        Assert.Equal(["gateway.limits." + key], changed);
    }

    [Fact]
    public void EveryGatewayLimit_HasATheoryRowAbove()
    {
        var rows = typeof(ConfigDiffTests).GetMethod(nameof(Compare_EachGatewayLimitEdited_IsSeen))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>().Select(a => (string)a.Data[0]!);
        var limits = typeof(GatewayLimitsOptions).GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);

        Assert.Equal(limits.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

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
