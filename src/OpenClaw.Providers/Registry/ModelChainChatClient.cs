using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Registry;

/// <summary>An <see cref="IChatClient"/> over a model chain that is read again for every request, so live config edits apply.</summary>
internal sealed class ModelChainChatClient(ProviderRegistry registry, Func<IReadOnlyList<string>> models) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        registry.Chain(models()).GetResponseAsync(messages, options, cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in registry.Chain(models()).GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
        // The registry owns the provider clients.
    }
}
