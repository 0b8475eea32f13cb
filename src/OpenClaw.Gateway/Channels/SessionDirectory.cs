using System.Collections.Concurrent;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Gateway.Channels;

/// <summary>
/// The current session of each channel conversation (agent, channel, peer): the newest active one in the store, or a
/// new one. <c>/new</c> replaces it; a session ended elsewhere (<c>sessions.end</c>) is replaced on the next message.
/// </summary>
/// <remarks>
/// Thread-safe. Channel messages reach it from the one dispatcher, in order, so two of them never race to create a
/// session; web chat's <c>/new</c> (over RPC) only ever replaces the session it names.
/// </remarks>
internal sealed class SessionDirectory(IEventStore store)
{
    private readonly ConcurrentDictionary<string, SessionKey> _current = new(StringComparer.Ordinal);

    /// <summary>The conversation's current session, created when it has none.</summary>
    public async Task<SessionKey> CurrentAsync(AgentId agent, ChannelId channel, PeerId peer, CancellationToken cancellationToken) =>
        await FindAsync(agent, channel, peer, cancellationToken) ?? await StartNewAsync(agent, channel, peer, cancellationToken);

    /// <summary>The conversation's current session if one is known or stored (and then remembered), without creating one.</summary>
    public async Task<SessionKey?> FindAsync(AgentId agent, ChannelId channel, PeerId peer, CancellationToken cancellationToken)
    {
        var slot = Slot(agent, channel, peer);
        if (_current.TryGetValue(slot, out var known))
        {
            return known;
        }

        var page = await store.ListSessionsAsync(
            new SessionQuery { AgentId = agent, Channel = channel, PeerId = peer, State = SessionState.Active, Limit = 1 },
            cancellationToken);
        if (page.Sessions.Count == 0)
        {
            return null;
        }

        var found = page.Sessions[0].SessionKey;
        _current[slot] = found;
        return found;
    }

    /// <summary>Starts a fresh session for the conversation and makes it current.</summary>
    public async Task<SessionKey> StartNewAsync(AgentId agent, ChannelId channel, PeerId peer, CancellationToken cancellationToken)
    {
        var started = await store.AppendAsync(new SessionStarted { SessionKey = SessionKey.Generate(agent, channel, peer) }, cancellationToken);
        _current[Slot(agent, channel, peer)] = started.SessionKey;
        return started.SessionKey;
    }

    /// <summary>Forgets the conversation's current session (it ended), so the next message finds or starts another.</summary>
    public void Forget(SessionKey sessionKey) =>
        _current.TryRemove(new KeyValuePair<string, SessionKey>(Slot(sessionKey.Agent, sessionKey.Channel, sessionKey.Peer), sessionKey));

    private static string Slot(AgentId agent, ChannelId channel, PeerId peer) => string.Concat(agent.Value, "\n", channel.Value, "\n", peer.Value);
}
