using System.Text.Json.Serialization;
using OpenClaw.Gateway.Health;
using OpenClaw.Gateway.Methods;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Rpc;

/// <summary>Source-generated JSON for the gateway (one context for the project): method params and results, /health.</summary>
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
[JsonSerializable(typeof(ConnectParams))]
[JsonSerializable(typeof(ConnectResult))]
[JsonSerializable(typeof(LoginParams))]
[JsonSerializable(typeof(RefreshParams))]
[JsonSerializable(typeof(TokenPairResult))]
[JsonSerializable(typeof(MeResult))]
[JsonSerializable(typeof(UsersResult))]
[JsonSerializable(typeof(UserResult))]
[JsonSerializable(typeof(CreateUserParams))]
[JsonSerializable(typeof(UpdateUserParams))]
[JsonSerializable(typeof(DeleteUserParams))]
[JsonSerializable(typeof(ModelsListParams))]
[JsonSerializable(typeof(IReadOnlyList<OpenClaw.Providers.Registry.ModelListing>))]
[JsonSerializable(typeof(UsageSummaryParams))]
[JsonSerializable(typeof(UsageSummaryResult))]
[JsonSerializable(typeof(ChatSendParams))]
[JsonSerializable(typeof(ChatSendResult))]
[JsonSerializable(typeof(ChatAbortParams))]
[JsonSerializable(typeof(ChatAbortResult))]
[JsonSerializable(typeof(ChatHistoryParams))]
[JsonSerializable(typeof(ChatHistoryResult))]
[JsonSerializable(typeof(AgentsListResult))]
[JsonSerializable(typeof(AgentsGetParams))]
[JsonSerializable(typeof(AgentInfo))]
[JsonSerializable(typeof(ToolsListParams))]
[JsonSerializable(typeof(IReadOnlyList<ToolInfo>))]
[JsonSerializable(typeof(ToolsExecuteParams))]
[JsonSerializable(typeof(ToolsExecuteResult))]
[JsonSerializable(typeof(ApprovalsListResult))]
[JsonSerializable(typeof(ApprovalsResolveParams))]
[JsonSerializable(typeof(ApprovalsResolveResult))]
[JsonSerializable(typeof(OpenClaw.Channels.ChannelStatus))]
[JsonSerializable(typeof(ChannelsListResult))]
[JsonSerializable(typeof(ChannelsProbeParams))]
[JsonSerializable(typeof(PairingListParams))]
[JsonSerializable(typeof(PairingListResult))]
[JsonSerializable(typeof(PairingDecisionParams))]
[JsonSerializable(typeof(PairingDecisionResult))]
[JsonSerializable(typeof(OpenClaw.Gateway.Channels.DeliveryFailure))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
