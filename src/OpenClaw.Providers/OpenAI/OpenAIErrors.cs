using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;

namespace OpenClaw.Providers.OpenAI;

/// <summary>Turns what the OpenAI SDK and the HTTP stack throw into <see cref="ProviderException"/>s.</summary>
internal static class OpenAIErrors
{
    private const int MaxApiMessageChars = 300;

    /// <summary>
    /// The typed failure for <paramref name="exception"/>, or <see langword="null"/> when it must propagate as it is
    /// (the caller's cancellation, or already a <see cref="ProviderException"/>).
    /// </summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="exception">What the SDK threw.</param>
    /// <param name="streaming">Whether part of the response has reached the caller (a broken connection is then an
    /// interruption, which is not retried, rather than a connection failure, which is).</param>
    /// <param name="sent">The keys this request sent, scrubbed from any text the server echoed.</param>
    /// <param name="time">The clock, for an HTTP-date <c>Retry-After</c>.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static ProviderException? Map(
        string provider, Exception exception, bool streaming, SentKeys? sent, TimeProvider time, CancellationToken cancellationToken)
    {
        if (FindInner<ProviderException>(exception) is { } inner)
        {
            return inner; // our HTTP handler's timeouts, thrown through the SDK
        }

        switch (exception)
        {
            case ProviderException:
                return null;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case ClientResultException { Status: > 0 } result:
                return FromStatus(provider, result, sent, time);
            case ClientResultException result when streaming:
                return new ProviderException(provider, ProviderFailure.Interrupted,
                    $"Provider '{provider}' broke off its response: {Describe(result.InnerException ?? result, sent)}.",
                    innerException: result.InnerException);
            case ClientResultException result:
                return new ProviderException(provider, ProviderFailure.Connection,
                    $"Could not reach provider '{provider}': {Describe(result.InnerException ?? result, sent)}.",
                    innerException: result.InnerException);
            case OperationCanceledException:
                return new ProviderException(provider, ProviderFailure.Timeout,
                    $"Provider '{provider}' did not answer in time.", innerException: exception);
            case JsonException or FormatException:
                return new ProviderException(provider, ProviderFailure.InvalidResponse,
                    $"Provider '{provider}' sent a response that is not OpenAI's chat completions format.", innerException: exception);
            case HttpRequestException when !streaming:
                return new ProviderException(provider, ProviderFailure.Connection,
                    $"Could not reach provider '{provider}': {Describe(exception, sent)}.", innerException: exception);
            case HttpRequestException or IOException:
                return new ProviderException(provider, ProviderFailure.Interrupted,
                    $"Provider '{provider}' broke off its response: {Describe(exception, sent)}.", innerException: exception);
            default:
                return null;
        }
    }

    /// <summary>The failure for a stream that ended without a finish reason.</summary>
    public static ProviderException Truncated(string provider) => new(provider, ProviderFailure.Interrupted,
        $"Provider '{provider}' ended its response before it was complete.");

    /// <summary>
    /// A stand-in for an SDK exception that carries only the status: the SDK's own message quotes the response body,
    /// which may echo the key, so it is never kept as an inner exception.
    /// </summary>
    public static HttpRequestException Sanitized(ClientResultException exception) =>
        new($"HTTP {exception.Status} (response body omitted)", null, exception.Status > 0 ? (System.Net.HttpStatusCode)exception.Status : null);

    private static ProviderException FromStatus(string provider, ClientResultException exception, SentKeys? sent, TimeProvider time)
    {
        var status = exception.Status;
        var response = exception.GetRawResponse();
        var apiMessage = response is null ? null : ApiMessage(response, sent);
        var message = apiMessage is null
            ? $"Provider '{provider}' answered HTTP {status}."
            : $"Provider '{provider}' answered HTTP {status}: {apiMessage}";
        return new ProviderException(provider, ProviderException.FailureForStatus(status), message, status,
            response is null ? null : RetryAfter(response, time), Sanitized(exception));
    }

    /// <summary>
    /// OpenAI's <c>error.message</c> (or a compatible server's <c>error</c> string) with its <c>code</c> and
    /// <c>param</c>, scrubbed of the keys sent (the whole body first, then each field), then shortened.
    /// </summary>
    private static string? ApiMessage(PipelineResponse response, SentKeys? sent)
    {
        string body;
        try
        {
            body = response.Content.ToString();
        }
        catch (InvalidOperationException)
        {
            return null; // not buffered; the status alone has to do
        }

        // Scrubbed before parsing (and each field again after, in case the JSON escaped part of the key).
        body = Scrub(body, sent)!;
        string? message = null;
        string? code = null;
        string? param = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    message = StringProperty(error, "message");
                    code = StringProperty(error, "code");
                    param = StringProperty(error, "param");
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        message = Scrub(message, sent)?.Trim();
        code = Scrub(code, sent);
        param = Scrub(param, sent);
        if (string.IsNullOrWhiteSpace(message))
        {
            message = code;
        }
        else if (!string.IsNullOrWhiteSpace(code) || !string.IsNullOrWhiteSpace(param))
        {
            var details = string.IsNullOrWhiteSpace(code) ? "param " + param
                : string.IsNullOrWhiteSpace(param) ? "code " + code : $"code {code}, param {param}";
            message = $"{message} ({details})";
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        return message.Length <= MaxApiMessageChars ? message : string.Concat(message.AsSpan(0, MaxApiMessageChars), "…");
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Scrub(string? text, SentKeys? sent) =>
        sent is null ? text : SecretScrubber.Scrub(text, sent.First, sent.Second);

    /// <summary><c>retry-after-ms</c> (OpenAI's own), else <c>Retry-After</c> in seconds or as an HTTP date.</summary>
    private static TimeSpan? RetryAfter(PipelineResponse response, TimeProvider time)
    {
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    // The innermost message: "Connection refused (127.0.0.1:1)" rather than the wrappers' generic text.
    private static string Describe(Exception exception, SentKeys? sent)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return Scrub(e.Message, sent)!.TrimEnd('.');
    }
}
