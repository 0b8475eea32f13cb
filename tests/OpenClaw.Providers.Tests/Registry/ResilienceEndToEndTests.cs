using System.Diagnostics;
using Microsoft.Extensions.AI;
using OpenClaw.Core.Config;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Registry;

/// <summary>
/// Each resilience behaviour through the real stack the gateway builds (registry, timeout handler, retries, circuit
/// breaker, the real clients) against the fakes' real wire formats.
/// </summary>
public sealed class ResilienceEndToEndTests
{
    private static readonly ChatMessage[] s_hello = [new(ChatRole.User, "Hello?")];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("claude", 429)]
    [InlineData("claude", 529)]
    [InlineData("claude", 500)]
    [InlineData("gpt", 429)]
    [InlineData("gpt", 503)]
    public async Task A_transient_status_is_retried_and_the_user_gets_the_answer(string provider, int status)
    {
        await using var fixture = await ProviderFixture.StartAsync();
        var server = fixture.Server(provider);
        server.Enqueue(FakeReply.Failure(status, retryAfterSeconds: 0), FakeReply.Text("second time lucky"));

        var text = await StreamTextAsync(fixture.Registry.ForModels([provider + "/m"]));

        Assert.Equal("second time lucky", text);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Retry_after_is_honoured_before_the_retry()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        fixture.Anthropic.Enqueue(FakeReply.Failure(429, retryAfterSeconds: 1), FakeReply.Text("after waiting"));
        var clock = Stopwatch.StartNew();

        var text = await StreamTextAsync(fixture.Registry.ForModels(["claude/m"]));

        Assert.Equal("after waiting", text);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed.TotalMilliseconds} ms, before the 1 s Retry-After");
    }

    [Fact]
    public async Task A_request_the_provider_rejects_is_not_retried()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        fixture.OpenAI.Enqueue(FakeReply.Failure(400));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(fixture.Registry.ForModels(["gpt/m"])));

        Assert.Equal((ProviderFailure.Rejected, 400, "gpt"), (ex.Failure, ex.Status, ex.Provider));
        Assert.Equal(1, fixture.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("gpt")]
    public async Task A_stream_cut_after_a_token_is_an_error_and_never_retried(string provider)
    {
        await using var fixture = await ProviderFixture.StartAsync();
        var server = fixture.Server(provider);
        server.Enqueue(new FakeReply { Blocks = [new FakeText("one two three four five six")], DeltaChars = 4, CutAfterEvents = 4 });
        var seen = "";

        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in fixture.Registry.ForModels([provider + "/m"]).GetStreamingResponseAsync(s_hello, cancellationToken: Ct))
            {
                seen += update.Text;
            }
        });

        Assert.Equal(ProviderFailure.Interrupted, ex.Failure);
        Assert.StartsWith("one", seen, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("gpt")]
    public async Task A_stream_cut_before_any_token_is_retried(string provider)
    {
        await using var fixture = await ProviderFixture.StartAsync();
        var server = fixture.Server(provider);
        server.Enqueue(new FakeReply { Blocks = [new FakeText("lost")], CutAfterEvents = 1 }, FakeReply.Text("whole"));

        Assert.Equal("whole", await StreamTextAsync(fixture.Registry.ForModels([provider + "/m"])));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task An_overloaded_error_event_before_any_token_is_retried()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        fixture.Anthropic.Enqueue(new FakeReply { Blocks = [new FakeText("lost")], CutAfterEvents = 1, ErrorEventType = "overloaded_error" }, FakeReply.Text("whole"));

        Assert.Equal("whole", await StreamTextAsync(fixture.Registry.ForModels(["claude/m"])));
        Assert.Equal(2, fixture.Anthropic.RequestCount);
    }

    [Fact]
    public async Task A_stalled_stream_fails_as_stalled_after_the_stall_timeout_instead_of_hanging()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => WithProvider(c, "claude", p => p with
        {
            MaxRetries = 0,
            Timeouts = p.Timeouts with { StallSeconds = 1 },
        }));
        fixture.Anthropic.Enqueue(new FakeReply { Blocks = [new FakeText("half of it and then")], DeltaChars = 4, StallAfterEvents = 4 });
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(fixture.Registry.ForModels(["claude/m"])));

        Assert.Equal(ProviderFailure.Stalled, ex.Failure);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Headers_that_never_come_fail_as_a_timeout_instead_of_hanging()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => WithProvider(c, "gpt", p => p with
        {
            MaxRetries = 0,
            Timeouts = p.Timeouts with { FirstByteSeconds = 1 },
        }));
        fixture.OpenAI.Enqueue(new FakeReply { Blocks = [new FakeText("too late")], HeaderDelay = TimeSpan.FromMinutes(5) });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(fixture.Registry.ForModels(["gpt/m"])));

        Assert.Equal((ProviderFailure.Timeout, "gpt"), (ex.Failure, ex.Provider));
        Assert.Contains("firstByteSeconds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_nobody_answers_for_is_a_connection_failure()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => WithProvider(c, "local", p => p with
        {
            MaxRetries = 1,
            BaseUrl = "http://127.0.0.1:9/v1/",
        }));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(fixture.Registry.ForModels(["local/m"])));

        Assert.Equal((ProviderFailure.Connection, "local", (int?)null), (ex.Failure, ex.Provider, ex.Status));
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_is_skipped_for_a_while_without_being_called()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => WithProvider(c, "gpt", p => p with { MaxRetries = 0 }));
        fixture.OpenAI.DefaultReply = FakeReply.Failure(500);
        var client = fixture.Registry.ForModels(["gpt/m"]);
        ProviderException? last = null;
        for (var i = 0; i < 20 && last?.Failure != ProviderFailure.CircuitOpen; i++)
        {
            last = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(client));
        }

        var calls = fixture.OpenAI.RequestCount;
        var again = await Assert.ThrowsAsync<ProviderException>(() => StreamTextAsync(client));

        Assert.Equal(ProviderFailure.CircuitOpen, again.Failure);
        Assert.Equal(calls, fixture.OpenAI.RequestCount);
        Assert.True((await fixture.Registry.GetStatusAsync(Ct)).Single(s => s.Name == "gpt").CircuitOpen);
    }

    private static OpenClawConfig WithProvider(OpenClawConfig config, string name, Func<ProviderOptions, ProviderOptions> edit) => config with
    {
        Providers = new Dictionary<string, ProviderOptions>(config.Providers, StringComparer.Ordinal) { [name] = edit(config.Providers[name]) },
    };

    private static async Task<string> StreamTextAsync(IChatClient client)
    {
        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync(s_hello, cancellationToken: Ct))
        {
            text += update.Text;
        }

        return text;
    }
}
