// TEMPORARY: stands in for the helpers' types until their branches merge. Deleted at merge.
#pragma warning disable
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;

namespace OpenClaw.Providers.Anthropic
{
    public sealed class AnthropicChatClient(ProviderEndpoint endpoint, string? defaultModelId = null) : IChatClient, IModelCatalog
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
        public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    }
}

