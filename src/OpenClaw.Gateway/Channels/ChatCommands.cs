using System.Globalization;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Channels;

/// <summary>What a chat command did: the text to show, and the new session after <c>/new</c>.</summary>
internal sealed record ChatCommandResult(string Reply, SessionKey? NewSession = null);

/// <summary>
/// Runs the chat commands (<c>/new</c>, <c>/stop</c>, <c>/status</c>, <c>/help</c>) for every channel, Telegram and web chat
/// alike, without the model. Each needs the role of the RPC method it stands for, checked in the one role table.
/// </summary>
internal sealed class ChatCommands(AgentRuntime runtime, IEventStore store, LiveConfig config, SessionDirectory sessions)
{
    /// <summary>Runs <paramref name="command"/> for a conversation whose current session is <paramref name="current"/> (if any).</summary>
    public async Task<ChatCommandResult> RunAsync(
        ChannelCommand command, Role role, AgentId agent, ChannelId channel, PeerId peer, SessionKey? current, CancellationToken cancellationToken)
    {
        if (MethodRoles.For(command.Method) > role)
        {
            return new($"/{command.Name} needs the {MethodRoles.For(command.Method).ToString().ToLowerInvariant()} role.");
        }

        switch (command.Name)
        {
            case "new":
                if (current is { } old)
                {
                    runtime.AbortSession(old);
                    try
                    {
                        await store.AppendAsync(new SessionEnded { SessionKey = old, Reason = "/new" }, cancellationToken);
                    }
                    catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Conflict)
                    {
                        // Already ended.
                    }

                    sessions.Forget(old);
                }

                var fresh = await sessions.StartNewAsync(agent, channel, peer, cancellationToken);
                return new("Started a new conversation.", fresh);

            case "stop":
                return new(current is { } key && runtime.AbortSession(key) > 0 ? "Stopping." : "Nothing is running.");

            case "status":
                return new(await StatusAsync(agent, current, cancellationToken));

            default:
                return new(ChannelCommand.Help);
        }
    }

    private async Task<string> StatusAsync(AgentId agent, SessionKey? current, CancellationToken cancellationToken)
    {
        var options = config.Current.Agents.GetValueOrDefault(agent.Value);
        var text = $"Agent **{agent.Value}**" + (options is null ? "" : $" ({options.Model})");
        if (current is not { } key || await store.GetSessionAsync(key, cancellationToken) is not { } summary)
        {
            return text + "\nNo conversation yet.";
        }

        var tokens = summary.Usage.InputTokens + summary.Usage.OutputTokens;
        return text +
            $"\nSession `{key.Id}`, started {summary.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" +
            $"\n{summary.MessageCount} messages, {tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens" +
            (runtime.IsSessionBusy(key) ? "\nA reply is in progress (/stop stops it)." : "\nIdle.");
    }
}
