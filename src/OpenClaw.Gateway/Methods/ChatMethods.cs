using System.Text.Json;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Channels;
using OpenClaw.Gateway.Chat;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>chat.send</c>, <c>chat.abort</c>, <c>chat.history</c> over the agent runtime (docs/agents.md).</summary>
internal sealed class ChatMethods(AgentRuntime runtime, IEventStore store, ChatCommands commands) : IRpcMethodGroup
{
    /// <summary>The longest message accepted, in characters (the transport's size limit applies first).</summary>
    public const int MaxMessageChars = 200_000;

    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyChars = 200;

    /// <summary>The <c>chat.history</c> length when none is given.</summary>
    public const int DefaultHistoryLimit = 100;

    /// <summary>The longest <c>chat.history</c>.</summary>
    public const int MaxHistoryLimit = 1000;

    public void Register(RpcMethodTable table)
    {
        table.Add("chat.send", MethodRoles.For("chat.send"), GatewayJsonContext.Default.ChatSendParams,
            GatewayJsonContext.Default.ChatSendResult, SendAsync);
        table.Add("chat.abort", MethodRoles.For("chat.abort"), GatewayJsonContext.Default.ChatAbortParams,
            GatewayJsonContext.Default.ChatAbortResult, (p, _, _) => ValueTask.FromResult(new ChatAbortResult(runtime.Abort(p.RunId))));
        table.Add("chat.history", MethodRoles.For("chat.history"), GatewayJsonContext.Default.ChatHistoryParams,
            GatewayJsonContext.Default.ChatHistoryResult, HistoryAsync);
    }

    private async ValueTask<ChatSendResult> SendAsync(ChatSendParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        if (p.Message.Length > MaxMessageChars)
        {
            throw RpcException.InvalidParams($"Invalid params: message is longer than {MaxMessageChars} characters.", "message");
        }

        if (p.IdempotencyKey is { Length: 0 or > MaxIdempotencyKeyChars })
        {
            throw RpcException.InvalidParams($"Invalid params: idempotencyKey must be 1 to {MaxIdempotencyKeyChars} characters.", "idempotencyKey");
        }

        // A chat command (/new, /stop, /status, /help) is the gateway's to answer, as on every channel; the caller's
        // own role decides, through the same table as the methods the commands stand for.
        if (p.Attachments is not { Count: > 0 } && ChannelCommand.Parse(p.Message, botAccount: null) is { } command)
        {
            await RequireSessionAsync(key, cancellationToken);
            var done = await commands.RunAsync(command, context.Principal?.Role ?? Role.None, key.Agent, key.Channel, key.Peer, key, cancellationToken);
            return new ChatSendResult(RunId: null, done.Reply, Command: command.Name, SessionKey: done.NewSession?.ToString());
        }

        var sink = context.Connection.CanPush ? new ConnectionChatSink(context.Connection) : null;
        var run = await runtime.SendAsync(key, p.Message, p.Attachments, p.IdempotencyKey, sink, cancellationToken);
        if (p.Wait != true)
        {
            return new ChatSendResult(run.RunId);
        }

        var result = await run.Completion.WaitAsync(cancellationToken);
        return result.Status == RunStatus.Completed
            ? new ChatSendResult(run.RunId, result.Reply, result.Usage)
            : throw new RpcException(result.ErrorCode ?? RpcErrorCodes.InternalError, result.ErrorMessage ?? "The run failed.", new System.Text.Json.Nodes.JsonObject
            {
                ["runId"] = run.RunId,
            });
    }

    private async Task RequireSessionAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var summary = await store.GetSessionAsync(key, cancellationToken)
            ?? throw RpcException.NotFound($"Session {key} does not exist (sessions.list shows the sessions there are).");
        if (summary.State == SessionState.Ended)
        {
            throw new RpcException(RpcErrorCodes.Conflict, $"Session {key} has ended; start another with sessions.create.");
        }
    }

    private async ValueTask<ChatHistoryResult> HistoryAsync(ChatHistoryParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var key = ParseKey(p.SessionKey);
        var limit = p.Limit switch
        {
            null => DefaultHistoryLimit,
            >= 1 and <= MaxHistoryLimit => p.Limit.Value,
            _ => throw RpcException.InvalidParams($"Invalid params: limit must be between 1 and {MaxHistoryLimit}.", "limit"),
        };
        var projection = await store.GetProjectionAsync(key, atSeq: null, cancellationToken)
            ?? throw RpcException.NotFound($"Session {key} does not exist (sessions.list shows the sessions there are).");
        return new ChatHistoryResult(Render(projection, limit));
    }

    /// <summary>The conversation as a person reads it: messages and tool calls in order, the last <paramref name="limit"/>.</summary>
    public static IReadOnlyList<ChatHistoryMessage> Render(SessionProjection projection, int limit)
    {
        var items = new List<ChatHistoryMessage>(projection.Messages.Count + projection.ToolCalls.Count);
        foreach (var m in projection.Messages)
        {
            if (m.Role == MessageRole.Outbound)
            {
                continue; // a channel delivery repeats an assistant message
            }

            items.Add(new ChatHistoryMessage(m.Seq, m.Timestamp, m.Role == MessageRole.User ? "user" : "assistant")
            {
                Text = m.Text,
                Attachments = m.Attachments,
                Model = m.Model,
                Usage = m.Usage,
            });
        }

        foreach (var t in projection.ToolCalls)
        {
            if (t.CallSeq is not { } seq || t.CalledAt is not { } at)
            {
                continue;
            }

            items.Add(new ChatHistoryMessage(seq, at, "tool")
            {
                ToolCallId = t.ToolCallId,
                Tool = t.Tool,
                Params = t.Params,
                Success = t.Success,
                Result = t.Result,
                Error = t.Error,
            });
        }

        items.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return items.Count <= limit ? items : items[^limit..];
    }

    private static SessionKey ParseKey(string text) =>
        SessionKey.TryParse(text, out var key, out var error)
            ? key
            : throw RpcException.InvalidParams("Invalid params: sessionKey: " + error, "sessionKey");
}

/// <summary>The params of <c>chat.send</c>.</summary>
internal sealed record ChatSendParams(string SessionKey, string Message, IReadOnlyList<Attachment>? Attachments = null, string? IdempotencyKey = null, bool? Wait = null);

/// <summary>The result of <c>chat.send</c>: the run id, plus the reply and usage with <c>wait</c>.</summary>
/// <remarks>A chat command has no run: its result is <c>{command, reply, sessionKey?}</c> (the new session after <c>/new</c>).</remarks>
internal sealed record ChatSendResult(string? RunId, string? Reply = null, TokenUsage? Usage = null, string? Command = null, string? SessionKey = null);

/// <summary>The params of <c>chat.abort</c>.</summary>
internal sealed record ChatAbortParams(string RunId);

/// <summary>The result of <c>chat.abort</c>: whether the run was queued or running.</summary>
internal sealed record ChatAbortResult(bool Aborted);

/// <summary>The params of <c>chat.history</c>.</summary>
internal sealed record ChatHistoryParams(string SessionKey, int? Limit = null);

/// <summary>The result of <c>chat.history</c>.</summary>
internal sealed record ChatHistoryResult(IReadOnlyList<ChatHistoryMessage> Messages);

/// <summary>One rendered entry: a user or assistant message, or a tool call with its result.</summary>
internal sealed record ChatHistoryMessage(long Seq, DateTimeOffset Timestamp, string Role)
{
    public string? Text { get; init; }

    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public string? Model { get; init; }

    public TokenUsage? Usage { get; init; }

    public string? ToolCallId { get; init; }

    public string? Tool { get; init; }

    public JsonElement? Params { get; init; }

    public bool? Success { get; init; }

    public JsonElement? Result { get; init; }

    public string? Error { get; init; }
}
