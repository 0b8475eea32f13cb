using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Core.Events;

namespace OpenClaw.Gateway.Methods;

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
