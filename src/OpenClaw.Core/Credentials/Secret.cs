using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenClaw.Core.Credentials;

/// <summary>
/// A secret value (API key, token, password). Its <see cref="ToString"/> and its JSON form are redacted, so a secret
/// that ends up in a log line, an exception or a serialised object shows as <c>***</c>.
/// </summary>
/// <remarks>Only <see cref="Reveal"/> gives the value; call it at the one place that must send the secret.</remarks>
[JsonConverter(typeof(SecretJsonConverter))]
public sealed class Secret : IEquatable<Secret>
{
    /// <summary>What every redacted form shows.</summary>
    public const string Redacted = "***";

    private readonly string _value;

    /// <summary>Wraps a secret value.</summary>
    public Secret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>The secret itself. Never log or echo it.</summary>
    public string Reveal() => _value;

    /// <inheritdoc />
    public override string ToString() => Redacted;

    /// <summary>Constant-time comparison, so a check against a secret leaks no timing.</summary>
    public bool Equals(Secret? other) =>
        other is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(_value), System.Text.Encoding.UTF8.GetBytes(other._value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => 0; // a hash of the value would leak information about it
}

/// <summary>Writes every <see cref="Secret"/> as <c>"***"</c>; reading one from JSON is refused.</summary>
internal sealed class SecretJsonConverter : JsonConverter<Secret>
{
    public override Secret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("secrets are not read from JSON; use the credential store.");

    public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Secret.Redacted);
}
