using System.Globalization;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Providers.Registry;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>models.list</c> (from each provider's model listing) and <c>usage.summary</c> (from the event log).</summary>
/// <remarks>
/// Provider failures are <c>-32010</c> with <c>data.provider</c> and <c>data.status</c> (see <c>GatewayRpcExtensions</c>).
/// </remarks>
internal sealed class ProvidersMethods(ProviderRegistry providers, IEventStore store) : IRpcMethodGroup
{
    // ISO 8601 only (a date, or a date and time with an optional offset): "11/01/2026" or "Nov 1" would mean different
    // days to different people.
    private static readonly string[] s_isoFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm'Z'",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    public void Register(RpcMethodTable table)
    {
        table.Add("models.list", MethodRoles.For("models.list"), GatewayJsonContext.Default.ModelsListParams,
            GatewayJsonContext.Default.IReadOnlyListModelListing, ListModelsAsync);
        table.Add("usage.summary", MethodRoles.For("usage.summary"), GatewayJsonContext.Default.UsageSummaryParams,
            GatewayJsonContext.Default.UsageSummaryResult, UsageAsync);
    }

    private async ValueTask<IReadOnlyList<ModelListing>> ListModelsAsync(ModelsListParams p, RpcContext context, CancellationToken cancellationToken)
    {
        if (p.Provider is { } name && !providers.Names.Contains(name, StringComparer.Ordinal))
        {
            throw RpcException.InvalidParams(
                $"Invalid params: provider '{name}' is not configured; use one of: {string.Join(", ", providers.Names)}.", "provider");
        }

        return await providers.ListModelsAsync(p.Provider, cancellationToken);
    }

    private async ValueTask<UsageSummaryResult> UsageAsync(UsageSummaryParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var groupBy = p.GroupBy switch
        {
            null or "model" => UsageGroupBy.Model,
            "agent" => UsageGroupBy.Agent,
            "day" => UsageGroupBy.Day,
            _ => throw RpcException.InvalidParams("Invalid params: groupBy must be \"model\", \"agent\" or \"day\".", "groupBy"),
        };
        DateTimeOffset? since = null;
        if (p.Since is { } text)
        {
            if (!DateTimeOffset.TryParseExact(text, s_isoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw RpcException.InvalidParams(
                    "Invalid params: since must be an ISO 8601 date or time, e.g. \"2026-11-01\" or \"2026-11-01T08:00:00Z\" (UTC unless an offset is given).", "since");
            }

            since = parsed;
        }

        var report = await store.GetUsageAsync(since, groupBy, cancellationToken);
        var rows = new UsageSummaryRow[report.Rows.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = UsageSummaryRow.From(report.Rows[i].Key, report.Rows[i].Requests, report.Rows[i].Usage);
        }

        return new UsageSummaryResult(
            p.GroupBy ?? "model", since?.ToString("O", CultureInfo.InvariantCulture), rows, UsageSummaryRow.From("total", report.Requests, report.Total));
    }
}

/// <summary>The params of <c>models.list</c>.</summary>
internal sealed record ModelsListParams(string? Provider = null);

/// <summary>The params of <c>usage.summary</c>.</summary>
internal sealed record UsageSummaryParams(string? Since = null, string? GroupBy = null);

/// <summary>One group of <c>usage.summary</c>: model turns and tokens.</summary>
internal sealed record UsageSummaryRow(
    string Key, long Requests, long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens, long TotalTokens)
{
    public static UsageSummaryRow From(string key, long requests, TokenUsage usage) => new(
        key, requests, usage.InputTokens, usage.OutputTokens, usage.CacheReadTokens, usage.CacheWriteTokens,
        usage.InputTokens + usage.OutputTokens + usage.CacheReadTokens + usage.CacheWriteTokens);
}

/// <summary>The result of <c>usage.summary</c>.</summary>
internal sealed record UsageSummaryResult(string GroupBy, string? Since, IReadOnlyList<UsageSummaryRow> Rows, UsageSummaryRow Total);
