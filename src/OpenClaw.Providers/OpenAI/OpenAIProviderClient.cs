using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace OpenClaw.Providers.OpenAI;

/// <summary>
/// An OpenAI or OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, OpenRouter) as an <see cref="IChatClient"/>,
/// through the official OpenAI SDK and Microsoft.Extensions.AI's adapter.
/// </summary>
/// <remarks>
/// The key is read from <see cref="ProviderEndpoint.Credential"/> on every request (none is sent when it has none).
/// The SDK never retries (the resilience layer does) and never times out on its own (the endpoint's HTTP handler
/// does). Every failure is a <see cref="ProviderException"/>. Usage follows <see cref="ProviderUsage"/>: OpenAI's
/// prompt tokens include the cached ones, so the input count reported is prompt minus cached.
/// </remarks>
public sealed class OpenAIProviderClient : IChatClient, IModelCatalog
{
    private readonly ProviderEndpoint _endpoint;
    private readonly string? _defaultModelId;
    private readonly CredentialPolicy _credential;
    private readonly OpenAIClient _openAI;
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;
    private readonly bool _compatible;

    /// <summary>Creates a client for <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The provider's URL (including <c>/v1</c>), HTTP client and credential.</param>
    /// <param name="compatible">Whether this is an <c>openai-compatible</c> server rather than OpenAI itself.</param>
    /// <param name="defaultModelId">The model used when <see cref="ChatOptions.ModelId"/> is not set.</param>
    public OpenAIProviderClient(ProviderEndpoint endpoint, bool compatible, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _compatible = compatible;
        _defaultModelId = defaultModelId;
        _credential = new CredentialPolicy(endpoint.Name, endpoint.Credential);
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            Transport = new HttpClientPipelineTransport(endpoint.Http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        // The SDK's stable constructors want a fixed ApiKeyCredential. It gets a placeholder, and the credential policy,
        // the last step before the wire, replaces (or, keyless, removes) the header on every try: the placeholder is
        // never sent. (The AuthenticationPolicy constructor would avoid it but is marked experimental, OPENAI001.)
        options.AddPolicy(_credential, PipelinePosition.BeforeTransport);
        // The placeholder is this client's own: ApiKeyCredential is mutable (Update), so a shared static one could be
        // changed for every client at once.
        _openAI = new OpenAIClient(new System.ClientModel.ApiKeyCredential("unused-placeholder"), options);
        _metadata = new ChatClientMetadata(compatible ? "openai-compatible" : "openai", endpoint.BaseUrl, defaultModelId);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = ClientFor(options);
        options = ForEndpoint(options);
        messages = ToolResultsAsText(messages);
        ChatResponse response;
        var sent = CredentialPolicy.Record();
        try
        {
            response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e, streaming: false, sent, cancellationToken) is { } failure)
        {
            throw failure;
        }

        NormaliseUsage(response.Usage);
        return response;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = ClientFor(options);
        options = ForEndpoint(options);
        messages = ToolResultsAsText(messages);
        var finished = false;
        var started = false;
        var sent = CredentialPolicy.Record();
        var updates = client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception e) when (Map(e, started, sent, cancellationToken) is { } failure)
                {
                    throw failure;
                }

                started = true;
                var update = updates.Current;
                finished |= update.FinishReason is not null;
                var contents = update.Contents;
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is UsageContent usage)
                    {
                        NormaliseUsage(usage.Details);
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        if (!finished)
        {
            // The SDK ends quietly when the event stream stops early; a reply without a finish reason is incomplete.
            throw OpenAIErrors.Truncated(_endpoint.Name);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken)
    {
        var sent = CredentialPolicy.Record();
        try
        {
            var result = await _openAI.GetOpenAIModelClient().GetModelsAsync(cancellationToken).ConfigureAwait(false);
            var models = result.Value;
            var ids = new List<string>(models.Count);
            foreach (var model in models)
            {
                ids.Add(model.Id);
            }

            return ids;
        }
        catch (System.ClientModel.ClientResultException e) when (e.Status == 404)
        {
            throw new ProviderException(_endpoint.Name, ProviderFailure.Rejected,
                $"Provider '{_endpoint.Name}' has no model listing (GET {_endpoint.BaseUrl}models answered HTTP 404).", 404,
                innerException: OpenAIErrors.Sanitized(e)); // never the SDK's exception: its message quotes the body
        }
        catch (Exception e) when (Map(e, streaming: false, sent, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ProviderClientServices.Get(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing owned: the endpoint's HttpClient belongs to the caller, and the SDK clients hold only it.
    }

    private IChatClient ClientFor(ChatOptions? options)
    {
        var model = options?.ModelId ?? _defaultModelId;
        if (string.IsNullOrEmpty(model))
        {
            throw new ProviderException(_endpoint.Name, ProviderFailure.Rejected,
                $"No model was chosen for provider '{_endpoint.Name}': set the agent's model.");
        }

        if (_clients.TryGetValue(model, out var client))
        {
            return client;
        }

        return _clients.GetOrAdd(model, static (id, openAI) => openAI.GetChatClient(id).AsIChatClient(), _openAI);
    }

    /// <summary>
    /// For compatible servers, also sends the output limit as <c>max_tokens</c>: the SDK sends only OpenAI's
    /// <c>max_completion_tokens</c>, which Ollama and LM Studio do not read.
    /// </summary>
    private ChatOptions? ForEndpoint(ChatOptions? options)
    {
        if (!_compatible || options?.MaxOutputTokens is not { } maxTokens)
        {
            return options;
        }

        var adjusted = options.Clone();
        var inner = options.RawRepresentationFactory;
        adjusted.RawRepresentationFactory = client =>
        {
            var raw = inner?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is marked experimental; the SDK version is pinned and a test covers the field.
            raw.Patch.Set("$.max_tokens"u8, maxTokens);
#pragma warning restore SCME0001
            return raw;
        };
        return adjusted;
    }

    /// <summary>
    /// The messages with every tool result that is not a string written as JSON text without reflection (the rules of
    /// <see cref="Anthropic.AnthropicRequestWriter.ResultText"/>). The SDK adapter would serialise it with reflection,
    /// which NativeAOT lacks, and then silently send an empty result; a type that cannot be written throws
    /// <see cref="ArgumentException"/> naming it. The caller's messages are not changed.
    /// </summary>
    internal static IEnumerable<ChatMessage> ToolResultsAsText(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ChatMessage>? copy = null;
        var index = 0;
        foreach (var message in messages)
        {
            var contents = message.Contents;
            var converted = false;
            for (var i = 0; i < contents.Count && !converted; i++)
            {
                converted = contents[i] is FunctionResultContent { Result: not null and not string };
            }

            if (converted && copy is null)
            {
                copy = [.. messages.Take(index)];
            }

            if (converted)
            {
                var clone = message.Clone();
                clone.Contents = [.. contents.Select(static c => c is FunctionResultContent { Result: not null and not string } r
                    ? new FunctionResultContent(r.CallId, Anthropic.AnthropicRequestWriter.ResultText(r.Result))
                    {
                        Exception = r.Exception,
                        AdditionalProperties = r.AdditionalProperties,
                    }
                    : c)];
                copy!.Add(clone);
            }
            else
            {
                copy?.Add(message);
            }

            index++;
        }

        return copy ?? messages;
    }

    private ProviderException? Map(Exception exception, bool streaming, SentKeys sent, CancellationToken cancellationToken) =>
        OpenAIErrors.Map(_endpoint.Name, exception, streaming, sent, _endpoint.Time, cancellationToken);

    /// <summary>Makes the input count the uncached input only (OpenAI's prompt tokens include the cached ones).</summary>
    internal static void NormaliseUsage(UsageDetails? usage)
    {
        if (usage is null)
        {
            return;
        }

        if (usage.CachedInputTokenCount is { } cached && cached > 0 && usage.InputTokenCount is { } prompt)
        {
            usage.InputTokenCount = Math.Max(0, prompt - cached);
        }
    }
}
