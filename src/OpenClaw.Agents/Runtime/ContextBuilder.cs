using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenClaw.Core.Events;

namespace OpenClaw.Agents.Runtime;

/// <summary>The model's view of a session: its messages, and what was cut to fit the context window.</summary>
internal sealed record BuiltContext(List<ChatMessage> Messages, int DroppedMessages, long DroppedThroughSeq, int OmittedResults, int EstimatedTokens);

/// <summary>
/// Turns a session's events into the messages a model call sends, and cuts them down to the context budget.
/// </summary>
/// <remarks>
/// A user message enters the conversation where its run took it (<c>run.started</c> names the message), not where it
/// was appended, so messages queued behind a running turn are not seen by that turn. A tool call without a recorded
/// result (the gateway stopped while it ran) gets a failed result, so every transcript is valid for the provider.
/// </remarks>
internal static class ContextBuilder
{
    /// <summary>The state key a run writes when it starts: <c>{runId, messageSeq}</c>.</summary>
    public const string RunStartedKey = "run.started";

    /// <summary>The state key of an aborted run: <c>{runId, messageSeq, started}</c>.</summary>
    public const string RunAbortedKey = "run.aborted";

    /// <summary>The state key of a failed run: <c>{runId, messageSeq, started, code, error}</c>.</summary>
    public const string RunFailedKey = "run.failed";

    /// <summary>What a tool call without a recorded result reads as.</summary>
    public const string InterruptedResult = "No result was recorded for this call: the gateway stopped while it ran. Its effects are unknown; check before repeating it.";

    private const int CharsPerToken = 4;
    private const int PerMessageTokens = 8;

    public static BuiltContext Build(IReadOnlyList<SessionEvent> events, long currentMessageSeq, int budgetTokens)
    {
        var entries = Collect(events, currentMessageSeq);
        var estimate = entries.Sum(e => Estimate(e.Message));
        var dropped = 0;
        var droppedThrough = 0L;

        // Drop whole exchanges (a user message and everything up to the next one) from the oldest, never the last: a
        // tool call and its result always go together.
        while (estimate > budgetTokens)
        {
            var nextUser = entries.FindIndex(1, e => e.Message.Role == ChatRole.User);
            if (nextUser < 0)
            {
                break;
            }

            for (var i = 0; i < nextUser; i++)
            {
                estimate -= Estimate(entries[i].Message);
                droppedThrough = Math.Max(droppedThrough, entries[i].Seq);
            }

            dropped += nextUser;
            entries.RemoveRange(0, nextUser);
        }

        // Still too big with one exchange left: its largest tool results, oldest first, are replaced by a note.
        var omitted = 0;
        foreach (var entry in entries)
        {
            if (estimate <= budgetTokens)
            {
                break;
            }

            for (var i = 0; i < entry.Message.Contents.Count && estimate > budgetTokens; i++)
            {
                if (entry.Message.Contents[i] is FunctionResultContent result && result.Result is JsonElement json && json.GetRawText().Length > 2048)
                {
                    var before = Estimate(entry.Message);
                    entry.Message.Contents[i] = new FunctionResultContent(result.CallId, Json.Object(w =>
                        w.WriteString("omitted", $"This result ({json.GetRawText().Length} characters) was left out to fit the model's context window.")));
                    estimate += Estimate(entry.Message) - before;
                    omitted++;
                }
            }
        }

        // Still too big (a long tool loop of many small results or big arguments): every older result and large set
        // of arguments but the last exchange's newest is replaced by a note, keeping each call with its result.
        for (var index = 0; index < entries.Count - 1 && estimate > budgetTokens; index++)
        {
            var message = entries[index].Message;
            var before = Estimate(message);
            for (var i = 0; i < message.Contents.Count; i++)
            {
                switch (message.Contents[i])
                {
                    case FunctionResultContent result when result.Result is JsonElement json && json.GetRawText().Length > 200:
                        message.Contents[i] = new FunctionResultContent(result.CallId, Json.Object(w =>
                            w.WriteString("omitted", $"This result ({json.GetRawText().Length} characters) was left out to fit the model's context window.")));
                        omitted++;
                        break;
                    case FunctionCallContent call when call.Arguments is { } args && args.Sum(a => a.Key.Length + ValueLength(a.Value)) > 1024:
                        message.Contents[i] = new FunctionCallContent(call.CallId, call.Name, new Dictionary<string, object?>(StringComparer.Ordinal)
                        {
                            ["omitted"] = "The arguments were left out to fit the model's context window.",
                        });
                        break;
                    default:
                        break;
                }
            }

            estimate += Estimate(message) - before;
        }

        return new BuiltContext([.. entries.Select(e => e.Message)], dropped, droppedThrough, omitted, estimate);
    }

    /// <summary>A rough token count (characters / 4), enough to stay clear of the window.</summary>
    public static int Estimate(ChatMessage message)
    {
        var chars = 0;
        foreach (var content in message.Contents)
        {
            chars += content switch
            {
                TextContent t => t.Text?.Length ?? 0,
                FunctionCallContent c => c.Name.Length + (c.Arguments?.Sum(a => a.Key.Length + ValueLength(a.Value)) ?? 0),
                FunctionResultContent r => r.Result is JsonElement j ? j.GetRawText().Length : r.Result?.ToString()?.Length ?? 0,
                _ => 16,
            };
        }

        return PerMessageTokens + (chars / CharsPerToken);
    }

    public static int EstimateText(string text) => text.Length / CharsPerToken;

    private static int ValueLength(object? value) => value is JsonElement j ? j.GetRawText().Length : value?.ToString()?.Length ?? 4;

    private static List<Entry> Collect(IReadOnlyList<SessionEvent> events, long current)
    {
        var taken = new HashSet<long>();
        var dropped = new HashSet<long>();
        foreach (var e in events)
        {
            if (e is StateChanged { Key: RunStartedKey } s && MessageSeqOf(s) is { } seq)
            {
                taken.Add(seq);
            }
            else if (e is StateChanged { Key: RunAbortedKey or RunFailedKey } ended && MessageSeqOf(ended) is { } endedSeq
                && ended.Value!.Value.TryGetProperty("started", out var started) && started.ValueKind == System.Text.Json.JsonValueKind.False)
            {
                dropped.Add(endedSeq); // aborted while it waited: its message never reaches a model
            }
        }

        // Messages no run took (the gateway stopped before their turn) join the next turn, just before its message.
        var leftovers = new List<MessageReceived>();

        var entries = new List<Entry>();
        var deferred = new Dictionary<long, MessageReceived>();
        var open = new List<(string CallId, long Seq)>();
        ChatMessage? assistant = null;
        ChatMessage? results = null;

        void CloseExchange()
        {
            // Calls left without a result get a failed one, so the next message is valid for the provider.
            foreach (var (callId, seq) in open)
            {
                results ??= Add(new ChatMessage(ChatRole.Tool, []), seq);
                results.Contents.Add(new FunctionResultContent(callId, Json.Object(w => w.WriteString("error", InterruptedResult))));
            }

            open.Clear();
            if (results is not null && assistant is not null)
            {
                // Results are recorded as each tool finishes; the model gets them in the order it called the tools.
                var order = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (call, i) in assistant.Contents.OfType<FunctionCallContent>().Select((c, i) => (c, i)))
                {
                    order.TryAdd(call.CallId, i);
                }

                var sorted = results.Contents.OrderBy(c => c is FunctionResultContent r && order.TryGetValue(r.CallId, out var i) ? i : int.MaxValue).ToList();
                results.Contents.Clear();
                foreach (var content in sorted)
                {
                    results.Contents.Add(content);
                }
            }

            if (assistant is { Contents.Count: 0 })
            {
                entries.RemoveAll(e => ReferenceEquals(e.Message, assistant));
            }

            assistant = null;
            results = null;
        }

        ChatMessage Add(ChatMessage message, long seq)
        {
            entries.Add(new Entry(message, seq));
            return message;
        }

        void AddUser(MessageReceived m)
        {
            CloseExchange();
            Add(new ChatMessage(ChatRole.User, UserText(m)), m.Seq);
        }

        foreach (var e in events)
        {
            switch (e)
            {
                case MessageReceived m when taken.Contains(m.Seq):
                    deferred[m.Seq] = m;
                    break;
                case MessageReceived m when dropped.Contains(m.Seq) || m.Seq > current:
                    break; // aborted before its turn, or waiting behind the current one
                case MessageReceived m when open.Count == 0:
                    AddUser(m); // no run took it (the gateway stopped first, or it predates runs): it stays where it was sent
                    break;
                case MessageReceived m:
                    leftovers.Add(m); // never inside a tool exchange: it joins once the exchange's results are in
                    break;
                case StateChanged { Key: RunStartedKey } s when MessageSeqOf(s) is { } seq && deferred.Remove(seq, out var message):
                    foreach (var leftover in leftovers)
                    {
                        AddUser(leftover);
                    }

                    leftovers.Clear();
                    AddUser(message);
                    break;
                case AgentResponse r:
                    CloseExchange();
                    foreach (var leftover in leftovers)
                    {
                        AddUser(leftover);
                    }

                    leftovers.Clear();
                    assistant = Add(new ChatMessage(ChatRole.Assistant, string.IsNullOrEmpty(r.Text) ? [] : [new TextContent(r.Text)]), r.Seq);
                    break;
                case ToolCalled t:
                    if (results is not null)
                    {
                        // A call after results without a model answer between them: keep the transcript alternating.
                        CloseExchange();
                    }

                    assistant ??= Add(new ChatMessage(ChatRole.Assistant, []), t.Seq);
                    assistant.Contents.Add(new FunctionCallContent(t.ToolCallId, t.Tool, Arguments(t.Params)));
                    open.Add((t.ToolCallId, t.Seq));
                    break;
                case ToolResult t:
                    var index = open.FindIndex(o => string.Equals(o.CallId, t.ToolCallId, StringComparison.Ordinal));
                    if (index < 0)
                    {
                        break; // a result without its call in this exchange: nothing the provider could pair it with
                    }

                    open.RemoveAt(index);
                    results ??= Add(new ChatMessage(ChatRole.Tool, []), t.Seq);
                    results.Contents.Add(new FunctionResultContent(t.ToolCallId, ResultJson(t)));
                    if (open.Count == 0 && leftovers.Count > 0)
                    {
                        foreach (var leftover in leftovers)
                        {
                            AddUser(leftover);
                        }

                        leftovers.Clear();
                    }

                    break;
                default:
                    break;
            }
        }

        foreach (var leftover in leftovers)
        {
            AddUser(leftover);
        }

        CloseExchange();
        return entries;
    }

    /// <summary>The JSON a tool result is fed back as: the result itself, or <c>{error, result?}</c> for a failure.</summary>
    public static JsonElement ResultJson(ToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Success)
        {
            return result.Result ?? Json.Object(static _ => { });
        }

        return Json.Object(w =>
        {
            w.WriteString("error", result.Error ?? "the tool failed");
            if (result.Result is { } details)
            {
                w.WritePropertyName("result");
                details.WriteTo(w);
            }
        });
    }

    /// <summary>The arguments of a recorded call as the chat abstraction holds them.</summary>
    public static Dictionary<string, object?> Arguments(JsonElement parameters)
    {
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (parameters.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in parameters.EnumerateObject())
            {
                args[p.Name] = p.Value.Clone();
            }
        }

        return args;
    }

    public static long? MessageSeqOf(StateChanged state) =>
        state.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("messageSeq", out var seq) && seq.TryGetInt64(out var n) ? n : null;

    private static string UserText(MessageReceived m)
    {
        if (m.Attachments.Count == 0)
        {
            return m.Text;
        }

        var text = new StringBuilder(m.Text);
        foreach (var a in m.Attachments)
        {
            if (a is null)
            {
                continue;
            }

            text.Append("\n[attachment: ").Append(a.FileName ?? a.Id ?? "file");
            if (a.MimeType is not null)
            {
                text.Append(", ").Append(a.MimeType);
            }

            if (a.SizeBytes is { } size)
            {
                text.Append(", ").Append(size).Append(" bytes");
            }

            // A channel's download into the workspace is given as a workspace-relative path the file tools take.
            if (a.Url is { Length: > 0 } url && !url.Contains("://", StringComparison.Ordinal))
            {
                text.Append(", saved in the workspace at ").Append(url);
            }

            text.Append(']');
        }

        return text.ToString();
    }

    private sealed record Entry(ChatMessage Message, long Seq);
}
