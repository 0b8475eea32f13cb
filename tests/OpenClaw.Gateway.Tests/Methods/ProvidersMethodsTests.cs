using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Ipc.Dispatch;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Gateway.Tests.Methods;

public sealed class ProvidersMethodsTests
{
    private const string AnthropicKey = "sk-ant-gateway-test-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestGateway Gateway, FakeAnthropicServer Anthropic, FakeOpenAIServer Local)> StartAsync()
    {
        var anthropic = await FakeAnthropicServer.StartAsync(Ct);
        anthropic.ExpectedApiKey = AnthropicKey;
        var local = await FakeOpenAIServer.StartAsync(Ct);
        var gateway = await TestGateway.StartAsync(
            $$"""
            {
              providers: {
                anthropic: { apiKey: "${ANTH_KEY}", baseUrl: "{{anthropic.BaseUrl.AbsoluteUri}}", maxRetries: 0 },
                ollama: { type: "openai-compatible", baseUrl: "{{local.BaseUrl.AbsoluteUri}}" },
                broken: { type: "openai-compatible", baseUrl: "http://127.0.0.1:9/v1", apiKey: "cred:broken-key", maxRetries: 0 },
              },
            }
            """,
            new Dictionary<string, string> { ["ANTH_KEY"] = AnthropicKey });
        return (gateway, anthropic, local);
    }

    [Fact]
    public async Task Status_shows_each_provider_and_whether_it_has_its_key_without_showing_any_key()
    {
        var (gateway, anthropic, local) = await StartAsync();
        await using var _ = gateway;
        await using var __ = anthropic;
        await using var ___ = local;
        using var rpc = gateway.Rpc();

        var result = await rpc.ResultAsync("system.status", null, Ct);
        var providers = result.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);

        Assert.Equal(["anthropic", "broken", "ollama", "openai"], providers.Keys.Order(StringComparer.Ordinal));
        Assert.True(providers["anthropic"].GetProperty("hasKey").GetBoolean());
        Assert.Equal("none", providers["ollama"].GetProperty("auth").GetString());
        Assert.False(providers["broken"].GetProperty("hasKey").GetBoolean());
        Assert.Contains("openclaw credentials set broken-key", providers["broken"].GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains("openclaw credentials set openai", providers["openai"].GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey, result.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_list_reads_each_providers_own_listing()
    {
        var (gateway, anthropic, local) = await StartAsync();
        await using var _ = gateway;
        await using var __ = anthropic;
        await using var ___ = local;
        using var rpc = gateway.Rpc();

        var all = await rpc.ResultAsync("models.list", null, Ct);
        var one = await rpc.ResultAsync("models.list", """{"provider":"ollama"}""", Ct);

        var listed = all.EnumerateArray().Select(m => (m.GetProperty("provider").GetString()!, m.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(anthropic.Models.Select(m => ("anthropic", m)).Concat(local.Models.Select(m => ("ollama", m))), listed);
        Assert.Equal(local.Models, one.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(AnthropicKey, anthropic.Requests[0].Headers["x-api-key"]);
    }

    [Fact]
    public async Task Models_list_of_a_failing_provider_is_a_provider_error_naming_it_and_its_status()
    {
        var (gateway, anthropic, local) = await StartAsync();
        await using var _ = gateway;
        await using var __ = anthropic;
        await using var ___ = local;
        local.ServeModels = false;
        using var rpc = gateway.Rpc();

        var missing = await rpc.ErrorAsync("models.list", """{"provider":"ollama"}""", Ct);
        var unknown = await rpc.ErrorAsync("models.list", """{"provider":"nope"}""", Ct);
        var keyless = await rpc.ErrorAsync("models.list", """{"provider":"broken"}""", Ct);

        Assert.Equal(RpcErrorCodes.ProviderFailure, missing.Code);
        Assert.Equal("ollama", missing.Data!.Value.GetProperty("provider").GetString());
        Assert.Equal(404, missing.Data!.Value.GetProperty("status").GetInt32());
        Assert.Equal(RpcErrorCodes.InvalidParams, unknown.Code);
        Assert.Equal("provider", unknown.Field);
        Assert.Equal(RpcErrorCodes.ProviderFailure, keyless.Code);
        Assert.Equal("missingCredential", keyless.Data!.Value.GetProperty("failure").GetString());
        Assert.Equal(JsonValueKind.Null, keyless.Data!.Value.GetProperty("status").ValueKind);
        Assert.Contains("openclaw credentials set broken-key", keyless.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_summary_reports_tokens_and_requests_by_model_agent_and_day()
    {
        var (gateway, anthropic, local) = await StartAsync();
        await using var _ = gateway;
        await using var __ = anthropic;
        await using var ___ = local;
        var store = gateway.Service<IEventStore>();
        var key = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("me"));
        await store.AppendAsync(new SessionStarted { SessionKey = key }, Ct);
        var first = await store.AppendAsync(new AgentResponse { SessionKey = key, Text = "a", Model = "anthropic/claude-sonnet-4-5", Usage = new TokenUsage(100, 50, 10, 5) }, Ct);
        var second = await store.AppendAsync(new AgentResponse { SessionKey = key, Text = "b", Model = "ollama/llama3", Usage = new TokenUsage(7, 3, 0, 0) }, Ct);
        using var rpc = gateway.Rpc();

        var byModel = await rpc.ResultAsync("usage.summary", null, Ct);
        var byDay = await rpc.ResultAsync("usage.summary", """{"groupBy":"day"}""", Ct);
        var future = await rpc.ResultAsync("usage.summary", """{"since":"2999-01-01","groupBy":"agent"}""", Ct);
        var sinceWithOffset = await rpc.ResultAsync("usage.summary", """{"since":"2000-01-01T08:00:00+02:00"}""", Ct);

        Assert.Equal(["anthropic/claude-sonnet-4-5", "ollama/llama3"], byModel.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        var total = byModel.GetProperty("total");
        Assert.Equal((2, 107, 53, 10, 5, 175), (total.GetProperty("requests").GetInt32(), total.GetProperty("inputTokens").GetInt32(),
            total.GetProperty("outputTokens").GetInt32(), total.GetProperty("cacheReadTokens").GetInt32(),
            total.GetProperty("cacheWriteTokens").GetInt32(), total.GetProperty("totalTokens").GetInt32()));
        var days = byDay.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToList();
        Assert.Equal(new[] { first, second }.Select(e => e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Distinct(), days);
        Assert.Equal(0, future.GetProperty("rows").GetArrayLength());
        Assert.Equal("2000-01-01T06:00:00.0000000+00:00", sinceWithOffset.GetProperty("since").GetString());
        Assert.Equal(2, sinceWithOffset.GetProperty("total").GetProperty("requests").GetInt32());
    }

    [Theory]
    [InlineData("""{"groupBy":"week"}""", "groupBy")]
    [InlineData("""{"since":"last tuesday"}""", "since")]
    [InlineData("""{"since":42}""", "since")]
    [InlineData("""{"since":"11/01/2026"}""", "since")]
    [InlineData("""{"since":"12:00"}""", "since")]
    public async Task Usage_summary_refuses_bad_params_naming_the_field(string paramsJson, string field)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("usage.summary", paramsJson, Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(field, error.Field);
    }
}
