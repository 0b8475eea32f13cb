using Microsoft.Extensions.Logging;

namespace OpenClaw.Providers.Resilience;

/// <summary>The resilience layer's log lines (never a key, a token, a header or prompt text).</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "Provider {Provider} failed ({Failure}, status {Status}) on attempt {Attempt}; retrying in {DelayMs:0} ms")]
    public static partial void Retrying(ILogger logger, string provider, int attempt, ProviderFailure failure, int? status, double delayMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Provider {Provider} failed ({Failure}, status {Status}) after {Attempts} attempts; giving up")]
    public static partial void GaveUp(ILogger logger, string provider, int attempts, ProviderFailure failure, int? status);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "Provider {Provider} asked to wait {RetryAfterSeconds:0} s (Retry-After), longer than the {MaxSeconds:0} s a request waits; not retrying")]
    public static partial void RetryAfterTooLong(ILogger logger, string provider, double retryAfterSeconds, double maxSeconds);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "Provider {Provider}'s client threw {ExceptionType} instead of a provider error; reported as {Failure}")]
    public static partial void Unmapped(ILogger logger, string provider, string exceptionType, ProviderFailure failure);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning,
        Message = "Model {Model} of provider {Provider} failed ({Failure}, status {Status}); failing over to model {NextModel} of provider {NextProvider}")]
    public static partial void FailingOver(ILogger logger, string provider, string model, ProviderFailure failure, int? status, string nextProvider, string nextModel);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "Skipping model {Model} of provider {Provider}: its circuit is open for another {SecondsLeft:0} s")]
    public static partial void SkippingOpenCircuit(ILogger logger, string provider, string model, double secondsLeft);
}
