using OpenClaw.Channels;
using OpenClaw.Channels.Pairing;
using OpenClaw.Gateway.Channels;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>channels.list</c>, <c>.status</c>, <c>.probe</c> and <c>pairing.list</c>, <c>.approve</c>, <c>.reject</c> (docs/channels.md).</summary>
internal sealed class ChannelsMethods(ChannelRegistry channels, PairingGate pairing, LiveConfig config) : IRpcMethodGroup
{
    public void Register(RpcMethodTable table)
    {
        table.Add("channels.list", MethodRoles.For("channels.list"), GatewayJsonContext.Default.RpcEmpty, GatewayJsonContext.Default.ChannelsListResult,
            (_, _, _) => ValueTask.FromResult(new ChannelsListResult(channels.Statuses(config.Current))));
        table.Add("channels.status", MethodRoles.For("channels.status"), GatewayJsonContext.Default.RpcEmpty, GatewayJsonContext.Default.ChannelsListResult,
            (_, _, _) => ValueTask.FromResult(new ChannelsListResult(channels.Statuses(config.Current))));
        table.Add("channels.probe", MethodRoles.For("channels.probe"), GatewayJsonContext.Default.ChannelsProbeParams, GatewayJsonContext.Default.ChannelStatus, ProbeAsync);
        table.Add("pairing.list", MethodRoles.For("pairing.list"), GatewayJsonContext.Default.PairingListParams, GatewayJsonContext.Default.PairingListResult, List);
        table.Add("pairing.approve", MethodRoles.For("pairing.approve"), GatewayJsonContext.Default.PairingDecisionParams, GatewayJsonContext.Default.PairingDecisionResult,
            (p, _, ct) => DecideAsync(p, approve: true, ct));
        table.Add("pairing.reject", MethodRoles.For("pairing.reject"), GatewayJsonContext.Default.PairingDecisionParams, GatewayJsonContext.Default.PairingDecisionResult,
            (p, _, ct) => DecideAsync(p, approve: false, ct));
    }

    private async ValueTask<ChannelStatus> ProbeAsync(ChannelsProbeParams p, RpcContext context, CancellationToken cancellationToken)
    {
        if (channels.Find(p.ChannelId) is { } adapter)
        {
            return await adapter.ProbeAsync(cancellationToken);
        }

        return p.ChannelId == "telegram"
            ? ChannelRegistry.Disabled("telegram", config.Current.Channels.Telegram.Enabled)
            : throw RpcException.NotFound($"No channel '{p.ChannelId}'; channels.list shows the channels there are.");
    }

    private ValueTask<PairingListResult> List(PairingListParams p, RpcContext context, CancellationToken cancellationToken)
    {
        RequireAvailable();
        return ValueTask.FromResult(new PairingListResult(
            [.. pairing.Store.ListPending(p.Channel).Select(PairingCodeInfo.Of)],
            [.. pairing.Store.ListApproved(p.Channel).Select(PairedSenderInfo.Of)]));
    }

    private async ValueTask<PairingDecisionResult> DecideAsync(PairingDecisionParams p, bool approve, CancellationToken cancellationToken)
    {
        RequireAvailable();
        if (string.IsNullOrWhiteSpace(p.Code) || p.Code.Length > 64)
        {
            throw RpcException.InvalidParams("Invalid params: code must be the pairing code the sender was given (8 characters).", "code");
        }

        var pending = approve
            ? await pairing.Store.ApproveAsync(p.Channel, p.Code, cancellationToken)
            : await pairing.Store.RejectAsync(p.Channel, p.Code, cancellationToken);
        if (pending is null)
        {
            throw RpcException.NotFound(
                $"No pending pairing code '{p.Code.Trim()}' on channel '{p.Channel}'; codes expire after an hour, and pairing.list shows the valid ones.");
        }

        if (channels.Find(pending.Channel) is { } adapter)
        {
            var notice = approve
                ? "You are paired with this assistant now. Send a message to start."
                : "Your pairing request was declined.";
            try
            {
                await adapter.SendTextAsync(pending.ChatId, notice, null, cancellationToken);
            }
            catch (ChannelDeliveryException)
            {
                // The decision stands; the sender learns it on their next message.
            }
        }

        return new PairingDecisionResult(pending.Channel, pending.SenderId, pending.SenderName, approve ? "approved" : "rejected");
    }

    private void RequireAvailable()
    {
        if (!pairing.IsAvailable)
        {
            throw new RpcException(RpcErrorCodes.InternalError, "Pairing is unavailable: " + (pairing.Problem ?? "the gateway is still starting."));
        }
    }
}

/// <summary>The result of <c>channels.list</c> and <c>channels.status</c>.</summary>
internal sealed record ChannelsListResult(IReadOnlyList<ChannelStatus> Channels);

/// <summary>The params of <c>channels.probe</c>.</summary>
internal sealed record ChannelsProbeParams(string ChannelId);

/// <summary>The params of <c>pairing.list</c>.</summary>
internal sealed record PairingListParams(string? Channel = null);

/// <summary>The params of <c>pairing.approve</c> and <c>pairing.reject</c>.</summary>
internal sealed record PairingDecisionParams(string Channel, string Code);

/// <summary>The result of <c>pairing.approve</c> and <c>pairing.reject</c>.</summary>
internal sealed record PairingDecisionResult(string Channel, string SenderId, string? SenderName, string Decision);

/// <summary>A pending code in <c>pairing.list</c>.</summary>
internal sealed record PairingCodeInfo(string Channel, string Code, string SenderId, string? SenderName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public static PairingCodeInfo Of(PendingPairing p) => new(p.Channel, p.Code, p.SenderId, p.SenderName, p.CreatedAt, p.ExpiresAt);
}

/// <summary>A paired sender in <c>pairing.list</c>.</summary>
internal sealed record PairedSenderInfo(string Channel, string SenderId, string? SenderName, DateTimeOffset ApprovedAt)
{
    public static PairedSenderInfo Of(PairedSender p) => new(p.Channel, p.SenderId, p.SenderName, p.ApprovedAt);
}

/// <summary>The result of <c>pairing.list</c>.</summary>
internal sealed record PairingListResult(IReadOnlyList<PairingCodeInfo> Pending, IReadOnlyList<PairedSenderInfo> Paired);
