using Microsoft.Extensions.AI;
using OpenClaw.Core.Config;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Registry;

public sealed class ProviderRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChatMessage[] s_hello = [new(ChatRole.User, "Hello?")];

    [Fact]
    public async Task Status_lists_every_provider_with_whether_its_key_is_present_never_the_key()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => c with
        {
            Providers = new Dictionary<string, ProviderOptions>(c.Providers, StringComparer.Ordinal)
            {
                ["nokey"] = ProviderFixture.Provider("nokey", ProviderType.OpenAI, new Uri("http://127.0.0.1:9/v1/")),
            },
        });

        var status = await fixture.Registry.GetStatusAsync(Ct);

        Assert.Equal(["claude", "gpt", "local", "nokey"], status.Select(s => s.Name));
        Assert.Equal(("anthropic", "apiKey", true), (status[0].Type, status[0].Auth, status[0].HasKey));
        Assert.Equal(("openai-compatible", "none", false, (string?)null), (status[2].Type, status[2].Auth, status[2].HasKey, status[2].Problem));
        Assert.False(status[3].HasKey);
        Assert.Contains("openclaw credentials set nokey", status[3].Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderFixture.AnthropicKey, string.Join(" ", status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_without_its_key_fails_with_the_command_that_stores_it_and_sends_nothing()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => c with
        {
            Providers = new Dictionary<string, ProviderOptions>(c.Providers, StringComparer.Ordinal)
            {
                ["claude"] = c.Providers["claude"] with { ApiKey = SecretReference.Credential("claude-unset") },
            },
        });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => fixture.Registry.ForModels(["claude/m"]).GetResponseAsync(s_hello, cancellationToken: Ct));

        Assert.Equal(ProviderFailure.MissingCredential, ex.Failure);
        Assert.Contains("openclaw credentials set claude-unset", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Anthropic.RequestCount);
    }

    [Fact]
    public async Task A_key_stored_while_running_is_used_by_the_next_request()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        fixture.OpenAI.ExpectedApiKey = "sk-rotated-key-abcdefghijkl";
        var client = fixture.Registry.ForModels(["gpt/m"]);
        var refused = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(s_hello, cancellationToken: Ct));
        Assert.Equal(ProviderFailure.Unauthorized, refused.Failure);
        Assert.DoesNotContain(ProviderFixture.OpenAIKey, refused.Message, StringComparison.Ordinal);

        fixture.Credentials.With("gpt", "sk-rotated-key-abcdefghijkl");
        var answer = await client.GetResponseAsync(s_hello, cancellationToken: Ct);

        Assert.Equal("Hello from the fake model.", answer.Text);
    }

    [Fact]
    public async Task A_live_config_edit_moves_the_next_request_to_the_new_address()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        await using var moved = await FakeOpenAIServer.StartAsync(Ct);
        moved.DefaultReply = FakeReply.Text("from the new server");
        var client = fixture.Registry.ForModels(["local/m"]);
        Assert.Equal("Hello from the fake model.", (await client.GetResponseAsync(s_hello, cancellationToken: Ct)).Text);

        fixture.Config = fixture.Config with
        {
            Providers = new Dictionary<string, ProviderOptions>(fixture.Config.Providers, StringComparer.Ordinal)
            {
                ["local"] = fixture.Config.Providers["local"] with { BaseUrl = moved.BaseUrl.AbsoluteUri },
            },
        };

        Assert.Equal("from the new server", (await client.GetResponseAsync(s_hello, cancellationToken: Ct)).Text);
        Assert.Equal(1, moved.RequestCount);
    }

    [Fact]
    public async Task Stacks_replaced_by_config_edits_are_closed_after_their_grace_period_not_kept_forever()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fixture = await ProviderFixture.StartAsync(time: clock);
        var client = fixture.Registry.ForModels(["local/m"]);
        for (var edit = 1; edit <= 3; edit++)
        {
            await client.GetResponseAsync(s_hello, cancellationToken: Ct);
            fixture.Config = fixture.Config with
            {
                Providers = new Dictionary<string, ProviderOptions>(fixture.Config.Providers, StringComparer.Ordinal)
                {
                    ["local"] = fixture.Config.Providers["local"] with { MaxRetries = edit },
                },
            };
        }

        await client.GetResponseAsync(s_hello, cancellationToken: Ct);
        Assert.Equal(3, fixture.Registry.RetiredCount);

        clock.Advance(OpenClaw.Providers.Registry.ProviderRegistry.RetiredGrace);
        fixture.Config = fixture.Config with
        {
            Providers = new Dictionary<string, ProviderOptions>(fixture.Config.Providers, StringComparer.Ordinal)
            {
                ["local"] = fixture.Config.Providers["local"] with { MaxRetries = 0 },
            },
        };
        Assert.Equal("Hello from the fake model.", (await client.GetResponseAsync(s_hello, cancellationToken: Ct)).Text);

        Assert.Equal(1, fixture.Registry.RetiredCount); // only the stack this last edit replaced
    }

    [Fact]
    public async Task An_agent_falls_back_to_its_next_model_when_the_primary_keeps_failing_before_streaming()
    {
        await using var fixture = await ProviderFixture.StartAsync(c => c with
        {
            Providers = new Dictionary<string, ProviderOptions>(c.Providers, StringComparer.Ordinal)
            {
                ["claude"] = c.Providers["claude"] with { MaxRetries = 0 },
            },
            Agents = new Dictionary<string, AgentOptions>(StringComparer.Ordinal)
            {
                ["default"] = AgentOptions.CreateDefault("default", new OpenClaw.Core.State.StatePaths(Path.GetTempPath())) with { Model = "claude/primary-model", Fallbacks = ["gpt/fallback-model"] },
            },
        });
        fixture.Anthropic.Enqueue(FakeReply.Failure(500));
        fixture.OpenAI.Enqueue(FakeReply.Text("the fallback answered"));

        var text = "";
        string? model = null;
        await foreach (var update in fixture.Registry.ForAgent("default").GetStreamingResponseAsync(s_hello, cancellationToken: Ct))
        {
            text += update.Text;
            model ??= update.ModelId;
        }

        Assert.Equal("the fallback answered", text);
        Assert.Equal("fallback-model", model);
        Assert.Equal(1, fixture.Anthropic.RequestCount);
        Assert.Contains("fallback-model", fixture.OpenAI.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_are_listed_per_provider_and_a_server_without_a_listing_is_a_typed_error()
    {
        await using var fixture = await ProviderFixture.StartAsync();
        fixture.Local.ServeModels = false;

        var all = await fixture.Registry.ListModelsAsync(null, Ct);
        var gpt = await fixture.Registry.ListModelsAsync("gpt", Ct);
        var local = await Assert.ThrowsAsync<ProviderException>(() => fixture.Registry.ListModelsAsync("local", Ct));

        Assert.Equal(fixture.Anthropic.Models.Select(m => ("claude", m)).Concat(fixture.OpenAI.Models.Select(m => ("gpt", m))), all.Select(m => (m.Provider, m.Id)));
        Assert.Equal(fixture.OpenAI.Models, gpt.Select(m => m.Id));
        Assert.Equal(404, local.Status);
    }
}
