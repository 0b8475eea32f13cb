using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events;

/// <summary>Source-generated JSON for events, summaries and projections (camelCase, RFC 3339 UTC times).</summary>
/// <remarks>Combine it into a gateway's resolver chain; the <c>type</c> discriminator may appear anywhere in an object.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    UseStringEnumConverter = true,
    Converters = [
        typeof(SessionKeyJsonConverter),
        typeof(AgentIdJsonConverter),
        typeof(ChannelIdJsonConverter),
        typeof(PeerIdJsonConverter),
        typeof(UtcTimestampJsonConverter)])]
[JsonSerializable(typeof(SessionEvent))]
[JsonSerializable(typeof(IReadOnlyList<SessionEvent>))]
[JsonSerializable(typeof(SessionSummary))]
[JsonSerializable(typeof(SessionPage))]
[JsonSerializable(typeof(IReadOnlyList<SessionSearchHit>))]
[JsonSerializable(typeof(SessionStats))]
[JsonSerializable(typeof(SessionProjection))]
public sealed partial class EventJsonContext : JsonSerializerContext;

internal sealed class SessionKeyJsonConverter : JsonConverter<SessionKey>
{
    public override SessionKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SessionKey.TryParse(reader.GetString(), out var key, out var error) ? key : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, SessionKey value, JsonSerializerOptions options)
    {
        // Every stored event writes its key: compose it on the stack (same text as SessionKey.ToString) instead of
        // allocating a string per event.
        const string prefix = "agent:";
        if (value.Id is null || prefix.Length + value.Agent.Value.Length + value.Channel.Value.Length + value.Peer.Value.Length + value.Id.Length + 3 > 512)
        {
            writer.WriteStringValue(value.ToString());
            return;
        }

        Span<char> buffer = stackalloc char[512];
        var length = 0;
        Append(buffer, ref length, prefix);
        Append(buffer, ref length, value.Agent.Value);
        buffer[length++] = ':';
        Append(buffer, ref length, value.Channel.Value);
        buffer[length++] = ':';
        Append(buffer, ref length, value.Peer.Value);
        buffer[length++] = ':';
        Append(buffer, ref length, value.Id);
        writer.WriteStringValue(buffer[..length]);
    }

    private static void Append(Span<char> buffer, ref int length, string part)
    {
        part.CopyTo(buffer[length..]);
        length += part.Length;
    }
}

internal sealed class AgentIdJsonConverter : JsonConverter<AgentId>
{
    public override AgentId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdFormat.TryValidate("agent id", reader.GetString(), out var error) ? AgentId.From(reader.GetString()!) : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, AgentId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

internal sealed class ChannelIdJsonConverter : JsonConverter<ChannelId>
{
    public override ChannelId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdFormat.TryValidate("channel id", reader.GetString(), out var error) ? ChannelId.From(reader.GetString()!) : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, ChannelId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

internal sealed class PeerIdJsonConverter : JsonConverter<PeerId>
{
    public override PeerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdFormat.TryValidate("peer id", reader.GetString(), out var error) ? PeerId.From(reader.GetString()!) : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, PeerId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

/// <summary>Writes every time as RFC 3339 UTC with a <c>Z</c> and full precision, so it round-trips exactly.</summary>
internal sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[40];
        value.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
