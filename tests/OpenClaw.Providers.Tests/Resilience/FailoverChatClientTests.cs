using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Providers.Resilience;
using OpenClaw.Testing;

namespace OpenClaw.Providers.Tests.Resilience;

public sealed class FailoverChatClientTests
{
    private static readonly ResilienceTuning s_fast = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(60))
    {
        Randomizer = () => 0.5,
    };

    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "hi")];

    private readonly RecordingLogger<FailoverChatClient> _log = new();
    private readonly FakeTimeProvider _clock = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_primary_keeps_failing_after_its_retries_the_fallback_answers_with_its_model()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 500));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("from the fallback"));
        var primaryCircuit = new ProviderCircuit("anthropic", TimeProvider.System, CircuitTuning.Default with { MinimumThroughput = 100 });
        using var resilientPrimary = new ResilientChatClient(primary, "anthropic", 2, primaryCircuit, TimeProvider.System, _log, s_fast);
        using var client = new FailoverChatClient(
            [new("anthropic", "claude-sonnet", resilientPrimary, primaryCircuit), Target("openai", "gpt-fallback", fallback)], _log);

        var response = await client.GetResponseAsync(s_prompt, new ChatOptions { ModelId = "ignored", Temperature = 0.5f }, Ct);

        Assert.Equal("from the fallback", response.Text);
        Assert.Equal("gpt-fallback", response.ModelId);
        Assert.Equal(3, primary.Calls);
        Assert.Equal(["claude-sonnet", "claude-sonnet", "claude-sonnet"], primary.Models);
        Assert.Equal(["gpt-fallback"], fallback.Models);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("failing over to model gpt-fallback of provider openai", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_model_that_answered_is_kept_when_the_provider_names_it()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 529));
        var fallback = new ScriptedChatClient(new ScriptedStep([new ChatResponseUpdate(ChatRole.Assistant, "hi") { ModelId = "gpt-4o-2024-08-06" }]));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt-4o", fallback)], _log);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("gpt-4o-2024-08-06", response.ModelId);
    }

    [Fact]
    public async Task The_configured_model_that_answered_is_named_even_when_the_provider_returns_its_own_id()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 529));
        var fallback = new ScriptedChatClient(new ScriptedStep([new ChatResponseUpdate(ChatRole.Assistant, "hi") { ModelId = "gpt-4o-2024-08-06" }]));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt-4o", fallback)], _log);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("gpt-4o-2024-08-06", response.ModelId);
        Assert.Equal("openai/gpt-4o", response.AdditionalProperties?[ProviderMetadata.ModelReferenceKey]);
    }

    [Fact]
    public async Task A_stream_names_the_configured_model_on_its_first_update_after_a_failover()
    {
        var cut = new ProviderException("anthropic", ProviderFailure.Interrupted, "cut");
        var primary = new ScriptedChatClient(new ScriptedStep([], cut));
        var fallback = new ScriptedChatClient(new ScriptedStep([
            new ChatResponseUpdate(ChatRole.Assistant, "") { ModelId = "gpt-4o-2024-08-06" }, new ChatResponseUpdate(ChatRole.Assistant, "Hi")]));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt-4o", fallback)], _log);

        var updates = await ReadAllAsync(client);

        Assert.Equal("openai/gpt-4o", updates[0].AdditionalProperties?[ProviderMetadata.ModelReferenceKey]);
        Assert.Equal("gpt-4o-2024-08-06", updates[0].ModelId);
        Assert.Equal("openai/gpt-4o", updates.ToChatResponse().AdditionalProperties?[ProviderMetadata.ModelReferenceKey]);
    }

    [Fact]
    public async Task A_primary_whose_circuit_is_open_is_skipped_without_a_call()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 503));
        var primaryCircuit = new ProviderCircuit("anthropic", _clock);
        using var resilientPrimary = new ResilientChatClient(primary, "anthropic", 0, primaryCircuit, _clock, _log, s_fast);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(() => resilientPrimary.GetResponseAsync(s_prompt, cancellationToken: Ct));
        }

        var fallback = new ScriptedChatClient(ScriptedStep.Answer("fallback"));
        using var client = new FailoverChatClient(
            [new("anthropic", "claude", resilientPrimary, primaryCircuit), Target("openai", "gpt", fallback)], _log);

        var response = await client.GetResponseAsync(s_prompt, cancellationToken: Ct);

        Assert.Equal("fallback", response.Text);
        Assert.Equal("gpt", response.ModelId);
        Assert.Equal(4, primary.Calls);
        Assert.Contains(_log.Entries, e => e.Message.Contains("circuit is open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_request_does_not_fail_over()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 400));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("never"));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt", fallback)], _log);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.Rejected, error.Failure);
        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task When_every_model_fails_the_error_is_the_last_one_and_names_every_provider_tried()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Status("anthropic", 500));
        var second = new ScriptedChatClient(ScriptedStep.Status("openai", 429));
        var openCircuit = OpenCircuit("local");
        var third = new ScriptedChatClient(ScriptedStep.Answer("never"));
        using var client = new FailoverChatClient(
            [Target("anthropic", "claude", primary), Target("openai", "gpt", second), new("local", "llama", third, openCircuit)], _log);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal("openai", error.Provider);
        Assert.Equal(ProviderFailure.RateLimited, error.Failure);
        Assert.Equal(429, error.Status);
        Assert.Contains("anthropic/claude: ServerError (HTTP 500)", error.Message, StringComparison.Ordinal);
        Assert.Contains("openai/gpt: RateLimited (HTTP 429)", error.Message, StringComparison.Ordinal);
        Assert.Contains("local/llama: circuit open, not called", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, third.Calls);
    }

    [Fact]
    public async Task When_every_circuit_is_open_nothing_is_called_and_the_error_says_so()
    {
        var primary = new ScriptedChatClient(ScriptedStep.Answer("never"));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("never"));
        using var client = new FailoverChatClient(
            [new("anthropic", "claude", primary, OpenCircuit("anthropic")), new("openai", "gpt", fallback, OpenCircuit("openai"))], _log);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.CircuitOpen, error.Failure);
        Assert.Contains("anthropic/claude", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, primary.Calls + fallback.Calls);
    }

    [Fact]
    public async Task A_single_model_chain_surfaces_the_providers_own_error()
    {
        var only = new ProviderException("anthropic", ProviderFailure.ServerError, "provider 'anthropic' answered HTTP 500", 500);
        using var client = new FailoverChatClient([Target("anthropic", "claude", new ScriptedChatClient(ScriptedStep.Fail(only)))], _log);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_prompt, cancellationToken: Ct));

        Assert.Same(only, error);
    }

    [Fact]
    public async Task A_stream_fails_over_when_the_primary_fails_before_its_first_token()
    {
        var cut = new ProviderException("anthropic", ProviderFailure.Interrupted, "cut");
        var primary = new ScriptedChatClient(new ScriptedStep([new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "primary" }], cut));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("Hi", "!"));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt", fallback)], _log);

        var updates = await ReadAllAsync(client);

        Assert.Equal(["Hi", "!"], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal("gpt", u.ModelId));
        Assert.DoesNotContain(updates, u => u.ResponseId == "primary");
    }

    [Fact]
    public async Task A_stream_fails_over_when_the_primary_fails_right_after_an_empty_role_chunk()
    {
        // The OpenAI adapter's first update (delta {"role":"assistant","content":""}) holds an empty TextContent.
        var cut = new ProviderException("openai", ProviderFailure.Interrupted, "cut");
        var primary = new ScriptedChatClient(new ScriptedStep([new ChatResponseUpdate(ChatRole.Assistant, "") { ResponseId = "primary" }], cut));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("Hi"));
        using var client = new FailoverChatClient([Target("openai", "gpt", primary), Target("anthropic", "claude", fallback)], _log);

        var updates = await ReadAllAsync(client);

        Assert.Equal("Hi", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(1, fallback.Calls);
        Assert.DoesNotContain(updates, u => u.ResponseId == "primary");
    }

    [Fact]
    public async Task A_stream_never_fails_over_after_content_streamed()
    {
        var cut = new ProviderException("anthropic", ProviderFailure.Interrupted, "cut");
        var primary = new ScriptedChatClient(ScriptedStep.AnswerThenFail(cut, "Hel"));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("never"));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt", fallback)], _log);
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
            {
                seen.Add(update.Text);
                Assert.Equal("claude", update.ModelId);
            }
        });

        Assert.Same(cut, error);
        Assert.Equal(["Hel"], seen);
        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task A_caller_cancellation_does_not_fail_over()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var primary = new ScriptedChatClient(new ScriptedStep([], CancelCaller: caller));
        var fallback = new ScriptedChatClient(ScriptedStep.Answer("never"));
        using var client = new FailoverChatClient([Target("anthropic", "claude", primary), Target("openai", "gpt", fallback)], _log);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(s_prompt, cancellationToken: caller.Token));

        Assert.Equal(0, fallback.Calls);
    }

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(FailoverChatClient client)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(s_prompt, cancellationToken: Ct))
        {
            updates.Add(update);
        }

        return updates;
    }

    private FailoverTarget Target(string provider, string model, IChatClient client) => new(provider, model, client, new ProviderCircuit(provider, _clock));

    private ProviderCircuit OpenCircuit(string provider)
    {
        var circuit = new ProviderCircuit(provider, _clock);
        var failure = new ProviderException(provider, ProviderFailure.ServerError, "down", 500);
        for (var i = 0; i < 4; i++)
        {
            Assert.Throws<ProviderException>(() => circuit.Pipeline.Execute(() => throw failure));
        }

        Assert.True(circuit.IsOpen);
        return circuit;
    }
}
