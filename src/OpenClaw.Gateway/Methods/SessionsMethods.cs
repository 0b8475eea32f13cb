using System.Text.Json.Serialization;
using OpenClaw.Channels.Routing;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary>
/// <c>sessions.create</c>, <c>.list</c>, <c>.get</c>, <c>.events</c>, <c>.search</c>, <c>.stats</c>, <c>.fork</c>,
/// <c>.end</c> over the event store (docs/protocol.md, "Sessions, events and config methods").
/// </summary>
/// <remarks>
/// Ids are checked by Core's id rules and a bad one is <c>-32602</c> naming its field; a limit outside its range is
/// refused (not clamped) the same way. Missing sessions are <c>-32003</c>, ended ones <c>-32005</c>.
/// </remarks>
internal sealed class SessionsMethods(IEventStore store, LiveConfig config, OpenClaw.Agents.Runtime.AgentRuntime runtime) : IRpcMethodGroup
{
    /// <summary>The channel of a session created over RPC when none is named: the dashboard's web chat.</summary>
    public const string DefaultChannel = "webchat";

    /// <summary>The peer of a session created over RPC when none is named and the caller has no usable id.</summary>
    public const string DefaultPeer = "web";

    /// <summary>The largest <c>sessions.events</c> page (the store's page size).</summary>
    public const int MaxEventsLimit = 1000;

    /// <summary>The <c>sessions.events</c> page size when none is given.</summary>
    public const int DefaultEventsLimit = 100;

    /// <summary>The <c>sessions.search</c> result count when none is given.</summary>
    public const int DefaultSearchLimit = 20;

    public void Register(RpcMethodTable table)
    {
        table.Add("sessions.create", MethodRoles.For("sessions.create"), GatewayJsonContext.Default.SessionsCreateParams,
            GatewayJsonContext.Default.SessionKeyResult, CreateAsync);
        table.Add("sessions.list", MethodRoles.For("sessions.list"), GatewayJsonContext.Default.SessionsListParams,
            EventJsonContext.Default.SessionPage, ListAsync);
        table.Add("sessions.get", MethodRoles.For("sessions.get"), GatewayJsonContext.Default.SessionsGetParams,
            EventJsonContext.Default.SessionProjection, GetAsync);
        table.Add("sessions.events", MethodRoles.For("sessions.events"), GatewayJsonContext.Default.SessionsEventsParams,
            GatewayJsonContext.Default.SessionsEventsResult, EventsAsync);
        table.Add("sessions.search", MethodRoles.For("sessions.search"), GatewayJsonContext.Default.SessionsSearchParams,
            GatewayJsonContext.Default.SessionsSearchResult, SearchAsync);
        table.Add("sessions.stats", MethodRoles.For("sessions.stats"), EventJsonContext.Default.SessionStats,
            async (_, ct) => await store.GetStatsAsync(ct));
        table.Add("sessions.fork", MethodRoles.For("sessions.fork"), GatewayJsonContext.Default.SessionsForkParams,
            GatewayJsonContext.Default.SessionKeyResult, ForkAsync);
        table.Add("sessions.end", MethodRoles.For("sessions.end"), GatewayJsonContext.Default.SessionsEndParams,
            GatewayJsonContext.Default.SessionsEndResult, EndAsync);
    }

    private async ValueTask<SessionKeyResult> CreateAsync(SessionsCreateParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var channel = ParseId("channel", "channel id", p.Channel ?? DefaultChannel, ChannelId.From);
        var peer = ParseId("peerId", "peer id", p.PeerId ?? DefaultPeerOf(context.Principal), PeerId.From);

        // Without an agent the routing rules pick it, as for a message arriving on the channel.
        var agent = ParseId("agentId", "agent id", p.AgentId ?? ChannelRouter.Resolve(config.Current.Routing, channel.Value, peer.Value, groupId: null), AgentId.From);
        if (!config.Current.Agents.ContainsKey(agent.Value))
        {
            var known = string.Join(", ", config.Current.Agents.Keys.Order(StringComparer.Ordinal));
            throw RpcException.InvalidParams($"Invalid params: agentId '{agent.Value}' is not a configured agent; use one of: {known}.", "agentId");
        }

        var started = await store.AppendAsync(new SessionStarted { SessionKey = SessionKey.Generate(agent, channel, peer) }, cancellationToken);
        return new SessionKeyResult(started.SessionKey.ToString());
    }

    private async ValueTask<SessionPage> ListAsync(SessionsListParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var query = new SessionQuery
        {
            Limit = CheckLimit(p.Limit, new SessionQuery().Limit, SessionQuery.MaxLimit),
            Cursor = p.Cursor,
            AgentId = p.AgentId is null ? null : ParseId("agentId", "agent id", p.AgentId, AgentId.From),
            Channel = p.Channel is null ? null : ParseId("channel", "channel id", p.Channel, ChannelId.From),
            State = p.State switch
            {
                null => null,
                "active" => SessionState.Active,
                "ended" => SessionState.Ended,
                _ => throw RpcException.InvalidParams("Invalid params: state must be \"active\" or \"ended\".", "state"),
            },
        };
        try
        {
            return await store.ListSessionsAsync(query, cancellationToken);
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Invalid && p.Cursor is not null)
        {
            throw RpcException.InvalidParams("Invalid params: " + ex.Message, "cursor");
        }
    }

    private async ValueTask<SessionProjection> GetAsync(SessionsGetParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        if (p.AtSeq is < 1)
        {
            throw RpcException.InvalidParams("Invalid params: atSeq must be 1 or more.", "atSeq");
        }

        await RequireAsync(key, cancellationToken);
        return await store.GetProjectionAsync(key, p.AtSeq, cancellationToken)
            ?? throw RpcException.InvalidParams($"Invalid params: session {key} has no event at or before seq {p.AtSeq}.", "atSeq");
    }

    private async ValueTask<SessionsEventsResult> EventsAsync(SessionsEventsParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        var limit = CheckLimit(p.Limit, DefaultEventsLimit, MaxEventsLimit);
        if (p.AfterSeq is < 0)
        {
            throw RpcException.InvalidParams("Invalid params: afterSeq must be 0 or more.", "afterSeq");
        }

        await RequireAsync(key, cancellationToken);
        return new SessionsEventsResult(await store.ReadEventsAsync(key, p.AfterSeq ?? 0, limit, cancellationToken));
    }

    private async ValueTask<SessionsSearchResult> SearchAsync(SessionsSearchParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var limit = CheckLimit(p.Limit, DefaultSearchLimit, SessionQuery.MaxLimit);
        try
        {
            return new SessionsSearchResult(await store.SearchAsync(p.Query, limit, cancellationToken));
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Invalid)
        {
            throw RpcException.InvalidParams("Invalid params: " + ex.Message, "query");
        }
    }

    private async ValueTask<SessionKeyResult> ForkAsync(SessionsForkParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        if (p.AtSeq < 1)
        {
            throw RpcException.InvalidParams("Invalid params: atSeq must be 1 or more.", "atSeq");
        }

        await RequireAsync(key, cancellationToken);
        try
        {
            var fork = await store.ForkAsync(key, p.AtSeq, cancellationToken);
            return new SessionKeyResult(fork.ToString());
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Invalid)
        {
            throw RpcException.InvalidParams("Invalid params: " + ex.Message, "atSeq");
        }
    }

    private async ValueTask<SessionsEndResult> EndAsync(SessionsEndParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        try
        {
            var ended = await store.EndSessionAsync(key, p.Reason, cancellationToken);

            // Nothing can be recorded in an ended session: its running or waiting turns stop now.
            runtime.AbortSession(key);
            return new SessionsEndResult(ended.SessionKey.ToString(), ended.Seq);
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Invalid)
        {
            throw RpcException.InvalidParams("Invalid params: " + ex.Message, "reason");
        }
    }

    private async Task RequireAsync(SessionKey key, CancellationToken cancellationToken)
    {
        if (await store.GetSessionAsync(key, cancellationToken) is null)
        {
            throw RpcException.NotFound($"Session {key} does not exist (sessions.list shows the sessions there are).");
        }
    }

    private static SessionKey ParseKey(string text) =>
        SessionKey.TryParse(text, out var key, out var error)
            ? key
            : throw RpcException.InvalidParams("Invalid params: sessionKey: " + error, "sessionKey");

    private static T ParseId<T>(string field, string kind, string text, Func<string, T> create) =>
        IdFormat.TryValidate(kind, text, out var error)
            ? create(text)
            : throw RpcException.InvalidParams($"Invalid params: {field}: {error}", field);

    private static int CheckLimit(int? limit, int defaultLimit, int max) => limit switch
    {
        null => defaultLimit,
        >= 1 when limit <= max => limit.Value,
        _ => throw RpcException.InvalidParams($"Invalid params: limit must be between 1 and {max}.", "limit"),
    };

    // The caller is the peer of a session it starts from the dashboard: its user id, or "gateway-token".
    private static string DefaultPeerOf(Principal? principal)
    {
        foreach (var candidate in new[] { principal?.UserId, principal?.Subject })
        {
            if (IdFormat.TryValidate("peer id", candidate, out _))
            {
                return candidate!;
            }
        }

        return DefaultPeer;
    }
}

/// <summary>The params of <c>sessions.create</c>; each id defaults as docs/protocol.md says.</summary>
internal sealed record SessionsCreateParams(string? AgentId = null, string? Channel = null, string? PeerId = null);

/// <summary>The params of <c>sessions.list</c>.</summary>
internal sealed record SessionsListParams(int? Limit = null, string? Cursor = null, string? AgentId = null, string? Channel = null, string? State = null);

/// <summary>The params of <c>sessions.get</c>.</summary>
internal sealed record SessionsGetParams(string SessionKey, long? AtSeq = null);

/// <summary>The params of <c>sessions.events</c>.</summary>
internal sealed record SessionsEventsParams(string SessionKey, long? AfterSeq = null, int? Limit = null);

/// <summary>The params of <c>sessions.search</c>.</summary>
internal sealed record SessionsSearchParams(string Query, int? Limit = null);

/// <summary>The params of <c>sessions.fork</c>.</summary>
internal sealed record SessionsForkParams(string SessionKey, long AtSeq);

/// <summary>The params of <c>sessions.end</c>.</summary>
internal sealed record SessionsEndParams(string SessionKey, string? Reason = null);

/// <summary>The result of <c>sessions.create</c> and <c>sessions.fork</c>.</summary>
internal sealed record SessionKeyResult(string SessionKey);

/// <summary>The result of <c>sessions.events</c>.</summary>
internal sealed record SessionsEventsResult([property: JsonConverter(typeof(SessionEventListJsonConverter))] IReadOnlyList<SessionEvent> Events);

/// <summary>The result of <c>sessions.search</c>: each hit is <c>{session, seq, snippet}</c>, best first.</summary>
internal sealed record SessionsSearchResult([property: JsonConverter(typeof(SearchHitListJsonConverter))] IReadOnlyList<SessionSearchHit> Hits);

/// <summary>The result of <c>sessions.end</c>: the session and the seq of its <c>session_ended</c> event.</summary>
internal sealed record SessionsEndResult(string SessionKey, long Seq);
