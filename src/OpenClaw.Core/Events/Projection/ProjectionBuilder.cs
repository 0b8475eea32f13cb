using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events.Projection;

/// <summary>Accumulates events or projections; every rule is order-independent (set union and last-write-wins).</summary>
internal sealed class ProjectionBuilder
{
    private readonly Dictionary<Guid, ConversationMessage> _messages = [];
    private readonly Dictionary<string, ToolCallProjection> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StateEntry> _state = new(StringComparer.Ordinal);
    private SessionKey? _key;
    private EventStamp? _start;
    private ForkOrigin? _forkedFrom;
    private EventStamp? _end;
    private string? _endReason;
    private long _lastSeq;
    private DateTimeOffset _lastActivity = DateTimeOffset.MinValue;

    public void Apply(SessionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        UseKey(e.SessionKey);
        _lastSeq = Math.Max(_lastSeq, e.Seq);
        _lastActivity = Max(_lastActivity, e.Timestamp);
        var stamp = EventStamp.Of(e);
        switch (e)
        {
            case SessionStarted s:
                TakeStart(stamp, s.ForkedFrom);
                break;
            case SessionEnded s:
                TakeEnd(stamp, s.Reason);
                break;
            case MessageReceived m:
                _messages.TryAdd(e.EventId, MessageOf(
                    e,
                    MessageRole.User,
                    m.Text,
                    attachments: m.Attachments.Count == 0 ? null : m.Attachments,
                    channelMessageId: m.ChannelMessageId,
                    senderName: m.SenderName));
                break;
            case AgentResponse r:
                _messages.TryAdd(e.EventId, MessageOf(e, MessageRole.Assistant, r.Text, model: r.Model, usage: r.Usage));
                break;
            case MessageSent m:
                _messages.TryAdd(e.EventId, MessageOf(e, MessageRole.Outbound, m.Text, channelMessageId: m.ChannelMessageId));
                break;
            case ToolCalled t:
                MergeTool(new ToolCallProjection
                {
                    ToolCallId = t.ToolCallId,
                    Tool = t.Tool,
                    Params = t.Params,
                    CallSeq = e.Seq,
                    CalledAt = e.Timestamp,
                    CallStamp = stamp,
                });
                break;
            case ToolResult t:
                MergeTool(new ToolCallProjection
                {
                    ToolCallId = t.ToolCallId,
                    Success = t.Success,
                    Result = t.Result,
                    Error = t.Error,
                    ResultSeq = e.Seq,
                    CompletedAt = e.Timestamp,
                    ResultStamp = stamp,
                });
                break;
            case StateChanged c:
                MergeState(new StateEntry { Key = c.Key, Value = c.Value, UpdatedAt = e.Timestamp, Seq = e.Seq, EventId = e.EventId });
                break;
            default:
                break;
        }
    }

    public void Absorb(SessionProjection p)
    {
        UseKey(p.SessionKey);
        _lastSeq = Math.Max(_lastSeq, p.LastSeq);
        _lastActivity = Max(_lastActivity, p.LastActivity);
        if (p.StartStamp is { } start)
        {
            TakeStart(start, p.ForkedFrom);
        }

        if (p.EndStamp is { } end)
        {
            TakeEnd(end, p.EndedReason);
        }

        foreach (var m in p.Messages)
        {
            _messages.TryAdd(m.EventId, m);
        }

        foreach (var t in p.ToolCalls)
        {
            MergeTool(t);
        }

        foreach (var s in p.StateEntries)
        {
            MergeState(s);
        }
    }

    public SessionProjection? Build()
    {
        if (_key is not { } key)
        {
            return null;
        }

        var messages = _messages.Values.OrderBy(m => m.Stamp).ToArray();
        var usage = TokenUsage.Zero;
        foreach (var m in messages)
        {
            if (m.Usage is { } u)
            {
                usage += u;
            }
        }

        return new SessionProjection
        {
            SessionKey = key,
            State = _end is null ? SessionState.Active : SessionState.Ended,
            StartedAt = _start?.Timestamp,
            StartStamp = _start,
            ForkedFrom = _forkedFrom,
            EndedAt = _end?.Timestamp,
            EndStamp = _end,
            EndedReason = _endReason,
            LastSeq = _lastSeq,
            LastActivity = _lastActivity,
            Messages = messages,
            ToolCalls = [.. _tools.Values.OrderBy(t => t.CallStamp ?? t.ResultStamp).ThenBy(t => t.ToolCallId, StringComparer.Ordinal)],
            StateEntries = [.. _state.Values.OrderBy(s => s.Key, StringComparer.Ordinal)],
            Usage = usage,
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a.UtcTicks >= b.UtcTicks ? a : b;

    private void UseKey(SessionKey key)
    {
        if (_key is { } existing && existing != key)
        {
            throw new ArgumentException($"Cannot project events of two sessions together ({existing} and {key}).");
        }

        _key = key;
    }

    private void TakeStart(EventStamp stamp, ForkOrigin? forkedFrom)
    {
        if (EventStamp.Wins(stamp, _start))
        {
            _start = stamp;
            _forkedFrom = forkedFrom;
        }
    }

    private void TakeEnd(EventStamp stamp, string? reason)
    {
        if (EventStamp.Wins(stamp, _end))
        {
            _end = stamp;
            _endReason = reason;
        }
    }

    // The call half and the result half are separate fields, each last-write-wins on its own stamp.
    private void MergeTool(ToolCallProjection incoming)
    {
        if (!_tools.TryGetValue(incoming.ToolCallId, out var current))
        {
            _tools[incoming.ToolCallId] = incoming;
            return;
        }

        var merged = current;
        if (incoming.CallStamp is { } call && EventStamp.Wins(call, current.CallStamp))
        {
            merged = merged with { Tool = incoming.Tool, Params = incoming.Params, CallSeq = incoming.CallSeq, CalledAt = incoming.CalledAt, CallStamp = call };
        }

        if (incoming.ResultStamp is { } result && EventStamp.Wins(result, current.ResultStamp))
        {
            merged = merged with
            {
                Success = incoming.Success,
                Result = incoming.Result,
                Error = incoming.Error,
                ResultSeq = incoming.ResultSeq,
                CompletedAt = incoming.CompletedAt,
                ResultStamp = result,
            };
        }

        _tools[incoming.ToolCallId] = merged;
    }

    private void MergeState(StateEntry incoming)
    {
        if (!_state.TryGetValue(incoming.Key, out var current) || EventStamp.Wins(incoming.Stamp, current.Stamp))
        {
            _state[incoming.Key] = incoming;
        }
    }

    private static ConversationMessage MessageOf(
        SessionEvent e,
        MessageRole role,
        string text,
        IReadOnlyList<Attachment>? attachments = null,
        string? channelMessageId = null,
        string? senderName = null,
        string? model = null,
        TokenUsage? usage = null) => new()
        {
            Seq = e.Seq,
            EventId = e.EventId,
            Timestamp = e.Timestamp,
            Role = role,
            Text = text,
            Attachments = attachments,
            ChannelMessageId = channelMessageId,
            SenderName = senderName,
            Model = model,
            Usage = usage,
        };
}
