using System.Text.Json.Serialization;
using OpenClaw.Gateway.Health;
using OpenClaw.Gateway.Methods;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>Source-generated JSON for the gateway's method params and results.</summary>
/// <remarks>
/// Unknown members are refused and nullable annotations respected, so params binding reports the exact field
/// (PROTOCOL.md: unknown or mistyped fields are <c>-32602</c> naming the field).
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(VersionResult))]
[JsonSerializable(typeof(StatusResult))]
[JsonSerializable(typeof(IReadOnlyList<RpcMethodInfo>))]
[JsonSerializable(typeof(RpcEmpty))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
