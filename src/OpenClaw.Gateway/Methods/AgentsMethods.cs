using System.Text.Json;
using OpenClaw.Agents.Approvals;
using OpenClaw.Agents.Runtime;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>agents.list</c>, <c>agents.get</c>, <c>tools.list</c>, <c>tools.execute</c>, <c>approvals.list</c>, <c>approvals.resolve</c>.</summary>
internal sealed class AgentsMethods(AgentRuntime runtime, ApprovalBroker approvals, LiveConfig config) : IRpcMethodGroup
{
    public void Register(RpcMethodTable table)
    {
        table.Add("agents.list", MethodRoles.For("agents.list"), GatewayJsonContext.Default.RpcEmpty, GatewayJsonContext.Default.AgentsListResult,
            (_, _, _) => ValueTask.FromResult(new AgentsListResult([.. config.Current.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(Describe)])));
        table.Add("agents.get", MethodRoles.For("agents.get"), GatewayJsonContext.Default.AgentsGetParams, GatewayJsonContext.Default.AgentInfo,
            (p, _, _) => ValueTask.FromResult(Describe(config.Current.Agents.TryGetValue(p.AgentId, out var agent)
                ? agent
                : throw RpcException.NotFound($"No agent '{p.AgentId}'; agents.list shows the configured ones."))));
        table.Add("tools.list", MethodRoles.For("tools.list"), GatewayJsonContext.Default.ToolsListParams, GatewayJsonContext.Default.IReadOnlyListToolInfo, ListTools);
        table.Add("tools.execute", MethodRoles.For("tools.execute"), GatewayJsonContext.Default.ToolsExecuteParams, GatewayJsonContext.Default.ToolsExecuteResult, ExecuteAsync);
        table.Add("approvals.list", MethodRoles.For("approvals.list"), GatewayJsonContext.Default.RpcEmpty, GatewayJsonContext.Default.ApprovalsListResult,
            (_, _, _) => ValueTask.FromResult(new ApprovalsListResult([.. approvals.List().Select(ApprovalInfo.Of)])));
        table.Add("approvals.resolve", MethodRoles.For("approvals.resolve"), GatewayJsonContext.Default.ApprovalsResolveParams, GatewayJsonContext.Default.ApprovalsResolveResult, Resolve);
    }

    private ValueTask<IReadOnlyList<ToolInfo>> ListTools(ToolsListParams p, RpcContext context, CancellationToken cancellationToken)
    {
        IEnumerable<IAgentTool> tools = runtime.Tools.All;
        if (p.AgentId is not null)
        {
            var agent = config.Current.Agents.GetValueOrDefault(p.AgentId)
                ?? throw RpcException.NotFound($"No agent '{p.AgentId}'; agents.list shows the configured ones.");
            tools = runtime.Tools.For(agent);
        }

        return ValueTask.FromResult<IReadOnlyList<ToolInfo>>([.. tools.Select(t => new ToolInfo(t.Name, t.Description, t.Schema.Document, t.IsDangerous))]);
    }

    private async ValueTask<ToolsExecuteResult> ExecuteAsync(ToolsExecuteParams p, RpcContext context, CancellationToken cancellationToken)
    {
        SessionKey? key = null;
        if (p.SessionKey is not null)
        {
            key = SessionKey.TryParse(p.SessionKey, out var parsed, out var error)
                ? parsed
                : throw RpcException.InvalidParams("Invalid params: sessionKey: " + error, "sessionKey");
        }

        var outcome = await runtime.ExecuteToolAsync(p.Tool, p.Params, key, cancellationToken);
        return new ToolsExecuteResult(outcome.Success, outcome.Result, outcome.Error);
    }

    private ValueTask<ApprovalsResolveResult> Resolve(ApprovalsResolveParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var allow = p.Decision switch
        {
            "allow" => true,
            "deny" => false,
            _ => throw RpcException.InvalidParams("Invalid params: decision must be \"allow\" or \"deny\".", "decision"),
        };
        var approval = approvals.Resolve(p.ApprovalId, allow);
        return ValueTask.FromResult(new ApprovalsResolveResult(approval.ApprovalId, p.Decision, approval.Tool, approval.ToolCallId));
    }

    private AgentInfo Describe(AgentOptions agent) => new(
        agent.Id,
        agent.Model,
        agent.ProviderName,
        agent.Fallbacks,
        agent.SystemPrompt,
        agent.MaxTokens,
        agent.Temperature,
        agent.MaxTurns,
        agent.TurnTimeoutSeconds,
        agent.ContextTokens,
        agent.Workspace,
        new AgentToolsInfo(agent.Tools.Allow, agent.Tools.Deny, ApprovalName(agent.Tools.Approval), agent.Tools.WebFetch.Enabled, [.. runtime.Tools.For(agent).Select(t => t.Name)]),
        new AgentSandboxInfo(LevelName(agent.Sandbox.Level), agent.Sandbox.TimeoutSeconds, agent.Sandbox.CpuSeconds, agent.Sandbox.MemoryMb, agent.Sandbox.MaxProcesses, agent.Sandbox.MaxOutputBytes));

    private static string ApprovalName(ToolApproval approval) => approval switch
    {
        ToolApproval.Never => "never",
        ToolApproval.Always => "always",
        _ => "dangerous",
    };

    private static string LevelName(SandboxLevel level) => level switch
    {
        SandboxLevel.None => "none",
        SandboxLevel.Relaxed => "relaxed",
        _ => "strict",
    };
}

/// <summary>The result of <c>agents.list</c>.</summary>
internal sealed record AgentsListResult(IReadOnlyList<AgentInfo> Agents);

/// <summary>The params of <c>agents.get</c>.</summary>
internal sealed record AgentsGetParams(string AgentId);

/// <summary>One agent's configuration as clients see it (never a key).</summary>
internal sealed record AgentInfo(
    string Id,
    string Model,
    string Provider,
    IReadOnlyList<string> Fallbacks,
    string SystemPrompt,
    int MaxTokens,
    double Temperature,
    int MaxTurns,
    int TurnTimeoutSeconds,
    int ContextTokens,
    string Workspace,
    AgentToolsInfo Tools,
    AgentSandboxInfo Sandbox);

/// <summary>An agent's tool policy and the tools it may call.</summary>
internal sealed record AgentToolsInfo(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, string Approval, bool WebFetch, IReadOnlyList<string> Available);

/// <summary>An agent's sandbox.</summary>
internal sealed record AgentSandboxInfo(string Level, int TimeoutSeconds, int CpuSeconds, int MemoryMb, int MaxProcesses, int MaxOutputBytes);

/// <summary>The params of <c>tools.list</c>: with <c>agentId</c>, only the tools that agent may call.</summary>
internal sealed record ToolsListParams(string? AgentId = null);

/// <summary>One tool as <c>tools.list</c> shows it.</summary>
internal sealed record ToolInfo(string Name, string Description, JsonElement InputSchema, bool Dangerous);

/// <summary>The params of <c>tools.execute</c>.</summary>
internal sealed record ToolsExecuteParams(string Tool, JsonElement Params, string? SessionKey = null);

/// <summary>The result of <c>tools.execute</c>.</summary>
internal sealed record ToolsExecuteResult(bool Success, JsonElement? Result, string? Error = null);

/// <summary>The result of <c>approvals.list</c>.</summary>
internal sealed record ApprovalsListResult(IReadOnlyList<ApprovalInfo> Approvals);

/// <summary>A waiting approval.</summary>
internal sealed record ApprovalInfo(string ApprovalId, string SessionKey, string RunId, string ToolCallId, string Tool, JsonElement Params, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt)
{
    public static ApprovalInfo Of(PendingApproval a) =>
        new(a.ApprovalId, a.SessionKey.ToString(), a.RunId, a.ToolCallId, a.Tool, a.Params, a.RequestedAt, a.ExpiresAt);
}

/// <summary>The params of <c>approvals.resolve</c>.</summary>
internal sealed record ApprovalsResolveParams(string ApprovalId, string Decision);

/// <summary>The result of <c>approvals.resolve</c>.</summary>
internal sealed record ApprovalsResolveResult(string ApprovalId, string Decision, string Tool, string ToolCallId);
