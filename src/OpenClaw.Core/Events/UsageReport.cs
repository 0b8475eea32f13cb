namespace OpenClaw.Core.Events;

/// <summary>How <see cref="IEventStore.GetUsageAsync"/> groups token usage.</summary>
public enum UsageGroupBy
{
    /// <summary>By the model that answered (<see cref="AgentResponse.Model"/>).</summary>
    Model,

    /// <summary>By the session's agent.</summary>
    Agent,

    /// <summary>By UTC day (<c>yyyy-MM-dd</c>).</summary>
    Day,
}

/// <summary>Token usage of one group: model turns (requests) and tokens.</summary>
/// <param name="Key">The model, agent id or UTC day.</param>
/// <param name="Requests">How many model turns (<see cref="AgentResponse"/> events).</param>
/// <param name="Usage">Their tokens.</param>
public sealed record UsageRow(string Key, long Requests, TokenUsage Usage);

/// <summary>Token usage summed from <see cref="AgentResponse"/> events, grouped one way, with the total.</summary>
public sealed record UsageReport
{
    /// <summary>How the rows are grouped.</summary>
    public required UsageGroupBy GroupBy { get; init; }

    /// <summary>The groups, ordered by key (days ascending).</summary>
    public required IReadOnlyList<UsageRow> Rows { get; init; }

    /// <summary>Model turns over all rows.</summary>
    public required long Requests { get; init; }

    /// <summary>Tokens over all rows.</summary>
    public required TokenUsage Total { get; init; }
}
