using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Tests.Resilience;

/// <summary>One scripted answer of a <see cref="ScriptedChatClient"/>: the updates it streams, then (optionally) a failure.</summary>
/// <param name="Updates">What the call returns (a non-streaming call joins them into one response).</param>
/// <param name="Failure">Thrown after <paramref name="Updates"/> (for a non-streaming call: instead of answering).</param>
/// <param name="CancelCaller">Cancelled (the caller's token) when the call starts, as if the user gave up mid-request.</param>
internal sealed record ScriptedStep(IReadOnlyList<ChatResponseUpdate> Updates, Exception? Failure = null, CancellationTokenSource? CancelCaller = null)
{
    /// <summary>Answers <paramref name="pieces"/> as one text update each.</summary>
    public static ScriptedStep Answer(params string[] pieces) =>
        new([.. pieces.Select(p => new ChatResponseUpdate(ChatRole.Assistant, p))]);

    /// <summary>Fails at once (before any update).</summary>
    public static ScriptedStep Fail(Exception failure) => new([], failure);

    /// <summary>Fails with the provider failure an HTTP status maps to.</summary>
    public static ScriptedStep Status(string provider, int status, int? retryAfterSeconds = null) => Fail(
        new ProviderException(provider, ProviderException.FailureForStatus(status), $"provider '{provider}' answered HTTP {status}", status,
            retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null));

    /// <summary>Streams <paramref name="pieces"/> as text updates, then fails.</summary>
    public static ScriptedStep AnswerThenFail(Exception failure, params string[] pieces) => Answer(pieces) with { Failure = failure };
}

/// <summary>
/// A hand-written <see cref="IChatClient"/> that plays <see cref="ScriptedStep"/>s in order, one per call (the last
/// step repeats), and records every call's model id.
/// </summary>
internal sealed class ScriptedChatClient(params ScriptedStep[] steps) : IChatClient
{
    private readonly ConcurrentQueue<ScriptedStep> _steps = new(steps);
    private readonly ConcurrentQueue<string?> _models = new();
    private ScriptedStep _last = steps.Length > 0 ? steps[^1] : ScriptedStep.Answer("ok");

    /// <summary>How many calls arrived.</summary>
    public int Calls => _models.Count;

    /// <summary>The <see cref="ChatOptions.ModelId"/> of every call, in order.</summary>
    public IReadOnlyList<string?> Models => [.. _models];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var step = Next(options);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (step.Failure is not null)
        {
            throw step.Failure;
        }

        return step.Updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var step = Next(options);
        foreach (var update in step.Updates)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }

        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (step.Failure is not null)
        {
            throw step.Failure;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private ScriptedStep Next(ChatOptions? options)
    {
        _models.Enqueue(options?.ModelId);
        if (_steps.TryDequeue(out var step))
        {
            _last = step;
        }
        else
        {
            step = _last;
        }

        step.CancelCaller?.Cancel();
        return step;
    }
}

/// <summary>A clock whose timers fire at once, recording how long each was asked to wait (so retry delays are asserted, not waited).</summary>
internal sealed class InstantTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>Every timer's due time, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _delays.Enqueue(dueTime);
            dueTime = TimeSpan.Zero;
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }
}

/// <summary>
/// A stream that stays alive without ever saying anything: the provider sends only keep-alives (Anthropic's
/// <c>ping</c>, OpenRouter's <c>: PROCESSING</c>), which the clients swallow, so no update comes until the caller's
/// token is cancelled.
/// </summary>
internal sealed class KeepAliveOnlyChatClient : IChatClient
{
    private int _calls;

    /// <summary>How many calls arrived.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        yield break;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Streams one token, then says nothing more until the caller's token is cancelled (a model pausing mid-reply).</summary>
internal sealed class OneTokenThenSilentChatClient : IChatClient
{
    private readonly TaskCompletionSource _silent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _sawCancellation;

    /// <summary>Completes once the first token went out and the stream is waiting.</summary>
    public Task Silent => _silent.Task;

    /// <summary>Whether the stream's own token was cancelled while it waited.</summary>
    public bool SawCancellation => _sawCancellation;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "one ");
        _silent.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _sawCancellation = true;
            throw;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
