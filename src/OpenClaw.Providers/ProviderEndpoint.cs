using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenClaw.Providers;

/// <summary>Everything a provider client needs to reach one configured provider.</summary>
public sealed record ProviderEndpoint
{
    /// <summary>The provider's name (its key under <c>providers</c>); errors name it.</summary>
    public required string Name { get; init; }

    /// <summary>The API base URL (for OpenAI-style APIs it includes <c>/v1</c>; for Anthropic it does not).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The HTTP client: its handler applies the connect, first-byte and stall timeouts. Not disposed by the client.</summary>
    public required HttpClient Http { get; init; }

    /// <summary>The key or login.</summary>
    public required IProviderCredential Credential { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the client logs (never keys, tokens or prompt text).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
