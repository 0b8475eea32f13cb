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

namespace OpenClaw.Providers.Resilience
{
    public sealed record ProviderTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan Stall)
    {
        public static ProviderTimeouts From(ProviderTimeoutOptions options) => throw new NotImplementedException();
    }

    public static class ProviderHttp
    {
        public static HttpClient CreateClient(string providerName, ProviderTimeouts timeouts, TimeProvider time) => throw new NotImplementedException();
    }

    public sealed class ProviderCircuit(string providerName, TimeProvider time)
    {
        public bool IsOpen => false;
    }

    public sealed class ResilientChatClient(IChatClient inner, string providerName, int maxRetries, ProviderCircuit circuit, TimeProvider time, ILogger logger) : DelegatingChatClient(inner)
    {
    }

    public sealed record FailoverTarget(string Provider, string Model, IChatClient Client, ProviderCircuit Circuit);

    public sealed class FailoverChatClient(IReadOnlyList<FailoverTarget> chain, ILogger logger) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
