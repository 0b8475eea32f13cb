using System.Text.Json;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Runtime;

/// <summary>A session's state for the state tools: read from the log, written as <c>state_changed</c> events.</summary>
internal sealed class SessionStateAccess(IEventStore store, SessionEventCache events, SessionKey sessionKey) : IToolSessionState
{
    public async ValueTask<JsonElement?> GetAsync(string key, CancellationToken cancellationToken)
    {
        // The runtime's cache of the session's events: only what was appended since the last read is read.
        var projection = SessionProjector.Project(await events.ReadAsync(sessionKey, cancellationToken).ConfigureAwait(false));
        return projection?.GetState(key)?.Value;
    }

    public async ValueTask SetAsync(string key, JsonElement? value, CancellationToken cancellationToken)
    {
        // The runtime's own records (runs, approvals, context cuts, delivery) cannot be written by a tool.
        if (StateKeys.IsReserved(key))
        {
            throw new ArgumentException($"State key '{key}' is reserved for OpenClaw itself.", nameof(key));
        }

        await store.AppendAsync(new StateChanged { SessionKey = sessionKey, Key = key, Value = value }, cancellationToken).ConfigureAwait(false);
    }
}
