using OpenClaw.Core;

namespace OpenClaw.Providers;

/// <summary>Why a provider request failed; decides whether it is retried and what the user is told.</summary>
public enum ProviderFailure
{
    /// <summary>HTTP 429: too many requests. Retried, honouring <c>Retry-After</c>.</summary>
    RateLimited,

    /// <summary>Anthropic's HTTP 529 (or an <c>overloaded_error</c> event): the provider is overloaded. Retried.</summary>
    Overloaded,

    /// <summary>HTTP 5xx. Retried.</summary>
    ServerError,

    /// <summary>The connection could not be opened or broke before the response started. Retried.</summary>
    Connection,

    /// <summary>No response headers within <c>timeouts.firstByteSeconds</c>, or no connection within <c>connectSeconds</c>. Retried.</summary>
    Timeout,

    /// <summary>A started response sent nothing for <c>timeouts.stallSeconds</c>. Retried only if nothing had streamed.</summary>
    Stalled,

    /// <summary>A started response ended before it was complete (connection cut, or an <c>error</c> event). Retried only if nothing had streamed.</summary>
    Interrupted,

    /// <summary>HTTP 401 or 403: the key or login was refused. Not retried (OAuth logins refresh once first).</summary>
    Unauthorized,

    /// <summary>HTTP 400, 404, 413, 422 and the like: the request itself is wrong (unknown model, prompt too long). Not retried.</summary>
    Rejected,

    /// <summary>The provider has no key or login configured. Not retried.</summary>
    MissingCredential,

    /// <summary>The provider failed so often recently that it is not being called for a while (circuit open).</summary>
    CircuitOpen,

    /// <summary>The provider answered with something that is not its documented wire format. Not retried.</summary>
    InvalidResponse,
}

/// <summary>
/// A provider request failed. Reaches JSON-RPC callers as <c>-32010</c> with <c>data.provider</c> and <c>data.status</c>.
/// </summary>
/// <remarks>The message names the provider, the HTTP status and the provider's own error message; never a key, a token
/// or a request header.</remarks>
public sealed class ProviderException : OpenClawException
{
    /// <summary>Creates a provider failure.</summary>
    /// <param name="provider">The provider's name (its key under <c>providers</c>).</param>
    /// <param name="failure">Why it failed.</param>
    /// <param name="message">A message safe to show to a user.</param>
    /// <param name="status">The HTTP status, when there was one.</param>
    /// <param name="retryAfter">The provider's <c>Retry-After</c>, when it sent one.</param>
    /// <param name="innerException">The cause (logged, never shown).</param>
    public ProviderException(
        string provider, ProviderFailure failure, string message, int? status = null, TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException!)
    {
        Provider = provider;
        Failure = failure;
        Status = status;
        RetryAfter = retryAfter;
    }

    /// <summary>The provider's name.</summary>
    public string Provider { get; }

    /// <summary>Why it failed.</summary>
    public ProviderFailure Failure { get; }

    /// <summary>The HTTP status, or <see langword="null"/> when none was received (timeouts, connection failures).</summary>
    public int? Status { get; }

    /// <summary>How long the provider asked us to wait, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether trying again later might succeed (rate limits, overload, server errors, timeouts, broken connections).</summary>
    public bool IsTransient => Failure is ProviderFailure.RateLimited or ProviderFailure.Overloaded or ProviderFailure.ServerError
        or ProviderFailure.Connection or ProviderFailure.Timeout or ProviderFailure.Stalled or ProviderFailure.Interrupted;

    /// <summary>Whether another provider might succeed where this one failed (anything but a request the caller got wrong).</summary>
    public bool AllowsFailover => Failure is not ProviderFailure.Rejected;

    /// <summary>The failure kind for a non-success HTTP status.</summary>
    public static ProviderFailure FailureForStatus(int status) => status switch
    {
        429 => ProviderFailure.RateLimited,
        529 => ProviderFailure.Overloaded,
        401 or 403 => ProviderFailure.Unauthorized,
        408 => ProviderFailure.Timeout,
        >= 500 => ProviderFailure.ServerError,
        _ => ProviderFailure.Rejected,
    };
}
