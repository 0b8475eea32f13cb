using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Providers.Resilience;
using OpenClaw.Testing;

namespace OpenClaw.Providers.Tests.Resilience;

public sealed class ResilientChatClientTests
{
    private const string Provider = "anthropic";
    private static readonly ResilienceTuning s_fast = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(60))
    {
        Randomizer = () => 0.5,
    };

    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "hi")];

    private readonly RecordingLogger<ResilientChatClient> _log = new();
    private readonly InstantTimeProvider _time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long_then_succeeds()
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 429, retryAfterSeconds: 1), ScriptedStep.Answer("Hello"));
        using var client = Create(inner);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("Hello", response.Text);
        Assert.Equal(2, inner.Calls);
        Assert.Equal([TimeSpan.FromSeconds(1)], _time.Delays);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("RateLimited", StringComparison.Ordinal)
            && e.Message.Contains("429", StringComparison.Ordinal) && e.Message.Contains("1000 ms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(529)]
    public async Task A_server_error_or_overload_is_retried_with_a_short_backoff(int status)
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, status), ScriptedStep.Answer("Hello"));
        using var client = Create(inner);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("Hello", response.Text);
        Assert.Equal(2, inner.Calls);
        var delay = Assert.Single(_time.Delays);
        Assert.InRange(delay, TimeSpan.Zero, s_fast.MaxDelay);
    }

    [Fact]
    public async Task Backoff_never_exceeds_the_cap()
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 500));
        var lenientCircuit = new ProviderCircuit(Provider, _time, CircuitTuning.Default with { MinimumThroughput = 100 });
        using var client = new ResilientChatClient(inner, Provider, 6, lenientCircuit, _time, _log, s_fast);

        await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(7, inner.Calls);
        Assert.Equal(6, _time.Delays.Count);
        Assert.All(_time.Delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), s_fast.MaxDelay));
        Assert.True(_time.Delays[0] < _time.Delays[2], $"backoff grows: {string.Join(", ", _time.Delays)}");
        Assert.Equal(s_fast.MaxDelay, _time.Delays[^1]);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_error_surfaces_and_the_log_counts_the_attempts()
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 500), ScriptedStep.Status(Provider, 502), ScriptedStep.Status(Provider, 503));
        using var client = Create(inner, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(503, error.Status);
        Assert.Equal(ProviderFailure.ServerError, error.Failure);
        Assert.Equal(3, inner.Calls);
        Assert.Contains(_log.Entries, e => e.Message.Contains("after 3 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_stop_as_soon_as_the_circuit_opens()
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 500));
        using var client = Create(inner, maxRetries: 6);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        // Four failed attempts open the circuit (half of at least four calls); the remaining retries are not made.
        Assert.Equal(ProviderFailure.CircuitOpen, error.Failure);
        Assert.Equal(4, inner.Calls);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(413)]
    public async Task A_request_the_provider_refused_is_not_retried(int status)
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, status), ScriptedStep.Answer("never"));
        using var client = Create(inner);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderException.FailureForStatus(status), error.Failure);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_a_minute_fails_at_once_instead_of_hanging()
    {
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 429, retryAfterSeconds: 600), ScriptedStep.Answer("never"));
        using var client = Create(inner);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.RateLimited, error.Failure);
        Assert.Equal(TimeSpan.FromSeconds(600), error.RetryAfter);
        Assert.Equal(1, inner.Calls);
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task Exceptions_a_client_failed_to_map_become_provider_errors_without_their_message()
    {
        const string Leak = "sk-ant-secret-in-exception-text";
        var inner = new ScriptedChatClient(ScriptedStep.Fail(new IOException(Leak)), ScriptedStep.Fail(new HttpRequestException(Leak)),
            ScriptedStep.Fail(new JsonException(Leak)));
        using var client = Create(inner, maxRetries: 2);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        // The broken connection and the failed request were retried; the unreadable answer was not.
        Assert.Equal(3, inner.Calls);
        Assert.Equal(ProviderFailure.InvalidResponse, error.Failure);
        Assert.Equal(Provider, error.Provider);
        Assert.DoesNotContain(Leak, error.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Message.Contains("IOException", StringComparison.Ordinal));
        Assert.All(_log.Entries, e => Assert.DoesNotContain(Leak, e.FullText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_cancellation_is_an_OperationCanceledException_and_is_not_retried()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new ScriptedChatClient(new ScriptedStep([], CancelCaller: caller), ScriptedStep.Answer("never"));
        using var client = Create(inner);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(s_prompt, cancellationToken: caller.Token));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task A_caller_cancelling_after_the_first_token_stops_the_stream_there()
    {
        // chat.abort: the run's token is cancelled while the reply streams; nothing after it may reach the caller.
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new ScriptedChatClient(ScriptedStep.Answer("one ", "two ", "three ", "four"));
        using var client = Create(inner);
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: caller.Token))
            {
                seen.Add(update.Text);
                await caller.CancelAsync();
            }
        });

        Assert.Equal(["one "], seen);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task A_caller_cancelling_while_the_provider_is_silent_mid_reply_ends_the_stream_at_once()
    {
        // chat.abort while the model is thinking between tokens: the cancellation must reach the provider's stream
        // itself (nothing else would end the wait until the stall timeout).
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new OneTokenThenSilentChatClient();
        using var client = Create(inner);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: caller.Token))
            {
                first.TrySetResult();
            }
        }, Ct);
        await first.Task.WaitAsync(TestTimeouts.Default, Ct);
        await inner.Silent.WaitAsync(TestTimeouts.Default, Ct);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TestTimeouts.Default, Ct));
        Assert.True(inner.SawCancellation);
    }

    [Fact]
    public async Task A_stream_that_fails_after_a_token_is_not_retried()
    {
        var cut = new ProviderException(Provider, ProviderFailure.Interrupted, "cut");
        var inner = new ScriptedChatClient(ScriptedStep.AnswerThenFail(cut, "Hel"), ScriptedStep.Answer("never"));
        using var client = Create(inner);
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Same(cut, error);
        Assert.Equal(["Hel"], seen);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_content_is_retried_and_the_failed_attempt_leaves_no_trace()
    {
        var cut = new ProviderException(Provider, ProviderFailure.Interrupted, "cut");
        var roleOnly = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "first-attempt" };
        var inner = new ScriptedChatClient(new ScriptedStep([roleOnly], cut), ScriptedStep.Answer("Hi", "!"));
        using var client = Create(inner);

        var updates = await ReadAllAsync(client);

        Assert.Equal(2, inner.Calls);
        Assert.Equal(["Hi", "!"], updates.Select(u => u.Text));
        Assert.DoesNotContain(updates, u => u.ResponseId == "first-attempt");
    }

    [Fact]
    public async Task A_stream_cut_right_after_an_empty_role_chunk_is_retried_because_the_user_saw_nothing()
    {
        // Microsoft.Extensions.AI.OpenAI turns OpenAI's first chunk, delta {"role":"assistant","content":""}, into an
        // update holding an empty TextContent; usage arrives alone too. Neither is something the user saw.
        var cut = new ProviderException(Provider, ProviderFailure.Interrupted, "cut");
        var roleChunk = new ChatResponseUpdate(ChatRole.Assistant, "") { ResponseId = "first-attempt" };
        var usageOnly = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3 })] };
        var inner = new ScriptedChatClient(new ScriptedStep([roleChunk, usageOnly], cut), ScriptedStep.Answer("Hi"));
        using var client = Create(inner);

        var updates = await ReadAllAsync(client);

        Assert.Equal(2, inner.Calls);
        Assert.Equal("Hi", string.Concat(updates.Select(u => u.Text)));
        Assert.DoesNotContain(updates, u => u.ResponseId == "first-attempt");
    }

    [Fact]
    public async Task A_stream_cut_after_reasoning_or_a_tool_call_is_not_retried()
    {
        var cut = new ProviderException(Provider, ProviderFailure.Interrupted, "cut");
        var reasoning = new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new TextReasoningContent("") { ProtectedData = "sig" }] };
        var toolCall = new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new FunctionCallContent("c1", "search")] };
        var inner = new ScriptedChatClient(new ScriptedStep([reasoning], cut), new ScriptedStep([toolCall], cut));
        using var client = Create(inner);

        await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));
        await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));

        Assert.Equal(2, inner.Calls);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stream_that_only_sends_keep_alives_times_out_at_the_first_content_deadline_and_is_retried()
    {
        var inner = new KeepAliveOnlyChatClient();
        var deadline = TimeSpan.FromSeconds(60);
        using var client = new ResilientChatClient(inner, Provider, 2, new ProviderCircuit(Provider, _time), _time, _log, s_fast, deadline);

        var error = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));

        Assert.Equal((ProviderFailure.Timeout, Provider), (error.Failure, error.Provider));
        Assert.True(error.IsTransient);
        Assert.Contains("sent no content within 60 s (timeouts.firstByteSeconds)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(3, _time.Delays.Count(d => d == deadline));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_non_streamed_request_is_streamed_so_it_shares_the_first_content_deadline_and_its_retries()
    {
        var inner = new KeepAliveOnlyChatClient();
        var deadline = TimeSpan.FromSeconds(60);
        using var client = new ResilientChatClient(inner, Provider, 2, new ProviderCircuit(Provider, _time), _time, _log, s_fast, deadline);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.Timeout, error.Failure);
        Assert.Contains("timeouts.firstByteSeconds", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task A_non_streamed_answer_is_assembled_from_the_stream_with_its_usage_and_model()
    {
        var inner = new ScriptedChatClient(new ScriptedStep([
            new ChatResponseUpdate(ChatRole.Assistant, "") { ModelId = "claude-x-2025" },
            new ChatResponseUpdate(ChatRole.Assistant, "Hel"),
            new ChatResponseUpdate(ChatRole.Assistant, "lo") { FinishReason = ChatFinishReason.Stop },
            new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 2 })] },
        ]));
        using var client = Create(inner);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("Hello", response.Text);
        Assert.Equal("claude-x-2025", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((7L, 2L), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount));
    }

    [Fact]
    public async Task A_tool_call_that_takes_longer_than_the_deadline_to_generate_is_not_cut_once_the_model_started_answering()
    {
        var clock = new FakeTimeProvider();
        var inner = new SlowToolCallChatClient();
        using var client = new ResilientChatClient(inner, Provider, 2, new ProviderCircuit(Provider, clock), clock, _log, s_fast, TimeSpan.FromSeconds(60));

        var reading = Task.Run(async () =>
        {
            var calls = new List<FunctionCallContent>();
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
            {
                calls.AddRange(update.Contents.OfType<FunctionCallContent>());
            }

            return calls;
        }, Ct);
        await inner.Started.WaitAsync(Ct);
        clock.Advance(TimeSpan.FromMinutes(5)); // the arguments take five minutes to generate
        inner.Finish.SetResult();

        var call = Assert.Single(await reading);
        Assert.Equal("write_file", call.Name);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Content_that_arrives_before_the_first_content_deadline_is_not_cut_when_the_deadline_passes()
    {
        var clock = new FakeTimeProvider();
        var inner = new ScriptedChatClient(ScriptedStep.Answer("Hel", "lo"));
        using var client = new ResilientChatClient(inner, Provider, 2, new ProviderCircuit(Provider, clock), clock, _log, s_fast, TimeSpan.FromSeconds(1));
        var text = "";

        await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
        {
            text += update.Text;
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal("Hello", text);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Updates_without_content_before_the_first_token_are_forwarded_in_order()
    {
        var roleOnly = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "r1" };
        var inner = new ScriptedChatClient(new ScriptedStep([roleOnly, new ChatResponseUpdate(ChatRole.Assistant, "Hi")]));
        using var client = Create(inner);

        var updates = await ReadAllAsync(client);

        Assert.Equal(2, updates.Count);
        Assert.Same(roleOnly, updates[0]);
        Assert.Equal("Hi", updates[1].Text);
    }

    [Fact]
    public async Task A_stream_cancelled_by_the_caller_before_its_first_token_is_not_retried()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new ScriptedChatClient(new ScriptedStep([], CancelCaller: caller), ScriptedStep.Answer("never"));
        using var client = Create(inner);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: caller.Token))
            {
                Assert.Fail("nothing streams");
            }
        });

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_then_fails_fast_without_calling_the_provider()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 500));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        }

        Assert.True(circuit.IsOpen);
        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        Assert.Equal(ProviderFailure.CircuitOpen, error.Failure);
        Assert.Contains("not calling it for 30 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, inner.Calls);
    }

    [Fact]
    public async Task A_failed_stream_is_counted_by_the_circuit_before_the_caller_sees_it()
    {
        // The caller's very next look at the circuit must see the failure it was just given (no window where a
        // provider that just opened its circuit still reads closed and gets called again).
        for (var round = 0; round < 200; round++)
        {
            var clock = new FakeTimeProvider();
            var circuit = new ProviderCircuit(Provider, clock);
            var cut = new ProviderException(Provider, ProviderFailure.ServerError, "down", 500);
            var inner = new ScriptedChatClient(new ScriptedStep([], cut));
            using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);

            for (var i = 0; i < 4; i++)
            {
                await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));
            }

            Assert.True(circuit.IsOpen, $"round {round}: the circuit reads closed right after its fourth failure");
            Assert.Equal(TimeSpan.FromSeconds(30), circuit.RemainingBreak);
        }
    }

    [Fact]
    public async Task The_circuit_lets_a_probe_through_after_the_break_and_closes_when_it_succeeds()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var inner = new ScriptedChatClient(
            ScriptedStep.Status(Provider, 500), ScriptedStep.Status(Provider, 500), ScriptedStep.Status(Provider, 500), ScriptedStep.Status(Provider, 500),
            ScriptedStep.Answer("back"));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        }

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(circuit.IsOpen);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(circuit.IsOpen);

        Assert.Equal("back", (await client.GetResponseAsync(s_prompt, cancellationToken: Ct)).Text);
        Assert.Equal("back", (await client.GetResponseAsync(s_prompt, cancellationToken: Ct)).Text);
        Assert.Equal(6, inner.Calls);
        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public async Task A_failed_probe_after_the_break_opens_the_circuit_again_at_once()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 502));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        var probe = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.ServerError, probe.Failure);
        Assert.True(circuit.IsOpen);
        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        Assert.Equal(ProviderFailure.CircuitOpen, error.Failure);
        Assert.Equal(5, inner.Calls);
    }

    [Fact]
    public async Task Rejected_requests_and_caller_cancellations_do_not_open_the_circuit()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new ScriptedChatClient(
            ScriptedStep.Status(Provider, 400), ScriptedStep.Status(Provider, 400), ScriptedStep.Status(Provider, 404),
            ScriptedStep.Status(Provider, 413), ScriptedStep.Status(Provider, 422), new ScriptedStep([], CancelCaller: caller));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(s_prompt, cancellationToken: caller.Token));
        Assert.False(circuit.IsOpen);
        Assert.Equal(6, inner.Calls);
    }

    [Fact]
    public async Task Rate_limits_do_not_open_the_circuit_so_other_models_and_agents_keep_the_provider()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var inner = new ScriptedChatClient(ScriptedStep.Status(Provider, 429), ScriptedStep.Status(Provider, 429), ScriptedStep.Status(Provider, 429),
            ScriptedStep.Status(Provider, 429), ScriptedStep.Status(Provider, 429), ScriptedStep.Answer("still here"));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);

        for (var i = 0; i < 5; i++)
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));
            Assert.Equal(ProviderFailure.RateLimited, error.Failure);
        }

        Assert.False(circuit.IsOpen);
        Assert.Equal("still here", (await client.GetResponseAsync(s_prompt, cancellationToken: Ct)).Text);
        Assert.Equal(6, inner.Calls);
    }

    [Fact]
    public async Task Streams_that_break_after_their_first_token_count_against_the_circuit()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var cut = new ProviderException(Provider, ProviderFailure.Interrupted, "cut");
        var inner = new ScriptedChatClient(ScriptedStep.AnswerThenFail(cut, "Hel"));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 2, circuit, clock, _log);

        // Each broken stream is a started call (a success) and a break (a failure): half of four calls after two.
        for (var i = 0; i < 2; i++)
        {
            var broken = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));
            Assert.Equal(ProviderFailure.Interrupted, broken.Failure);
        }

        Assert.True(circuit.IsOpen);
        var error = await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));
        Assert.Equal(ProviderFailure.CircuitOpen, error.Failure);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task A_half_open_probe_closes_the_circuit_at_its_first_token_not_at_the_end_of_a_long_answer()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var failing = new ScriptedChatClient(ScriptedStep.Status(Provider, 500));
        using (var breaker = new ResilientChatClient(failing, Provider, maxRetries: 0, circuit, clock, _log))
        {
            for (var i = 0; i < 4; i++)
            {
                await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(breaker));
            }
        }

        Assert.True(circuit.IsOpen);
        clock.Advance(TimeSpan.FromSeconds(30));
        var slow = new GatedAnswerChatClient();
        using var client = new ResilientChatClient(slow, Provider, maxRetries: 0, circuit, clock, _log);
        await using var probe = client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct).GetAsyncEnumerator(Ct);

        Assert.True(await probe.MoveNextAsync()); // the first token of a long answer
        Assert.Equal("Hel", probe.Current.Text);
        Assert.False(circuit.IsOpen);
        var other = await client.GetResponseAsync(s_prompt, cancellationToken: Ct); // while the probe still streams
        Assert.Equal("Hello", other.Text);

        slow.Finish.SetResult();
        while (await probe.MoveNextAsync())
        {
        }

        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public async Task A_complete_stream_counts_as_a_success_for_the_circuit()
    {
        var clock = new FakeTimeProvider();
        var circuit = new ProviderCircuit(Provider, clock);
        var inner = new ScriptedChatClient(
            ScriptedStep.Answer("ok"), ScriptedStep.Answer("ok"), ScriptedStep.Answer("ok"), ScriptedStep.Status(Provider, 500),
            ScriptedStep.Status(Provider, 500), ScriptedStep.Answer("ok"));
        using var client = new ResilientChatClient(inner, Provider, maxRetries: 0, circuit, clock, _log);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", string.Concat((await ReadAllAsync(client)).Select(u => u.Text)));
        }

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => ReadAllAsync(client));
        }

        // Two failures in five calls is under half: the provider is still called.
        Assert.False(circuit.IsOpen);
        Assert.Equal("ok", string.Concat((await ReadAllAsync(client)).Select(u => u.Text)));
    }

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(ResilientChatClient client)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
        {
            updates.Add(update);
        }

        return updates;
    }

    private ResilientChatClient Create(IChatClient inner, int maxRetries = 2) =>
        new(inner, Provider, maxRetries, new ProviderCircuit(Provider, _time), _time, _log, s_fast);
}

/// <summary>A provider that starts a tool call at once (a content-less update) and finishes it when told.</summary>
internal sealed class SlowToolCallChatClient : IChatClient
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public Task Started => _started.Task;

    public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls => Volatile.Read(ref _calls);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant };
        _started.TrySetResult();
        await Finish.Task.WaitAsync(cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("c1", "write_file")]) { FinishReason = ChatFinishReason.ToolCalls };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Answers "Hel" at once and the rest when told; calls after the first answer in full at once.</summary>
internal sealed class GatedAnswerChatClient : IChatClient
{
    private int _calls;

    public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = Interlocked.Increment(ref _calls) == 1;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
        if (first)
        {
            await Finish.Task.WaitAsync(cancellationToken);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, "lo") { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
