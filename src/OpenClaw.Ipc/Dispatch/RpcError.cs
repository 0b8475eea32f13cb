using System.Text.Json.Nodes;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>A JSON-RPC error object: code, a message safe to show, and optional structured data.</summary>
public sealed record RpcError(int Code, string Message, JsonObject? Data = null)
{
    /// <summary>A rate-limit error carrying <c>retryAfterSeconds</c> (whole seconds, at least 1).</summary>
    public static RpcError RateLimited(TimeSpan retryAfter, string message = "Too many requests; try again later.") =>
        new(RpcErrorCodes.RateLimited, message, new JsonObject { ["retryAfterSeconds"] = RetryAfterSeconds(retryAfter) });

    /// <summary>Whole seconds to wait, rounded up, at least 1 (what <c>Retry-After</c> carries).</summary>
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
