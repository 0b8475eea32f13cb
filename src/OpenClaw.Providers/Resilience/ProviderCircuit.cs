using Polly;
using Polly.CircuitBreaker;

namespace OpenClaw.Providers.Resilience;

/// <summary>
/// One provider's circuit breaker, shared by every agent that uses the provider: after repeated transient failures it
/// opens and the provider is not called for a while, so a dead provider is not hammered and failover is immediate.
/// </summary>
/// <remarks>
/// Opens when at least half of the calls of the last 30 s failed transiently (overload, 5xx, timeout, stall, broken
/// connection; not a rate limit) and there were at least 4 of them; stays open 30 s; then lets one probe through
/// (half-open): its success closes the circuit, its failure opens it for another 30 s. A request the provider
/// rejected (400-type), a refused key and a caller's cancellation are not provider failures.
/// </remarks>
internal sealed class ProviderCircuit
{
    /// <summary>The end of the break is not known yet (the breaker just opened and has not raised OnOpened).</summary>
    private const long Unknown = long.MaxValue;

    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _state = new();
    private long _openUntilTicks = Unknown;

    /// <summary>Creates the circuit of the provider named <paramref name="providerName"/>, closed.</summary>
    public ProviderCircuit(string providerName, TimeProvider time)
        : this(providerName, time, CircuitTuning.Default)
    {
    }

    internal ProviderCircuit(string providerName, TimeProvider time, CircuitTuning tuning)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(tuning);
        ProviderName = providerName;
        _time = time;
        Tuning = tuning;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = tuning.FailureRatio,
                SamplingDuration = tuning.SamplingDuration,
                MinimumThroughput = tuning.MinimumThroughput,
                BreakDuration = tuning.BreakDuration,
                StateProvider = _state,
                ShouldHandle = static args => ValueTask.FromResult(IsProviderFailure(args.Outcome.Exception)),
                // Polly switches the state first and raises these events after; until OnOpened ran, an open state
                // counts as a whole break (Unknown), so there is no moment where the circuit is open but reads closed.
                OnOpened = args =>
                {
                    Volatile.Write(ref _openUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    Volatile.Write(ref _openUntilTicks, Unknown);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Volatile.Write(ref _openUntilTicks, Unknown);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The provider's name.</summary>
    public string ProviderName { get; }

    /// <summary>Whether the provider is not being called now (it failed too often recently and its break is not over); read from the breaker's state.</summary>
    public bool IsOpen => RemainingBreak > TimeSpan.Zero;

    /// <summary>How much longer the circuit stays open; zero when it is closed or ready for a probe.</summary>
    public TimeSpan RemainingBreak
    {
        get
        {
            if (_state.CircuitState is not (CircuitState.Open or CircuitState.Isolated))
            {
                return TimeSpan.Zero;
            }

            var until = Volatile.Read(ref _openUntilTicks);
            if (until == Unknown)
            {
                return Tuning.BreakDuration;
            }

            var left = new DateTimeOffset(until, TimeSpan.Zero) - _time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    internal CircuitTuning Tuning { get; }

    /// <summary>The Polly pipeline holding the breaker; every call to the provider runs through it.</summary>
    internal ResiliencePipeline Pipeline { get; }

    /// <summary>
    /// Whether an outcome counts against the provider: transient provider failures do, except a rate limit (429), which
    /// is one key's or agent's quota, not a dead provider, and which <c>Retry-After</c> already paces.
    /// </summary>
    internal static bool IsProviderFailure(Exception? exception) =>
        exception is ProviderException { IsTransient: true, Failure: not ProviderFailure.RateLimited };

    /// <summary>The error a caller gets instead of a call while the circuit is open.</summary>
    internal ProviderException OpenError(BrokenCircuitException? cause = null)
    {
        var left = RemainingBreak;
        if (left <= TimeSpan.Zero && cause?.RetryAfter is { } polly)
        {
            left = polly;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
        return new ProviderException(ProviderName, ProviderFailure.CircuitOpen,
            $"provider '{ProviderName}' is failing; not calling it for {seconds} s",
            retryAfter: TimeSpan.FromSeconds(seconds), innerException: cause);
    }
}

/// <summary>The circuit breaker's thresholds (tests shorten them).</summary>
/// <param name="FailureRatio">The share of failed calls in the sampling window that opens the circuit.</param>
/// <param name="SamplingDuration">The window the ratio is measured over.</param>
/// <param name="MinimumThroughput">How many calls the window needs before the ratio counts.</param>
/// <param name="BreakDuration">How long the circuit stays open.</param>
internal sealed record CircuitTuning(double FailureRatio, TimeSpan SamplingDuration, int MinimumThroughput, TimeSpan BreakDuration)
{
    /// <summary>Half of at least 4 calls within 30 s failed: open for 30 s.</summary>
    public static readonly CircuitTuning Default = new(0.5, TimeSpan.FromSeconds(30), 4, TimeSpan.FromSeconds(30));
}
