using Microsoft.Extensions.AI;
using OpenClaw.Core.Events;

namespace OpenClaw.Providers;

/// <summary>
/// Token counts between Microsoft.Extensions.AI's <see cref="UsageDetails"/> and the event log's <see cref="TokenUsage"/>.
/// </summary>
/// <remarks>
/// Cache reads are <see cref="UsageDetails.CachedInputTokenCount"/>; cache writes, which the abstraction has no
/// property for, are <see cref="UsageDetails.AdditionalCounts"/>[<see cref="CacheWriteTokensKey"/>]. Input tokens are
/// the uncached input only (as Anthropic counts them); OpenAI's prompt tokens include the cached ones, and its client
/// subtracts them so that both providers report alike.
/// </remarks>
public static class ProviderUsage
{
    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key for tokens written to the prompt cache.</summary>
    public const string CacheWriteTokensKey = "openclaw.cache_write_input_tokens";

    /// <summary>The event log's usage for <paramref name="usage"/> (zero when it is <see langword="null"/>).</summary>
    public static TokenUsage ToTokenUsage(UsageDetails? usage)
    {
        if (usage is null)
        {
            return TokenUsage.Zero;
        }

        long cacheWrite = 0;
        if (usage.AdditionalCounts is { } counts && counts.TryGetValue(CacheWriteTokensKey, out var written))
        {
            cacheWrite = written;
        }

        return new TokenUsage(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0, cacheWrite);
    }

    /// <summary>A <see cref="UsageDetails"/> carrying the four counts.</summary>
    public static UsageDetails Create(long input, long output, long cacheRead, long cacheWrite)
    {
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output + cacheRead + cacheWrite,
            CachedInputTokenCount = cacheRead,
        };
        if (cacheWrite != 0)
        {
            details.AdditionalCounts = new AdditionalPropertiesDictionary<long> { [CacheWriteTokensKey] = cacheWrite };
        }

        return details;
    }
}
