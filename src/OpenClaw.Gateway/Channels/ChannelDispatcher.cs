using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenClaw.Agents.Runtime;
using OpenClaw.Channels;
using OpenClaw.Channels.Access;
using OpenClaw.Channels.Inbound;
using OpenClaw.Channels.Pairing;
using OpenClaw.Channels.Routing;
using OpenClaw.Core.Config;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Channels;

/// <summary>
/// Takes each inbound channel message through the one path: access decision (allowlist, pairing, mention gating) →
/// gateway command or route to an agent → the conversation's session → attachments into the workspace →
/// <c>message_received</c> appended and a run queued, whose reply goes back through a <see cref="ChannelReplySink"/>.
/// </summary>
/// <remarks>Called by one consumer of the inbound buffer, in order; nothing here waits for a model.</remarks>
internal sealed partial class ChannelDispatcher(
    AgentRuntime runtime,
    IEventStore store,
    LiveConfig config,
    PairingGate pairing,
    SessionDirectory sessions,
    ChatCommands commands,
    ChannelRegistry channels,
    TimeProvider time,
    ILogger<ChannelDispatcher> logger)
{
    /// <summary>The role a channel sender who passed the access check has for their own conversation.</summary>
    public const Role SenderRole = Role.Operator;

    /// <summary>The most attachments taken from one message.</summary>
    public const int MaxAttachmentsPerMessage = 10;

    /// <summary>The most notices (command answers, pairing codes) being sent at once.</summary>
    public const int MaxNoticesInFlight = 16;

    /// <summary>How often a sender who keeps writing is reminded of their pending pairing code.</summary>
    public static readonly TimeSpan ReminderInterval = TimeSpan.FromMinutes(10);

    private int _noticesInFlight;
    private readonly ReminderClock _reminders = new(ReminderInterval);

    /// <summary>Decides and records one message; the outcome tells the adapter it may confirm the update.</summary>
    public async Task<InboundOutcome> DispatchAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var adapter = channels.Find(message.Channel.Value);
        if (adapter is null || !PeerId.TryParse(message.ChatId, null, out var peer) || !PeerId.TryParse(message.SenderId, null, out _))
        {
            LogMalformed(logger, message.Channel.Value);
            return InboundOutcome.Ignored;
        }

        var current = config.Current;
        var decision = AccessPolicy.Decide(RulesFor(current, message.Channel.Value), message, sender => pairing.IsApproved(message.Channel.Value, sender));
        switch (decision.Verdict)
        {
            case AccessVerdict.Ignore:
                return InboundOutcome.Ignored;
            case AccessVerdict.Deny when message.PeerKind == PeerKind.Group:
                // Groups are noisy (every member's every message): a refusal there is not worth a line at info.
                LogDeniedInGroup(logger, message.Channel.Value, message.SenderId, decision.Reason);
                return InboundOutcome.Ignored;
            case AccessVerdict.Deny:
                LogDenied(logger, message.Channel.Value, message.SenderId, decision.Reason);
                return InboundOutcome.Ignored;
            case AccessVerdict.Pair when !await PairAsync(adapter, message, cancellationToken):
                return InboundOutcome.Pairing;
        }

        var agentId = ChannelRouter.Resolve(current.Routing, message.Channel.Value, message.SenderId, message.PeerKind == PeerKind.Group ? message.ChatId : null);
        if (!current.Agents.ContainsKey(agentId) || !AgentId.TryParse(agentId, null, out var agent))
        {
            LogUnroutable(logger, message.Channel.Value, agentId);
            Notify(adapter, message, $"This chat is routed to agent '{agentId}', which is not configured. The owner can fix the routing rules.");
            return InboundOutcome.Ignored;
        }

        if (ChannelCommand.Parse(message.Text, message.Account) is { } command)
        {
            await RunCommandAsync(adapter, message, command, agent, peer, cancellationToken);
            return InboundOutcome.Command;
        }

        var session = await sessions.CurrentAsync(agent, message.Channel, peer, cancellationToken);
        var attachments = message.Attachments.Count == 0
            ? []
            : await DownloadAsync(adapter, message, current.Agents[agentId], current.Gateway.Limits.MaxAttachmentBytes, cancellationToken);
        try
        {
            await SendAsync(adapter, message, session, attachments, cancellationToken);
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Conflict)
        {
            // The session was ended elsewhere (sessions.end, the dashboard): the conversation goes on in a new one.
            sessions.Forget(session);
            session = await sessions.StartNewAsync(agent, message.Channel, peer, cancellationToken);
            await SendAsync(adapter, message, session, attachments, cancellationToken);
        }
        catch (AgentException ex) when (ex.Kind == AgentErrorKind.Conflict)
        {
            Notify(adapter, message, ex.Message.Replace("chat.abort", "/stop", StringComparison.Ordinal));
            return InboundOutcome.Ignored;
        }

        return InboundOutcome.Dispatched;
    }

    private async Task SendAsync(IChannelAdapter adapter, InboundMessage message, SessionKey session, IReadOnlyList<Attachment> attachments, CancellationToken cancellationToken)
    {
        var received = new MessageReceived
        {
            SessionKey = session,
            Text = message.Text,
            Attachments = attachments,
            ChannelMessageId = message.MessageId,
            ReplyToChannelMessageId = message.ReplyToMessageId,
            SenderName = message.SenderName,
        };

        // The update id makes a message the channel delivers twice (a webhook retry) one run.
        var idempotencyKey = message.UpdateId is { } update ? "update:" + update.ToString(CultureInfo.InvariantCulture) : null;
        var sink = new ChannelReplySink(adapter, message.ChatId, message.MessageId, store, time, logger);
        try
        {
            await runtime.SendAsync(received, idempotencyKey, sink, cancellationToken);
        }
        catch
        {
            sink.OnEvent(new ChatRunEvent { RunId = "", SessionKey = session, Kind = ChatEventKind.Done, Reply = "" });
            throw;
        }
    }

    private static ChannelAccessRules RulesFor(OpenClawConfig current, string channel) => channel switch
    {
        "telegram" => ChannelAccessRules.From(current.Channels.Telegram),

        // A channel without access settings admits no one: fail closed.
        _ => new ChannelAccessRules(DmPolicy.Disabled, [], GroupPolicy.Disabled, [], RequireMention: true),
    };

    // Issues or repeats a code; true when the sender turned out to be approved meanwhile (the message then goes on).
    private async Task<bool> PairAsync(IChannelAdapter adapter, InboundMessage message, CancellationToken cancellationToken)
    {
        var channel = message.Channel.Value;
        if (!pairing.IsAvailable)
        {
            LogDenied(logger, channel, message.SenderId, "pairing store unavailable");
            return false;
        }

        var result = await pairing.Store.RequestAsync(channel, message.SenderId, message.ChatId, message.SenderName, cancellationToken);
        if (result.Kind == PairingRequestKind.AlreadyApproved)
        {
            return true;
        }

        var text = result switch
        {
            { Kind: PairingRequestKind.Full } =>
                "This assistant is private, and too many pairing requests are waiting. Please try again later.",
            { Pending: { } pending } =>
                $"This assistant is private. Your pairing code is **{pending.Code}** (valid for one hour).\n\n" +
                $"Ask the owner to approve it:\n`openclaw pairing approve {channel} {pending.Code}`",
            _ => null,
        };
        LogPairing(logger, channel, message.SenderId, result.Kind);

        // A new code is always sent; a repeat (or "too many waiting") at most once per interval per sender, so a
        // stranger's flood of messages does not turn into a flood of sends.
        var due = _reminders.ShouldRemind(channel + "\n" + message.SenderId, time.GetUtcNow());
        if (text is not null && (result.Kind == PairingRequestKind.Issued || due))
        {
            Notify(adapter, message, text);
        }

        return false;
    }

    private async Task RunCommandAsync(IChannelAdapter adapter, InboundMessage message, ChannelCommand command, AgentId agent, PeerId peer, CancellationToken cancellationToken)
    {
        var current = await sessions.FindAsync(agent, message.Channel, peer, cancellationToken);
        var result = await commands.RunAsync(command, SenderRole, agent, message.Channel, peer, current, cancellationToken);
        Notify(adapter, message, result.Reply);
    }

    private async Task<IReadOnlyList<Attachment>> DownloadAsync(
        IChannelAdapter adapter, InboundMessage message, AgentOptions agent, long maxBytes, CancellationToken cancellationToken)
    {
        // One folder per chat (message ids are only unique within a chat), and names that are never reused.
        var relativeFolder = "inbox/" + message.Channel.Value + "/" + message.ChatId;
        var stored = new List<Attachment>();
        var index = 0;
        foreach (var attachment in message.Attachments.Take(MaxAttachmentsPerMessage))
        {
            index++;
            var name = SafeFileName(message.UpdateId?.ToString(CultureInfo.InvariantCulture) ?? message.MessageId, index, attachment);
            var recorded = new Attachment { Id = attachment.FileId, FileName = attachment.FileName ?? name, MimeType = attachment.MimeType, SizeBytes = attachment.SizeBytes };
            string? created = null;
            try
            {
                var folder = Path.Combine(Path.GetFullPath(agent.Workspace), "inbox", message.Channel.Value, message.ChatId);
                Directory.CreateDirectory(folder);
                var path = Path.Combine(folder, name);
                long length;
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    created = path;
                    length = await adapter.DownloadAsync(attachment, file, maxBytes, cancellationToken);
                }

                stored.Add(recorded with { SizeBytes = length, Url = relativeFolder + "/" + name });
            }
            catch (Exception ex) when (ex is ChannelDeliveryException or IOException or UnauthorizedAccessException)
            {
                // A file that cannot be fetched or stored (too big, the workspace unwritable, a name already taken) is
                // recorded without a location, so the model and the history show it did not arrive; the message goes on.
                if (created is not null)
                {
                    File.Delete(created); // the partial file, never one that was there before
                }

                LogDownloadFailed(logger, message.Channel.Value, ex is ChannelDeliveryException ? ex.Message : ex.GetType().Name);
                stored.Add(recorded);
            }
        }

        return stored;
    }

    private static string SafeFileName(string? messageId, int index, InboundAttachment attachment)
    {
        var original = Path.GetFileName(attachment.FileName ?? "") is { Length: > 0 } given
            ? given
            : attachment.MimeType == "image/jpeg" ? "photo.jpg" : "file";
        Span<char> clean = stackalloc char[Math.Min(original.Length, 80)];
        for (var i = 0; i < clean.Length; i++)
        {
            var c = original[i];
            clean[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_';
        }

        var name = new string(clean).TrimStart('.');
        return $"{messageId ?? "m"}-{index}-{(name.Length == 0 ? "file" : name)}";
    }

    // Sends a notice (a command's answer, a pairing code) without holding up the messages behind it: a send that waits
    // out Telegram's rate limits must not stall the channel. At most MaxNoticesInFlight at once; beyond that a notice is
    // dropped and logged (only a flood gets there).
    private void Notify(IChannelAdapter adapter, InboundMessage message, string text)
    {
        if (Interlocked.Increment(ref _noticesInFlight) > MaxNoticesInFlight)
        {
            Interlocked.Decrement(ref _noticesInFlight);
            LogNoticeFailed(logger, message.Channel.Value, "too many notices are being sent; this one was dropped");
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await adapter.SendTextAsync(message.ChatId, text, message.MessageId, CancellationToken.None);
            }
            catch (ChannelDeliveryException ex)
            {
                LogNoticeFailed(logger, message.Channel.Value, ex.Message);
            }
            finally
            {
                Interlocked.Decrement(ref _noticesInFlight);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: message from sender {SenderId} refused ({Reason})")]
    private static partial void LogDenied(ILogger logger, string channel, string senderId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {Channel}: group message from sender {SenderId} refused ({Reason})")]
    private static partial void LogDeniedInGroup(ILogger logger, string channel, string senderId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: pairing request from sender {SenderId}: {Kind}")]
    private static partial void LogPairing(ILogger logger, string channel, string senderId, PairingRequestKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: a message with malformed ids was dropped")]
    private static partial void LogMalformed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {Channel}: routing names agent '{AgentId}', which is not configured; fix `routing` in the config")]
    private static partial void LogUnroutable(ILogger logger, string channel, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: an attachment was not downloaded: {Error}")]
    private static partial void LogDownloadFailed(ILogger logger, string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: a notice to the sender could not be delivered: {Error}")]
    private static partial void LogNoticeFailed(ILogger logger, string channel, string error);
}

/// <summary>A gateway command sent in a chat (<c>/new</c>, <c>/stop</c>, <c>/status</c>, <c>/help</c>), handled without the model.</summary>
/// <param name="Name">The command without the slash.</param>
/// <param name="Method">The RPC method whose role it needs.</param>
internal sealed record ChannelCommand(string Name, string Method)
{
    /// <summary>The reply to <c>/help</c> (and Telegram's <c>/start</c>).</summary>
    public const string Help =
        "Send a message to talk to the assistant.\n\n" +
        "/new — start a fresh conversation\n/stop — stop the reply in progress\n/status — agent, model and usage of this chat\n/help — this list";

    /// <summary>The command in <paramref name="text"/>, or <see langword="null"/> when it is ordinary text (or a command for another bot).</summary>
    public static ChannelCommand? Parse(string text, string? botAccount)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '/' || trimmed.ContainsAny(" \n\t"))
        {
            return null;
        }

        var word = trimmed[1..];
        var at = word.IndexOf('@');
        if (at >= 0)
        {
            var target = word[(at + 1)..];
            var bot = (botAccount ?? "").AsSpan().TrimStart('@');
            if (!target.Equals(bot, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            word = word[..at];
        }

        return word switch
        {
            "new" or "reset" => new("new", "sessions.create"),
            "stop" => new("stop", "chat.abort"),
            "status" => new("status", "sessions.get"),
            "help" or "start" => new("help", "system.methods"),
            _ => null,
        };
    }
}

/// <summary>Remembers when each key was last reminded, so reminders go out at most once per interval; bounded in size.</summary>
internal sealed class ReminderClock(TimeSpan interval)
{
    /// <summary>The most keys remembered; beyond it, entries older than the interval are dropped.</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> is due a reminder at <paramref name="now"/> (and records it when so).</summary>
    public bool ShouldRemind(string key, DateTimeOffset now)
    {
        lock (_last)
        {
            if (_last.TryGetValue(key, out var last) && now - last < interval)
            {
                return false;
            }

            if (_last.Count >= Capacity)
            {
                foreach (var stale in _last.Where(e => now - e.Value >= interval).Select(e => e.Key).ToList())
                {
                    _last.Remove(stale);
                }

                if (_last.Count >= Capacity)
                {
                    return false; // a flood of distinct strangers: no more reminders until entries age out
                }
            }

            _last[key] = now;
            return true;
        }
    }
}
