namespace OpenClaw.Providers;

/// <summary>A provider client that can list the provider's models (Anthropic and OpenAI <c>GET /models</c>).</summary>
public interface IModelCatalog
{
    /// <summary>The model ids the provider offers, in the provider's order.</summary>
    /// <exception cref="ProviderException">The listing failed, or the endpoint has none (<see cref="ProviderFailure.Rejected"/> with status 404).</exception>
    Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken);
}
