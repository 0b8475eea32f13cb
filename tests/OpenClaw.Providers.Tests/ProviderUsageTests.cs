using OpenClaw.Core.Events;

namespace OpenClaw.Providers.Tests;

public sealed class ProviderUsageTests
{
    [Fact]
    public void Cache_writes_survive_the_round_trip_through_UsageDetails()
    {
        var details = ProviderUsage.Create(input: 12, output: 34, cacheRead: 56, cacheWrite: 78);

        Assert.Equal(new TokenUsage(12, 34, 56, 78), ProviderUsage.ToTokenUsage(details));
        Assert.Equal(12 + 34 + 56 + 78, details.TotalTokenCount);
    }

    [Fact]
    public void No_usage_is_zero_tokens()
    {
        Assert.Equal(TokenUsage.Zero, ProviderUsage.ToTokenUsage(null));
    }
}
