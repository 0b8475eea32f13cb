using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenClaw.Agents.Runtime;
using OpenClaw.Channels;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Gateway.Channels;

/// <summary>
/// Carries one run's events back to the chat it came from: the typing indicator while the run is active, the reply
/// streamed (by edits where the channel can), a note for approvals and errors, and the delivered reply recorded as
/// <c>message_sent</c>. A reply that cannot be delivered after the adapter's retries is recorded as
/// <c>state_changed channel.delivery</c> and logged; it never disappears silently.
/// </summary>
/// <remarks>
/// <see cref="OnEvent"/> runs on the run's thread and only queues; one pump task per run does the sending, in order.
/// </remarks>
internal sealed partial class ChannelReplySink : IChatEventSink
{
    /// <summary>The state key recording a failed delivery.</summary>
    public const string DeliveryKey = "channel.delivery";

    /// <summary>How often the typing indicator is renewed (channels show it for about five seconds).</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(4);

    private readonly Channel<ChatRunEvent> _events = Channel.CreateUnbounded<ChatRunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IChannelAdapter _adapter;
    private readonly string _chatId;
    private readonly string? _replyTo;
    private readonly IEventStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ChannelReplySink(IChannelAdapter adapter, string chatId, string? replyTo, IEventStore store, TimeProvider time, ILogger logger)
    {
        _adapter = adapter;
        _chatId = chatId;
        _replyTo = replyTo;
        _store = store;
        _time = time;
        _logger = logger;
        Completion = Task.Run(PumpAsync);
    }

    /// <summary>Ends when the run's last event has been delivered (or its failure recorded).</summary>
    public Task Completion { get; }

    public void OnEvent(ChatRunEvent chatEvent) => _events.Writer.TryWrite(chatEvent);

    private async Task PumpAsync()
    {
        using var stopTyping = new CancellationTokenSource();
        var typing = _adapter.Capabilities.Typing ? TypeAsync(stopTyping.Token) : Task.CompletedTask;
        IStreamingReply? reply = null;
        var streamed = new System.Text.StringBuilder();
        SessionKey? session = null;
        string? runId = null;
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync())
            {
                session = e.SessionKey;
                runId = e.RunId;
                switch (e.Kind)
                {
                    case ChatEventKind.Delta when e.Text is { Length: > 0 } text:
                        reply ??= _adapter.BeginReply(_chatId, _replyTo);
                        reply.Append(text);
                        streamed.Append(text);
                        break;

                    case ChatEventKind.ToolCall:
                        // Shown while streaming only; the final reply replaces it.
                        reply ??= _adapter.BeginReply(_chatId, _replyTo);
                        reply.Append($"\n\n⚙️ {e.Tool}…\n\n");
                        break;

                    case ChatEventKind.ApprovalRequired:
                        try
                        {
                            await _adapter.SendTextAsync(
                                _chatId,
                                $"Waiting for approval to run **{e.Tool}** (approval `{e.ApprovalId}`). The owner can allow or deny it in the dashboard.",
                                _replyTo,
                                CancellationToken.None);
                        }
                        catch (ChannelDeliveryException ex)
                        {
                            // Only the note is lost; the reply itself still goes out when the run ends.
                            LogDeliveryFailed(_logger, _adapter.Id.Value, e.RunId, ex.Message);
                        }

                        break;

                    case ChatEventKind.Done:
                        await stopTyping.CancelAsync();
                        await DeliverAsync(e.SessionKey, reply, e.Reply ?? "");
                        return;

                    case ChatEventKind.Error:
                        await stopTyping.CancelAsync();
                        // What streamed before the stop stays visible, with the reason under it.
                        var note = e.ErrorCode == ChatErrorCodes.Aborted ? "_Stopped._" : "⚠️ " + (e.ErrorMessage ?? "The run failed.");
                        await DeliverAsync(e.SessionKey, reply, streamed.Length > 0 ? streamed + "\n\n" + note : note);
                        return;
                }
            }
        }
        catch (ChannelDeliveryException ex)
        {
            await RecordFailureAsync(session, runId, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPumpFailed(_logger, ex, _adapter.Id.Value);
            await RecordFailureAsync(session, runId, "The reply could not be sent; the gateway log has the details.");
        }
        finally
        {
            await stopTyping.CancelAsync();
            await typing;
            if (reply is not null)
            {
                await reply.DisposeAsync();
            }
        }
    }

    private async Task DeliverAsync(SessionKey session, IStreamingReply? reply, string text)
    {
        IReadOnlyList<string> ids;
        if (reply is not null)
        {
            ids = await reply.CompleteAsync(text, CancellationToken.None);
        }
        else if (text.Length > 0)
        {
            ids = await _adapter.SendTextAsync(_chatId, text, _replyTo, CancellationToken.None);
        }
        else
        {
            return;
        }

        try
        {
            await _store.AppendAsync(
                new MessageSent { SessionKey = session, Text = text, ChannelMessageId = ids.Count > 0 ? ids[0] : null },
                CancellationToken.None);
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Conflict)
        {
            // The session ended (/new) while the reply was going out: it was delivered, there is just no log to add it to.
        }
    }

    private async Task RecordFailureAsync(SessionKey? session, string? runId, string error)
    {
        LogDeliveryFailed(_logger, _adapter.Id.Value, runId ?? "", error);
        if (session is not { } key)
        {
            return;
        }

        try
        {
            var value = JsonSerializer.SerializeToElement(new DeliveryFailure("failed", runId, error), Rpc.GatewayJsonContext.Default.DeliveryFailure);
            await _store.AppendAsync(new StateChanged { SessionKey = key, Key = DeliveryKey, Value = value }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is EventStoreException or ObjectDisposedException)
        {
            // Ended meanwhile, or the gateway is stopping and its store closed: the log line above is the record.
        }
    }

    private async Task TypeAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _adapter.SendTypingAsync(_chatId, stop);
                await Task.Delay(TypingInterval, _time, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogTypingFailed(_logger, ex, _adapter.Id.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reply on channel {Channel} (run {RunId}) could not be delivered: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string channel, string runId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending a reply on channel {Channel} failed unexpectedly")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The typing indicator on channel {Channel} failed; the reply still goes out")]
    private static partial void LogTypingFailed(ILogger logger, Exception exception, string channel);
}

/// <summary>The value of a <c>channel.delivery</c> state event.</summary>
internal sealed record DeliveryFailure(string Status, string? RunId, string Error);
