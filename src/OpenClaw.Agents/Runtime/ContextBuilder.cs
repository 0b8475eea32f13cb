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

    /// <summary>What a tool call without a recorded result reads as.</summary>
    public const string InterruptedResult = "No result was recorded for this call: the gateway stopped while it ran. Its effects are unknown; check before repeating it.";

    private const int CharsPerToken = 4;
    private const int PerMessageTokens = 8;

    public static BuiltContext Build(IReadOnlyList<SessionEvent> events, IReadOnlySet<long> queuedMessageSeqs, int budgetTokens)
    {
        var entries = Collect(events, queuedMessageSeqs);
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

    private static List<Entry> Collect(IReadOnlyList<SessionEvent> events, IReadOnlySet<long> queued)
    {
        var taken = new HashSet<long>();
        foreach (var e in events)
        {
            if (e is StateChanged { Key: RunStartedKey } s && MessageSeqOf(s) is { } seq)
            {
                taken.Add(seq);
            }
        }

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
                var order = assistant.Contents.OfType<FunctionCallContent>().Select((c, i) => (c.CallId, i)).ToDictionary(x => x.CallId, x => x.i, StringComparer.Ordinal);
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
                case MessageReceived m when queued.Contains(m.Seq):
                    break;
                case MessageReceived m:
                    AddUser(m);
                    break;
                case StateChanged { Key: RunStartedKey } s when MessageSeqOf(s) is { } seq && deferred.Remove(seq, out var message):
                    AddUser(message);
                    break;
                case AgentResponse r:
                    CloseExchange();
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
                    break;
                default:
                    break;
            }
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
            text.Append("\n[attachment: ").Append(a.FileName ?? a.Id ?? "file");
            if (a.MimeType is not null)
            {
                text.Append(", ").Append(a.MimeType);
            }

            if (a.SizeBytes is { } size)
            {
                text.Append(", ").Append(size).Append(" bytes");
            }

            text.Append(']');
        }

        return text.ToString();
    }

    private sealed record Entry(ChatMessage Message, long Seq);
}
