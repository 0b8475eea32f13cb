using OpenClaw.Providers.Resilience;

namespace OpenClaw.Providers.Tests.Resilience;

public sealed class ProviderMetadataTests
{
    [Fact]
    public void The_resilience_layer_exposes_only_the_model_reference_key_to_other_projects()
    {
        var exported = typeof(ProviderMetadata).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(ProviderMetadata).Namespace)
            .Select(t => t.Name);

        Assert.Equal([nameof(ProviderMetadata)], exported);
    }

    [Fact]
    public void The_model_reference_key_is_the_documented_name()
    {
        Assert.Equal("openclaw.model", ProviderMetadata.ModelReferenceKey);
    }
}
