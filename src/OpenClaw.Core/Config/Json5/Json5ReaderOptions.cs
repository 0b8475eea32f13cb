namespace OpenClaw.Core.Config.Json5;

/// <summary>Limits for <see cref="Json5Reader"/>.</summary>
public sealed class Json5ReaderOptions
{
    /// <summary>The default nesting limit: deep enough for any config, shallow enough to bound work and memory.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The options used when none are given.</summary>
    public static Json5ReaderOptions Default { get; } = new();

    /// <summary>How many objects and arrays may be nested inside each other (the root counts as 1); deeper is an error.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// Keeps duplicate property names instead of rejecting them (all occurrences stay in
    /// <see cref="Json5Object.Properties"/>). Only the oracle tests use this, to compare with npm json5, which keeps the last.
    /// </summary>
    internal bool AllowDuplicateKeys { get; init; }
}
