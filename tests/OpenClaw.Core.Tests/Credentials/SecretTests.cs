using System.Text.Json;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.Tests.Credentials;

public sealed class SecretTests
{
    private sealed record ProviderSettings(string Name, Secret ApiKey);

    [Fact]
    public void ToString_AndInterpolation_ShowOnlyTheRedactedMarker()
    {
        var secret = new Secret("sk-live-123");

        Assert.Equal("***", secret.ToString());
        Assert.Equal("key=***", $"key={secret}");
        Assert.DoesNotContain("sk-live", new ProviderSettings("openai", secret).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_ObjectHoldingASecret_WritesTheRedactedMarker()
    {
        var json = JsonSerializer.Serialize(new ProviderSettings("openai", new Secret("sk-live-123")));

        Assert.Equal("{\"Name\":\"openai\",\"ApiKey\":\"***\"}", json);
    }

    [Fact]
    public void Deserialize_SecretFromJson_IsRefused()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Secret>("\"sk-live-123\""));

        Assert.Contains("credential store", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_ComparesValuesButHashCodeRevealsNothing()
    {
        Assert.Equal(new Secret("a"), new Secret("a"));
        Assert.NotEqual(new Secret("a"), new Secret("b"));
        Assert.Equal(new Secret("a").GetHashCode(), new Secret("zzz").GetHashCode());
        Assert.Equal("sk", new Secret("sk").Reveal());
    }
}
