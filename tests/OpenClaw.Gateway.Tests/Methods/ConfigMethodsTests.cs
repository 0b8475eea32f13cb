using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Tests.Methods;

public sealed class ConfigMethodsTests
{
    private const string LiteralKey = "sk-literal-SECRET-1234567890";
    private const string EnvKey = "env-secret-abcdef";
    private const string BotToken = "123456:tg-literal-TOKEN";

    private const string ConfigWithSecrets = $$"""
        // the operator's own note, which config.set must keep
        {
          gateway: { port: 0 },
          providers: {
            openai: { apiKey: "{{LiteralKey}}" },
            anthropic: { apiKey: "${ANTHROPIC_KEY}" },
          },
          channels: { telegram: { botToken: "{{BotToken}}" } },
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<TestGateway> StartAsync() =>
        TestGateway.StartAsync(ConfigWithSecrets, new Dictionary<string, string> { ["ANTHROPIC_KEY"] = EnvKey });

    [Fact]
    public async Task Get_WholeConfig_EverySecretMaskedWhateverItsForm()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var value = (await rpc.ResultAsync("config.get", null, Ct)).GetProperty("value");

        var text = value.GetRawText();
        Assert.DoesNotContain(LiteralKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(EnvKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("tg-literal", text, StringComparison.Ordinal);
        Assert.Equal("***", value.GetProperty("providers").GetProperty("openai").GetProperty("apiKey").GetString());
        Assert.Equal("***", value.GetProperty("providers").GetProperty("anthropic").GetProperty("apiKey").GetString());
        Assert.Equal("***", value.GetProperty("channels").GetProperty("telegram").GetProperty("botToken").GetString());
        Assert.True(value.GetProperty("agents").TryGetProperty("default", out _));
    }

    [Fact]
    public async Task Get_Path_ReturnsTheEffectiveValueThere()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var maxBatch = await rpc.ResultAsync("config.get", """{"path":"gateway.limits.maxBatch"}""", Ct);
        var secret = await rpc.ResultAsync("config.get", """{"path":"providers.openai.apiKey"}""", Ct);
        var provider = await rpc.ResultAsync("config.get", """{"path":"providers.openai"}""", Ct);

        Assert.Equal(100, maxBatch.GetProperty("value").GetInt32());
        Assert.Equal("***", secret.GetProperty("value").GetString());
        Assert.DoesNotContain(LiteralKey, provider.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedPath_NotFoundOrInvalidParams()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var unknown = await rpc.ErrorAsync("config.get", """{"path":"gateway.nothing"}""", Ct);
        var malformed = await rpc.ErrorAsync("config.get", """{"path":"gateway..port"}""", Ct);

        Assert.Equal(RpcErrorCodes.NotFound, unknown.Code);
        Assert.Equal(RpcErrorCodes.InvalidParams, malformed.Code);
        Assert.Equal("path", malformed.Field);
    }

    [Fact]
    public async Task Validate_GoodAndBadConfigs_ReportsEachErrorWithItsPath()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();
        var before = await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct);

        var good = await rpc.ResultAsync("config.validate", """{"config":{"gateway":{"port":9000}}}""", Ct);
        var bad = await rpc.ResultAsync("config.validate", """{"config":{"gateway":{"port":"high","bogus":1}}}""", Ct);
        var notObject = await rpc.ResultAsync("config.validate", """{"config":[1]}""", Ct);
        var missing = await rpc.ErrorAsync("config.validate", "{}", Ct);

        Assert.True(good.GetProperty("valid").GetBoolean());
        Assert.Empty(good.GetProperty("errors").EnumerateArray());
        Assert.False(bad.GetProperty("valid").GetBoolean());
        var paths = bad.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("gateway.port", paths);
        Assert.Contains("gateway.bogus", paths);
        Assert.All(bad.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
        Assert.False(notObject.GetProperty("valid").GetBoolean());
        Assert.Equal("config", missing.Field);
        Assert.Equal(before, await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct));
    }

    [Fact]
    public async Task Set_InvalidValue_NothingWrittenAndErrorsListed()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();
        var before = await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct);
        var live = gateway.Service<LiveConfig>().Current;

        var error = await rpc.ErrorAsync("config.set", """{"path":"gateway.limits.maxBatch","value":"many"}""", Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Contains("nothing written", error.Message, StringComparison.Ordinal);
        var listed = Assert.Single(error.Data!.Value.GetProperty("errors").EnumerateArray());
        Assert.Equal("gateway.limits.maxBatch", listed.GetProperty("path").GetString());
        Assert.Equal(before, await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct));
        Assert.Same(live, gateway.Service<LiveConfig>().Current);
    }

    [Fact]
    public async Task Set_ValidValue_WrittenKeepingCommentsAndInForceWhenItAnswers()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var set = await rpc.ResultAsync("config.set", """{"path":"gateway.limits.maxBatch","value":1}""", Ct);
        var got = await rpc.ResultAsync("config.get", """{"path":"gateway.limits.maxBatch"}""", Ct);

        Assert.True(set.GetProperty("changed").GetBoolean());
        Assert.Equal(1, set.GetProperty("value").GetInt32());
        Assert.Equal(1, got.GetProperty("value").GetInt32());
        var file = await File.ReadAllTextAsync(gateway.Paths.ConfigFile, Ct);
        Assert.Contains("the operator's own note", file, StringComparison.Ordinal);
        Assert.Contains("maxBatch", file, StringComparison.Ordinal);

        // In force: a batch of two is now over the limit.
        using var http = new HttpClient { BaseAddress = gateway.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/rpc", UriKind.Relative))
        {
            Content = new StringContent("""[{"jsonrpc":"2.0","id":1,"method":"system.version"},{"jsonrpc":"2.0","id":2,"method":"system.version"}]""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestGateway.Token);
        using var response = await http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(RpcErrorCodes.InvalidRequest, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Set_LiteralSecret_RefusedAndNeverEchoed()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();
        var before = await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct);

        var direct = await rpc.ErrorAsync("config.set", """{"path":"providers.openai.apiKey","value":"sk-new-literal-999"}""", Ct);
        var nested = await rpc.ErrorAsync("config.set", """{"path":"providers","value":{"mine":{"type":"openai","apiKey":"sk-new-literal-999"}}}""", Ct);

        Assert.Equal("value", direct.Field);
        Assert.Equal("value", nested.Field);
        Assert.DoesNotContain("sk-new-literal-999", direct.Message + direct.Data, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(gateway.Paths.ConfigFile, Ct));
    }

    [Fact]
    public async Task Set_SecretReference_AcceptedAndShownMasked()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var set = await rpc.ResultAsync("config.set", """{"path":"providers.openai.apiKey","value":"cred:openai-work"}""", Ct);

        Assert.Equal("***", set.GetProperty("value").GetString());
        Assert.Contains("cred:openai-work", await File.ReadAllTextAsync(gateway.Paths.ConfigFile, Ct), StringComparison.Ordinal);
        var current = gateway.Service<LiveConfig>().Current.Providers["openai"].ApiKey;
        Assert.Equal("openai-work", current.Name);
    }

    [Fact]
    public async Task Set_GatewayPort_WrittenButTheLiveConfigKeepsTheAddressListenedOn()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();
        var listening = gateway.Service<LiveConfig>().Current.Gateway.Port;

        var set = await rpc.ResultAsync("config.set", """{"path":"gateway.port","value":9123}""", Ct);

        Assert.Contains("9123", await File.ReadAllTextAsync(gateway.Paths.ConfigFile, Ct), StringComparison.Ordinal);
        Assert.Equal(listening, set.GetProperty("value").GetInt32());
        Assert.Equal(listening, gateway.Service<LiveConfig>().Current.Gateway.Port);
        Assert.Equal("127.0.0.1", gateway.Service<LiveConfig>().Current.Gateway.Bind);
    }

    [Fact]
    public async Task Set_MalformedPath_InvalidParamsNamingPath()
    {
        await using var gateway = await StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("config.set", """{"path":"gateway[","value":1}""", Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal("path", error.Field);
    }
}
