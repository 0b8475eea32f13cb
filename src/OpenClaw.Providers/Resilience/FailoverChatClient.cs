using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Providers.Resilience;

/// <summary>One model in an agent's chain: the provider, the model id sent to it, its (resilient) client and its circuit.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The model id sent as <see cref="ChatOptions.ModelId"/>.</param>
/// <param name="Client">The provider's client, normally a <see cref="ResilientChatClient"/>.</param>
/// <param name="Circuit">The provider's circuit breaker (the one its <see cref="ResilientChatClient"/> uses).</param>
internal sealed record FailoverTarget(string Provider, string Model, IChatClient Client, ProviderCircuit Circuit)
{
    /// <summary>The configured reference, <c>&lt;provider&gt;/&lt;model&gt;</c>.</summary>
    internal string Reference { get; } = Provider + "/" + Model;
}

/// <summary>
/// Asks an agent's models in order (the primary, then <c>agents.&lt;id&gt;.fallbacks</c>), moving on when one fails
/// before anything streamed; the answer's <see cref="ProviderMetadata.ModelReferenceKey"/> property names the configured
/// <c>&lt;provider&gt;/&lt;model&gt;</c> that answered (on a response, and on a stream's first update).
/// </summary>
/// <remarks>
/// A target whose circuit is open is skipped without a call, even when it is the last one left: a dead provider is
/// not hammered, and its fail-fast error would be the same. A request the provider rejected (400-type: prompt too
/// long, unknown model) does not fail over, since every model would reject it or the configuration is wrong. When
/// every target fails, the error is the last real failure (one from a provider that was called; a circuit-open skip
/// only when nothing was called), with a message naming every provider tried. After a streamed answer's first content
/// nothing fails over: the user has seen tokens. The targets' clients are not disposed by this client.
/// </remarks>
internal sealed class FailoverChatClient : IChatClient
{
    private readonly IReadOnlyList<FailoverTarget> _chain;
    private readonly ILogger _logger;

    /// <summary>Creates the client over <paramref name="chain"/> (at least one target; the primary first).</summary>
    public FailoverChatClient(IReadOnlyList<FailoverTarget> chain, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(logger);
        if (chain.Count == 0)
        {
            throw new ArgumentException("A failover chain needs at least one model.", nameof(chain));
        }

        _chain = chain;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var tries = new Tries(_chain.Count);
        for (var i = 0; i < _chain.Count; i++)
        {
            var target = _chain[i];
            if (Skip(target, tries))
            {
                continue;
            }

            try
            {
                var response = await target.Client.GetResponseAsync(list, WithModel(options, target), cancellationToken).ConfigureAwait(false);
                response.ModelId ??= target.Model;
                (response.AdditionalProperties ??= [])[ProviderMetadata.ModelReferenceKey] = target.Reference;
                return response;
            }
            catch (ProviderException ex) when (ex.AllowsFailover)
            {
                // A caller who gave up meanwhile gets a cancellation, not the next model.
                cancellationToken.ThrowIfCancellationRequested();
                tries.Failed(target, ex);
                LogFailover(i, ex);
            }
        }

        throw tries.Error();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var tries = new Tries(_chain.Count);
        for (var i = 0; i < _chain.Count; i++)
        {
            var target = _chain[i];
            if (Skip(target, tries))
            {
                continue;
            }

            var held = new List<ChatResponseUpdate>();
            var (updates, failure) = await OpenToFirstContentAsync(target, list, options, held, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tries.Failed(target, failure);
                LogFailover(i, failure);
                continue;
            }

            // Committed to this target: whatever happens next reaches the caller as it is.
            try
            {
                if (held.Count > 0)
                {
                    (held[0].AdditionalProperties ??= [])[ProviderMetadata.ModelReferenceKey] = target.Reference;
                }

                foreach (var update in held)
                {
                    update.ModelId ??= target.Model;
                    yield return update;
                }

                while (updates is not null && await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    var update = updates.Current;
                    update.ModelId ??= target.Model;
                    yield return update;
                }

                yield break;
            }
            finally
            {
                if (updates is not null)
                {
                    await updates.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        throw tries.Error();
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _chain[0].Client.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The targets' clients belong to whoever built the chain (they are shared per provider).
    }

    /// <summary>
    /// Opens the target's stream and reads up to its first update with content (into <paramref name="held"/>); returns
    /// the stream to read on (<see langword="null"/> when it already ended), or the failure that allows failover (the
    /// stream then closed). Any other exception is thrown.
    /// </summary>
    private static async ValueTask<(IAsyncEnumerator<ChatResponseUpdate>? Updates, ProviderException? Failure)> OpenToFirstContentAsync(
        FailoverTarget target, IList<ChatMessage> messages, ChatOptions? options, List<ChatResponseUpdate> held, CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            updates = target.Client.GetStreamingResponseAsync(messages, WithModel(options, target), cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
                held.Add(updates.Current);
                if (StreamedContent.IsVisible(updates.Current))
                {
                    return (updates, null);
                }
            }

            await updates.DisposeAsync().ConfigureAwait(false);
            return (null, null);
        }
        catch (ProviderException ex) when (ex.AllowsFailover)
        {
            await CloseQuietlyAsync(updates).ConfigureAwait(false);
            return (null, ex);
        }
        catch
        {
            await CloseQuietlyAsync(updates).ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask CloseQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate>? updates)
    {
        if (updates is null)
        {
            return;
        }

        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The stream already failed; failing to close it changes nothing for the caller.
        }
    }

    private static ChatOptions WithModel(ChatOptions? options, FailoverTarget target)
    {
        var clone = options?.Clone() ?? new ChatOptions();
        clone.ModelId = target.Model;
        return clone;
    }

    private bool Skip(FailoverTarget target, Tries tries)
    {
        var left = target.Circuit.RemainingBreak;
        if (left <= TimeSpan.Zero)
        {
            return false;
        }

        ResilienceLog.SkippingOpenCircuit(_logger, target.Provider, target.Model, Math.Ceiling(left.TotalSeconds));
        tries.Skipped(target, target.Circuit.OpenError());
        return true;
    }

    private void LogFailover(int failedIndex, ProviderException failure)
    {
        if (failedIndex + 1 < _chain.Count)
        {
            var failed = _chain[failedIndex];
            var next = _chain[failedIndex + 1];
            ResilienceLog.FailingOver(_logger, failed.Provider, failed.Model, failure.Failure, failure.Status, next.Provider, next.Model);
        }
    }

    /// <summary>What happened to each target so far, and the error to throw when all failed.</summary>
    private sealed class Tries(int capacity)
    {
        private readonly List<(FailoverTarget Target, ProviderException Error, bool Called)> _tries = new(capacity);

        public void Failed(FailoverTarget target, ProviderException error) => _tries.Add((target, error, true));

        public void Skipped(FailoverTarget target, ProviderException error) => _tries.Add((target, error, false));

        public ProviderException Error()
        {
            var last = _tries.FindLast(t => t.Called);
            var chosen = last.Error ?? _tries[^1].Error;
            if (_tries.Count == 1)
            {
                return chosen;
            }

            var text = new StringBuilder("every model failed (tried ");
            for (var i = 0; i < _tries.Count; i++)
            {
                var (target, error, called) = _tries[i];
                text.Append(i == 0 ? "" : ", ").Append(target.Provider).Append('/').Append(target.Model).Append(": ")
                    .Append(called ? Describe(error) : "circuit open, not called");
            }

            text.Append("); last error: ").Append(chosen.Message);
            return new ProviderException(chosen.Provider, chosen.Failure, text.ToString(), chosen.Status, chosen.RetryAfter, chosen);
        }

        private static string Describe(ProviderException error) =>
            error.Status is { } status ? $"{error.Failure} (HTTP {status})" : error.Failure.ToString();
    }
}
