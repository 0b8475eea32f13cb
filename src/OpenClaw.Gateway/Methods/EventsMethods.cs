using OpenClaw.Gateway.Events;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary>
/// <c>events.subscribe</c> and <c>events.unsubscribe</c>: which topics a WebSocket receives <c>event</c> notifications for.
/// </summary>
/// <remarks>A viewer may subscribe to every topic: it may read every session anyway.</remarks>
internal sealed class EventsMethods(EventHub hub) : IRpcMethodGroup
{
    public void Register(RpcMethodTable table)
    {
        table.Add("events.subscribe", MethodRoles.For("events.subscribe"), GatewayJsonContext.Default.EventsTopicsParams,
            GatewayJsonContext.Default.EventsTopicsResult, (p, context, _) =>
            {
                if (!context.Connection.CanPush)
                {
                    throw new RpcException(RpcErrorCodes.InvalidRequest,
                        "events.subscribe needs a WebSocket (GET /ws): this transport cannot push notifications.");
                }

                var topics = hub.Subscribe(context.Connection, MaskOf(p.Topics));
                if (context.Connection is WebSocketRpcConnection { Closed.IsCancellationRequested: true })
                {
                    // The socket closed while this call ran (its Closed event may already have fired): keep nothing.
                    hub.Forget(context.Connection);
                }

                return ValueTask.FromResult(new EventsTopicsResult(EventHub.NamesOf(topics)));
            });
        table.Add("events.unsubscribe", MethodRoles.For("events.unsubscribe"), GatewayJsonContext.Default.EventsTopicsParams,
            GatewayJsonContext.Default.EventsTopicsResult, (p, context, _) =>
                ValueTask.FromResult(new EventsTopicsResult(EventHub.NamesOf(hub.Unsubscribe(context.Connection, MaskOf(p.Topics))))));
    }

    // Absent means every topic; an empty list means none.
    private static int MaskOf(IReadOnlyList<string>? topics)
    {
        if (topics is null)
        {
            return EventHub.MaskOf(EventHub.SessionsTopic) | EventHub.MaskOf(EventHub.ChatTopic)
                | EventHub.MaskOf(EventHub.ChannelsTopic) | EventHub.MaskOf(EventHub.SystemTopic);
        }

        var mask = 0;
        foreach (var topic in topics)
        {
            var bit = EventHub.MaskOf(topic);
            if (bit == 0)
            {
                throw RpcException.InvalidParams(
                    $"Invalid params: topics: '{(topic.Length > 64 ? topic[..64] + "…" : topic)}' is not a topic; use any of {string.Join(", ", EventHub.AllTopics)}.",
                    "topics");
            }

            mask |= bit;
        }

        return mask;
    }
}

/// <summary>The params of <c>events.subscribe</c> and <c>events.unsubscribe</c>; absent topics mean all of them.</summary>
internal sealed record EventsTopicsParams(IReadOnlyList<string>? Topics = null);

/// <summary>The topics the connection is subscribed to after the call.</summary>
internal sealed record EventsTopicsResult(IReadOnlyList<string> Topics);
