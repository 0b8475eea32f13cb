using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace OpenClaw.Agents.Tests.Runtime;

/// <summary>An IChatClient that answers from a script and records the messages of every call.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<IReadOnlyList<ChatMessage>, IEnumerable<ChatResponseUpdate>>> _script = new();
    private readonly List<IReadOnlyList<ChatMessage>> _calls = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<IReadOnlyList<ChatMessage>> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>When set, every call waits for it after recording itself (to hold calls in flight together).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completes when two calls are in flight at once.</summary>
    public TaskCompletionSource TwoInFlight { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _inFlight;

    public void Say(string text) => _script.Enqueue(_ => [new ChatResponseUpdate(ChatRole.Assistant, text) { Contents = { new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 3 }) } }]);

    public void CallTool(string callId, string tool, string argumentsJson) => _script.Enqueue(_ =>
    [
        new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent(callId, tool, OpenClaw.Agents.Runtime.ContextBuilder.Arguments(System.Text.Json.JsonDocument.Parse(argumentsJson).RootElement))]),
    ]);

    public void CallToolTwice(string callId, string tool, string argumentsJson) => _script.Enqueue(_ =>
    [
        new ChatResponseUpdate(ChatRole.Assistant, [
            new FunctionCallContent(callId, tool, OpenClaw.Agents.Runtime.ContextBuilder.Arguments(System.Text.Json.JsonDocument.Parse(argumentsJson).RootElement)),
            new FunctionCallContent(callId, tool, OpenClaw.Agents.Runtime.ContextBuilder.Arguments(System.Text.Json.JsonDocument.Parse(argumentsJson).RootElement)),
        ]),
    ]);

    public void Throw(Exception exception) => _script.Enqueue(_ => throw exception);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var snapshot = messages.Select(m => m.Clone()).ToList();
        Func<IReadOnlyList<ChatMessage>, IEnumerable<ChatResponseUpdate>> next;
        lock (_gate)
        {
            _calls.Add(snapshot);
            next = _script.Count > 0 ? _script.Dequeue() : _ => [new ChatResponseUpdate(ChatRole.Assistant, "(default reply)")];
        }

        await Task.Yield();
        if (Interlocked.Increment(ref _inFlight) >= 2)
        {
            TwoInFlight.TrySetResult();
        }

        try
        {
            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        foreach (var update in next(snapshot))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
