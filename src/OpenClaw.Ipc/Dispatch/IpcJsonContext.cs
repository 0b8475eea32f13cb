using System.Text.Json.Serialization;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>Source-generated JSON for the dispatcher's own types.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RpcEmpty))]
[JsonSerializable(typeof(RpcMethodInfo))]
[JsonSerializable(typeof(IReadOnlyList<RpcMethodInfo>))]
public sealed partial class IpcJsonContext : JsonSerializerContext;
