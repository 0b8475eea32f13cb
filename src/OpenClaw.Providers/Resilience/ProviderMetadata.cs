namespace OpenClaw.Providers.Resilience;

/// <summary>Keys the provider layer adds to answers' <c>AdditionalProperties</c>.</summary>
public static class ProviderMetadata
{
    /// <summary>
    /// The configured <c>&lt;provider&gt;/&lt;model&gt;</c> of the chain entry that answered (a string), on a
    /// <c>ChatResponse</c> and on the first update of a stream; the provider's own (often dated) model id stays in <c>ModelId</c>.
    /// </summary>
    public const string ModelReferenceKey = "openclaw.model";
}
