using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API behind <see cref="IChatClient"/>: streaming and whole responses, tools, extended thinking,
/// prompt caching and usage, with every failure a typed <see cref="ProviderException"/>. No retries: the resilience
/// layer above decides those.
/// </summary>
public sealed class AnthropicChatClient : IChatClient, IModelCatalog
{
    /// <summary>The <c>anthropic-version</c> header this client speaks.</summary>
    public const string ApiVersion = "2023-06-01";

    /// <summary>
    /// The finish reason for Anthropic's <c>pause_turn</c>: the API paused a long turn (server tools) and the reply is
    /// not finished; send it back as the last assistant message to let the model continue. Not <see cref="ChatFinishReason.Stop"/>.
    /// </summary>
    public static readonly ChatFinishReason PauseTurn = new("pause_turn");

    /// <summary>The <c>anthropic-beta</c> header an OAuth login needs.</summary>
    public const string OAuthBeta = "oauth-2025-04-20";

    private const int DefaultMaxBodyBytes = 16 * 1024 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly ProviderEndpoint _endpoint;
    private readonly string? _defaultModelId;
    private readonly ChatClientMetadata _metadata;
    private readonly Uri _messagesUri;
    private readonly string _modelsUrl;

    /// <summary>Creates a client for <paramref name="endpoint"/> (whose <see cref="ProviderEndpoint.Http"/> it does not own).</summary>
    /// <param name="endpoint">The provider to call.</param>
    /// <param name="defaultModelId">The model when <see cref="ChatOptions.ModelId"/> names none.</param>
    public AnthropicChatClient(ProviderEndpoint endpoint, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _defaultModelId = defaultModelId;
        _metadata = new ChatClientMetadata("anthropic", endpoint.BaseUrl, defaultModelId);
        var root = endpoint.BaseUrl.AbsoluteUri.TrimEnd('/');
        if (root.EndsWith("/v1", StringComparison.Ordinal))
        {
            root = root[..^3];
        }

        _messagesUri = new Uri(root + "/v1/messages");
        _modelsUrl = root + "/v1/models";
    }

    /// <summary>The largest whole body, single stream event, or sum of one streamed message's tool arguments (16 MiB);
    /// more is an invalid response, not unbounded memory.</summary>
    internal int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = WriteRequest(messages, options, stream: false);
        using var response = (await SendAsync(HttpMethod.Post, _messagesUri, body, cancellationToken).ConfigureAwait(false)).Response;
        var (buffer, length) = await ReadBodyAsync(response, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return AnthropicWire.ReadMessage(buffer.AsMemory(0, length));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid("answered with a body that is not an Anthropic message", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = WriteRequest(messages, options, stream: true);
        var (sent, secret) = await SendAsync(HttpMethod.Post, _messagesUri, body, cancellationToken).ConfigureAwait(false);
        using var response = sent;
        if (response.Content.Headers.ContentType?.MediaType is var mediaType
            && !string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // A captive portal's or proxy's HTML page: retrying will not turn it into a stream.
            throw Invalid($"answered a streaming request with Content-Type '{mediaType ?? "none"}' instead of text/event-stream"
                + " (a proxy or captive portal in the way?)", null);
        }

        var stream = await OpenStreamAsync(response, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new AnthropicSseReader(stream, MaxBodyBytes);
            var state = new AnthropicStreamState(_endpoint.Name, MaxBodyBytes, secret);
            while (await NextEventAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                if (state.Handle(reader.EventType, reader.DataMemory) is { } update)
                {
                    yield return update;
                }

                if (state.Completed)
                {
                    yield break;
                }
            }

            throw new ProviderException(_endpoint.Name, ProviderFailure.Interrupted,
                $"Provider '{_endpoint.Name}' ended the stream before the message was complete.");
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var url = after is null ? _modelsUrl + "?limit=1000" : _modelsUrl + "?limit=1000&after_id=" + Uri.EscapeDataString(after);
            using var response = (await SendAsync(HttpMethod.Get, new Uri(url), null, cancellationToken).ConfigureAwait(false)).Response;
            var (buffer, length) = await ReadBodyAsync(response, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            bool hasMore;
            try
            {
                using var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
                var root = doc.RootElement;
                foreach (var model in root.GetProperty("data"u8).EnumerateArray())
                {
                    ids.Add(AnthropicWire.GetString(model, "id"u8) ?? throw new JsonException("model without id"));
                }

                hasMore = root.TryGetProperty("has_more"u8, out var more) && more.ValueKind == JsonValueKind.True;
                after = AnthropicWire.GetString(root, "last_id"u8);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw Invalid("answered the model listing with a body that is not Anthropic's format", ex);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (!hasMore || after is null)
            {
                break;
            }
        }

        return ids;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ProviderClientServices.Get(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing owned: the HttpClient belongs to the endpoint's creator.
    }

    private ReadOnlyMemory<byte> WriteRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var model = options?.ModelId ?? _defaultModelId ?? throw new ProviderException(_endpoint.Name, ProviderFailure.Rejected,
            $"No model chosen for provider '{_endpoint.Name}': the request names none and the provider has no default model.");
        var buffer = new ArrayBufferWriter<byte>(4096);
        AnthropicRequestWriter.Write(buffer, messages, options, model, stream);
        return buffer.WrittenMemory;
    }

    // Sends one request with the credential, refreshing an OAuth login once after a 401; a non-2xx is thrown. Returns
    // the response and the key it was sent with (for scrubbing what the stream may echo).
    private async Task<(HttpResponseMessage Response, Secret? Sent)> SendAsync(HttpMethod method, Uri uri, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        var credential = _endpoint.Credential;
        var secret = await credential.GetAsync(cancellationToken).ConfigureAwait(false);
        secret = secret is null ? null : SecretScrubber.Sendable(_endpoint.Name, secret);
        var response = await SendOnceAsync(method, uri, body, secret, cancellationToken).ConfigureAwait(false);
        Secret? refreshed = null;
        if (response.StatusCode == HttpStatusCode.Unauthorized && credential.IsOAuth && secret is not null)
        {
            try
            {
                refreshed = await credential.RefreshAfterUnauthorizedAsync(secret, cancellationToken).ConfigureAwait(false);
                refreshed = refreshed is null ? null : SecretScrubber.Sendable(_endpoint.Name, refreshed);
            }
            catch
            {
                response.Dispose(); // the 401 would otherwise hold its connection until the GC finds it
                throw;
            }

            if (refreshed is not null)
            {
                response.Dispose();
                response = await SendOnceAsync(method, uri, body, refreshed, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await StatusErrorAsync(response, secret, refreshed, cancellationToken).ConfigureAwait(false);
            }
        }

        return (response, refreshed ?? secret);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, Uri uri, ReadOnlyMemory<byte>? body, Secret? secret, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        var headers = request.Headers;
        if (secret is not null)
        {
            if (_endpoint.Credential.IsOAuth)
            {
                headers.TryAddWithoutValidation("Authorization", "Bearer " + secret.Reveal());
                headers.TryAddWithoutValidation("anthropic-beta", OAuthBeta);
            }
            else
            {
                headers.TryAddWithoutValidation("x-api-key", secret.Reveal());
            }
        }

        headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        if (body is { } content)
        {
            headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        try
        {
            return await _endpoint.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(_endpoint.Name, ProviderFailure.Connection,
                $"Could not reach provider '{_endpoint.Name}' ({ex.HttpRequestError}).", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested && ex.InnerException is TimeoutException)
        {
            throw new ProviderException(_endpoint.Name, ProviderFailure.Timeout,
                $"Provider '{_endpoint.Name}' did not answer in time.", innerException: ex);
        }
    }

    // The API's error type and message (or the start of a body that is not Anthropic's error), scrubbed of the keys
    // this request sent, in full and before shortening: a proxy (LiteLLM, a debugging proxy) may echo x-api-key.
    private async Task<ProviderException> StatusErrorAsync(
        HttpResponseMessage response, Secret? sent, Secret? refreshed, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? type = null;
        string? message = null;
        try
        {
            var (buffer, length) = await ReadBodyAsync(response, MaxErrorBodyBytes, cancellationToken, truncate: true).ConfigureAwait(false);
            try
            {
                (type, message) = AnthropicWire.ReadError(buffer.AsSpan(0, length));
                if (message is null && length > 0 && !buffer.AsSpan(0, length).TrimStart(" \t\r\n"u8).StartsWith("<"u8))
                {
                    var raw = SecretScrubber.Scrub(System.Text.Encoding.UTF8.GetString(buffer, 0, length), sent, refreshed) ?? string.Empty;
                    message = raw[..Math.Min(raw.Length, 600)];
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ProviderException)
        {
            // The status alone still says what went wrong.
        }

        type = SecretScrubber.Scrub(type, sent, refreshed);
        message = SecretScrubber.Scrub(message, sent, refreshed);
        var failure = ProviderException.FailureForStatus(status);
        if (failure == ProviderFailure.Rejected && type is "overloaded_error")
        {
            failure = ProviderFailure.Overloaded;
        }

        var text = $"Provider '{_endpoint.Name}' returned HTTP {status}" + (type is null ? string.Empty : $" ({type})")
            + (string.IsNullOrWhiteSpace(message) ? "." : ": " + AnthropicWire.Truncate(message));
        return new ProviderException(_endpoint.Name, failure, text, status, RetryAfter(response));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry)
        {
            return null;
        }

        if (retry.Delta is { } delta)
        {
            return delta;
        }

        if (retry.Date is { } date)
        {
            var wait = date - _endpoint.Time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private async Task<Stream> OpenStreamAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Interrupted(ex);
        }
    }

    private async ValueTask<bool> NextEventAsync(AnthropicSseReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw Invalid($"streamed an event larger than {MaxBodyBytes} bytes", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw Interrupted(ex);
        }
    }

    // Reads a body into a pooled buffer (the caller returns it); more than maxBytes is an invalid response, or, with
    // truncate, just cut off.
    private async Task<(byte[] Buffer, int Length)> ReadBodyAsync(
        HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken, bool truncate = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(response.Content.Headers.ContentLength is { } n and > 0 and < 1024 * 1024 ? (int)n + 1 : 16 * 1024);
        var length = 0;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (length > maxBytes)
                        {
                            if (truncate)
                            {
                                return (buffer, maxBytes);
                            }

                            throw Invalid($"answered with a body larger than {maxBytes} bytes", null);
                        }

                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        if (length > maxBytes && !truncate)
                        {
                            throw Invalid($"answered with a body larger than {maxBytes} bytes", null);
                        }

                        return (buffer, Math.Min(length, maxBytes));
                    }

                    length += read;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw Interrupted(ex);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private ProviderException Interrupted(Exception ex) =>
        new(_endpoint.Name, ProviderFailure.Interrupted, $"Provider '{_endpoint.Name}' broke off the response.", innerException: ex);

    private ProviderException Invalid(string what, Exception? ex) =>
        new(_endpoint.Name, ProviderFailure.InvalidResponse, $"Provider '{_endpoint.Name}' {what}.", innerException: ex);
}
