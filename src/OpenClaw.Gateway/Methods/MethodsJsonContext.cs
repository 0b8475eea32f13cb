using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Core.Events;

namespace OpenClaw.Gateway.Methods;

/// <summary>Source-generated JSON for the sessions, events and config methods' params and results.</summary>
/// <remarks>
/// The same options as <c>GatewayJsonContext</c>: unknown params fields are refused and nullable annotations respected,
/// so a bad field is reported by name. Core's event types inside a result are written by <see cref="EventJsonContext"/>.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionsCreateParams))]
[JsonSerializable(typeof(SessionsListParams))]
[JsonSerializable(typeof(SessionsGetParams))]
[JsonSerializable(typeof(SessionsEventsParams))]
[JsonSerializable(typeof(SessionsSearchParams))]
[JsonSerializable(typeof(SessionsForkParams))]
[JsonSerializable(typeof(SessionsEndParams))]
[JsonSerializable(typeof(SessionKeyResult))]
[JsonSerializable(typeof(SessionsEventsResult))]
[JsonSerializable(typeof(SessionsSearchResult))]
[JsonSerializable(typeof(SessionsEndResult))]
[JsonSerializable(typeof(EventsTopicsParams))]
[JsonSerializable(typeof(EventsTopicsResult))]
[JsonSerializable(typeof(ConfigGetParams))]
[JsonSerializable(typeof(ConfigGetResult))]
[JsonSerializable(typeof(ConfigValidateParams))]
[JsonSerializable(typeof(ConfigValidateResult))]
[JsonSerializable(typeof(ConfigSetParams))]
[JsonSerializable(typeof(ConfigSetResult))]
internal sealed partial class MethodsJsonContext : JsonSerializerContext;

/// <summary>Writes a list of session events exactly as <see cref="EventJsonContext"/> does.</summary>
internal sealed class SessionEventListJsonConverter : JsonConverter<IReadOnlyList<SessionEvent>>
{
    public override IReadOnlyList<SessionEvent>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, EventJsonContext.Default.IReadOnlyListSessionEvent);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<SessionEvent> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, EventJsonContext.Default.IReadOnlyListSessionEvent);
}

/// <summary>Writes a list of search hits exactly as <see cref="EventJsonContext"/> does.</summary>
internal sealed class SearchHitListJsonConverter : JsonConverter<IReadOnlyList<SessionSearchHit>>
{
    public override IReadOnlyList<SessionSearchHit>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, EventJsonContext.Default.IReadOnlyListSessionSearchHit);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<SessionSearchHit> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, EventJsonContext.Default.IReadOnlyListSessionSearchHit);
}
