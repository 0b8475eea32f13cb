using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace OpenClaw.Providers.Resilience;

/// <summary>
/// Retries one provider's transient failures (with backoff, jitter and the provider's <c>Retry-After</c>) through the
/// provider's circuit breaker; a streamed answer is retried only until its first content arrived.
/// </summary>
/// <remarks>
/// Exceptions a client failed to map (<see cref="HttpRequestException"/>, <see cref="IOException"/>,
/// <see cref="TimeoutException"/>, <see cref="JsonException"/>) become <see cref="ProviderException"/>s naming the
/// provider; their own messages are neither shown nor logged. A caller's cancellation is never retried.
/// </remarks>
internal sealed class ResilientChatClient : DelegatingChatClient
{
    private readonly string _providerName;
    private readonly ProviderCircuit _circuit;
    private readonly ILogger _logger;
    private readonly ResilienceTuning _tuning;
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _firstContentTimeout;

    /// <summary>
    /// Wraps <paramref name="inner"/>, retrying a failed request up to <paramref name="maxRetries"/> times; an attempt
    /// that shows no content within <paramref name="firstContentTimeout"/> (when given) fails as a retryable timeout.
    /// </summary>
    public ResilientChatClient(
        IChatClient inner, string providerName, int maxRetries, ProviderCircuit circuit, TimeProvider time, ILogger logger, TimeSpan? firstContentTimeout = null)
        : this(inner, providerName, maxRetries, circuit, time, logger, ResilienceTuning.Default, firstContentTimeout)
    {
    }

    internal ResilientChatClient(
        IChatClient inner, string providerName, int maxRetries, ProviderCircuit circuit, TimeProvider time, ILogger logger, ResilienceTuning tuning,
        TimeSpan? firstContentTimeout = null)
        : base(inner)
    {
        if (firstContentTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(firstContentTimeout));
        }

        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(tuning);
        _providerName = providerName;
        _circuit = circuit;
        _logger = logger;
        _tuning = tuning;
        _time = time;
        _firstContentTimeout = firstContentTimeout;

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = tuning.BaseDelay,
                MaxDelay = tuning.MaxDelay,
                Randomizer = tuning.Randomizer ?? new RetryStrategyOptions().Randomizer,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception)),
                DelayGenerator = static args => ValueTask.FromResult(
                    args.Outcome.Exception is ProviderException { RetryAfter: { } after } ? (TimeSpan?)after : null),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is ProviderException failed)
                    {
                        ResilienceLog.Retrying(_logger, _providerName, args.AttemptNumber + 1, failed.Failure, failed.Status,
                            args.RetryDelay.TotalMilliseconds);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        _retry = builder.Build();
    }

    /// <summary>Gets the whole answer, requested as a stream and assembled (see the remarks on why).</summary>
    /// <remarks>
    /// A non-streamed request's response headers come only when the answer is complete, so the first-byte timeout would
    /// bound the whole generation: a long answer would time out, be retried and be billed again. Streamed, it shares the
    /// stream's timeouts (first content, stall), its retry-before-content rule and its circuit accounting.
    /// </remarks>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = new Call(this, Materialize(messages), options);
        StreamAttempt attempt;
        try
        {
            attempt = await _retry.ExecuteAsync(static (call, ct) => call.Owner.StartStreamAsync(call, ct), call, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Provider == _providerName)
        {
            ReportGivingUp(ex, call.Attempts);
            throw;
        }

        // Committed: from here on the caller sees tokens, so nothing is retried; the circuit learns how the stream ended.
        try
        {
            foreach (var held in attempt.Held)
            {
                yield return held;
            }

            while (await attempt.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return attempt.Current;
            }
        }
        finally
        {
            await attempt.FinishAsync().ConfigureAwait(false);
        }
    }

    private static IList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages as IList<ChatMessage> ?? [.. messages];
    }

    private bool ShouldRetry(Exception? exception)
    {
        if (exception is not ProviderException { IsTransient: true } failed || failed.Provider != _providerName)
        {
            return false;
        }

        if (failed.RetryAfter is { } after && after > _tuning.MaxRetryAfter)
        {
            ResilienceLog.RetryAfterTooLong(_logger, _providerName, after.TotalSeconds, _tuning.MaxRetryAfter.TotalSeconds);
            return false;
        }

        return true;
    }

    private void ReportGivingUp(ProviderException ex, int attempts)
    {
        if (attempts > 1)
        {
            ResilienceLog.GaveUp(_logger, _providerName, attempts, ex.Failure, ex.Status);
        }
    }

    private async ValueTask<StreamAttempt> StartStreamAsync(Call call, CancellationToken cancellationToken)
    {
        call.Attempts++;
        var attempt = new StreamAttempt(call);
        attempt.Run = RunUnderCircuitAsync(attempt, cancellationToken);
        await attempt.Started.ConfigureAwait(false);
        return attempt;
    }

    // Opening the stream and reading it up to its first content is one circuit-breaker execution; the retry waits for
    // that (Started). A break after the first content is recorded separately (RecordLateFailureAsync).
    private async Task RunUnderCircuitAsync(StreamAttempt attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _circuit.Pipeline.ExecuteOutcomeAsync(
                static (context, attempt) => attempt.RunAsync(context.CancellationToken), context, attempt).ConfigureAwait(false);
            attempt.FailStart(outcome.Exception is BrokenCircuitException broken ? _circuit.OpenError(broken) : outcome.Exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // A stream that broke after its first token: the breaker already counted its start as a success, so the break is
    // recorded as a failed call of its own (a provider whose streams keep breaking still opens the circuit). Ignored
    // when the circuit is open already, or when the failure is not one the breaker counts.
    private async ValueTask RecordLateFailureAsync(Exception failure)
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            _ = await _circuit.Pipeline.ExecuteOutcomeAsync(
                static (_, error) => ValueTask.FromResult(Outcome.FromException<bool>(error)), context, failure).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The error of an attempt that showed no content within the first-content timeout.</summary>
    private ProviderException FirstContentTimeout(Exception cause) => new(_providerName, ProviderFailure.Timeout,
        $"provider '{_providerName}' sent no content within {ProviderTimeouts.Describe(_firstContentTimeout ?? TimeSpan.Zero)} (timeouts.firstByteSeconds)",
        innerException: cause);

    /// <summary>An exception from the inner client as a <see cref="ProviderException"/>, or <see langword="null"/> to let it through as it is.</summary>
    private ProviderException? Map(Exception exception, CancellationToken cancellationToken)
    {
        ProviderException? mapped = exception switch
        {
            ProviderException => null,
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException or TimeoutException => new(_providerName, ProviderFailure.Timeout,
                $"provider '{_providerName}' did not answer in time", innerException: exception),
            HttpRequestException { StatusCode: { } status } => new(_providerName, ProviderException.FailureForStatus((int)status),
                $"provider '{_providerName}' answered HTTP {(int)status}", (int)status, innerException: exception),
            HttpRequestException http => ProviderTimeoutHandler.ConnectionFailure(_providerName, http),
            IOException => new(_providerName, ProviderFailure.Interrupted,
                $"provider '{_providerName}' broke off its response (the connection closed early)", innerException: exception),
            JsonException => new(_providerName, ProviderFailure.InvalidResponse,
                $"provider '{_providerName}' answered with something that is not its documented format", innerException: exception),
            _ => null,
        };
        if (mapped is not null)
        {
            ResilienceLog.Unmapped(_logger, _providerName, exception.GetType().Name, mapped.Failure);
        }

        return mapped;
    }

    /// <summary>One request (every attempt of it).</summary>
    private sealed class Call(ResilientChatClient owner, IList<ChatMessage> messages, ChatOptions? options)
    {
        public ResilientChatClient Owner { get; } = owner;

        public IList<ChatMessage> Messages { get; } = messages;

        public ChatOptions? Options { get; } = options;

        public int Attempts { get; set; }
    }

    /// <summary>
    /// One attempt at a streamed answer: opened and read up to its first content inside the circuit breaker (Started),
    /// then handed to the caller, who reads the rest; its end (Done) completes the circuit-breaker execution.
    /// </summary>
    private sealed class StreamAttempt(Call call)
    {
        private const int Waiting = 0;
        private const int Showing = 1;
        private const int Expired = 2;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IAsyncEnumerator<ChatResponseUpdate>? _updates;
        private bool _ended;
        private Exception? _failure;
        private CancellationTokenSource? _deadline;
        private int _phase;

        public Task Started => _started.Task;

        public Task? Run { get; set; }

        /// <summary>The content-less updates before the first content, and the first content update.</summary>
        public List<ChatResponseUpdate> Held { get; } = [];

        public ChatResponseUpdate Current => _updates!.Current;

        public async ValueTask<Outcome<bool>> RunAsync(CancellationToken ct)
        {
            var owner = call.Owner;
            // Lives as long as the stream (disposed in DisposeUpdatesAsync): the provider's stream was opened with
            // its token, so the caller's cancellation (chat.abort, a turn timeout, shutdown) must keep reaching it
            // after the first content too, even while the provider is silent.
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _deadline = deadline;
            var timer = owner._firstContentTimeout is { } timeout
                ? owner._time.CreateTimer(static state => ((StreamAttempt)state!).Expire(), this, timeout, Timeout.InfiniteTimeSpan)
                : null;
            try
            {
                try
                {
                    _updates = owner.InnerClient.GetStreamingResponseAsync(call.Messages, call.Options, deadline.Token).GetAsyncEnumerator(deadline.Token);
                    while (true)
                    {
                        if (!await _updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            _ended = true;
                            break;
                        }

                        // Any update means the provider has started answering: the first-content deadline is met (a
                        // tool call or hidden reasoning can take minutes before anything is visible). Committing still
                        // waits for visible content, so a failure before it is retried.
                        if (Interlocked.CompareExchange(ref _phase, Showing, Waiting) == Expired)
                        {
                            throw new TimeoutException();
                        }

                        Held.Add(_updates.Current);
                        if (StreamedContent.IsVisible(_updates.Current))
                        {
                            break;
                        }
                    }

                    if (Interlocked.CompareExchange(ref _phase, Showing, Waiting) == Expired)
                    {
                        throw new TimeoutException();
                    }
                }
                finally
                {
                    timer?.Dispose();
                }
            }
            catch (Exception ex)
            {
                // Not FailStart here: the caller (and its next attempt) must see the failure only after the circuit
                // breaker counted it, which RunUnderCircuitAsync does once this outcome went through the breaker.
                var error = Volatile.Read(ref _phase) == Expired && !ct.IsCancellationRequested
                    ? owner.FirstContentTimeout(ex)
                    : owner.Map(ex, ct) ?? ex;
                await DisposeUpdatesAsync().ConfigureAwait(false);
                return Outcome.FromException<bool>(error);
            }

            // The provider answered: the breaker records a success now, not when the stream ends, so a half-open
            // circuit's probe closes it at the first token instead of holding every other request off for the whole
            // answer. A failure after this point is recorded on its own (FinishAsync).
            _started.TrySetResult();
            return Outcome.FromResult(true);
        }

        /// <summary>The first-content timeout fired: cancels the attempt unless its content already arrived.</summary>
        private void Expire()
        {
            if (Interlocked.CompareExchange(ref _phase, Expired, Waiting) != Waiting)
            {
                return;
            }

            try
            {
                _deadline?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt already ended.
            }
        }

        public void FailStart(Exception? error)
        {
            if (error is not null)
            {
                _started.TrySetException(error);
            }
        }

        public async ValueTask<bool> MoveNextAsync(CancellationToken ct)
        {
            if (_ended)
            {
                return false;
            }

            // The stream's token is linked to the caller's; checked here too so an update that was already buffered
            // is not handed out after the caller stopped.
            ct.ThrowIfCancellationRequested();
            bool more;
            try
            {
                more = await _updates!.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var error = call.Owner.Map(ex, ct) ?? ex;
                _failure = error;
                if (ReferenceEquals(error, ex))
                {
                    throw;
                }

                throw error;
            }

            ct.ThrowIfCancellationRequested();
            return more;
        }

        /// <summary>Closes the stream and tells the circuit breaker how it ended (a caller who stopped reading is not a failure).</summary>
        public async ValueTask FinishAsync()
        {
            await DisposeUpdatesAsync().ConfigureAwait(false);
            if (Run is not null)
            {
                await Run.ConfigureAwait(false);
            }

            if (_failure is ProviderException { IsTransient: true } broken)
            {
                await call.Owner.RecordLateFailureAsync(broken).ConfigureAwait(false);
            }
        }

        private async ValueTask DisposeUpdatesAsync()
        {
            if (_updates is null)
            {
                Interlocked.Exchange(ref _deadline, null)?.Dispose();
                return;
            }

            var updates = _updates;
            _updates = null;
            try
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The stream already failed or ended; a failure to close it changes nothing for the caller.
            }
            finally
            {
                Interlocked.Exchange(ref _deadline, null)?.Dispose();
            }
        }
    }
}

/// <summary>The retry layer's timing (tests shorten it).</summary>
/// <param name="BaseDelay">The first backoff; doubles each retry, with jitter.</param>
/// <param name="MaxDelay">The longest backoff.</param>
/// <param name="MaxRetryAfter">The longest <c>Retry-After</c> a request waits out; a longer one fails at once.</param>
internal sealed record ResilienceTuning(TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxRetryAfter)
{
    /// <summary>The jitter's source of randomness in [0, 1); <see langword="null"/> for Polly's own (tests fix it).</summary>
    public Func<double>? Randomizer { get; init; }

    /// <summary>1 s doubling to at most 30 s; a Retry-After up to 60 s is honoured.</summary>
    public static readonly ResilienceTuning Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
}
