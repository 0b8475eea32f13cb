using System.CommandLine;
using System.Text.Json;
using OpenClaw.Cli.Config;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Cli.Tests.Rpc;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Config;

/// <summary><c>openclaw config show</c>: from a running gateway over RPC, else from the file; secrets masked either way.</summary>
public sealed class ConfigShowTests : IDisposable
{
    private const string LiteralKey = "sk-canary-literal-5d1e9a";
    private const string EnvKey = "canary-env-key-77ab";
    private const string BotToken = "123456:canary-bot-token";

    private const string ConfigWithSecrets = $$"""
        {
          logging: { level: "debug" },
          providers: {
            openai: { apiKey: "{{LiteralKey}}" },
            anthropic: { apiKey: "${ANTHROPIC_KEY}" },
          },
          channels: { telegram: { botToken: "{{BotToken}}" } },
        }
        """;

    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public ConfigShowTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path;
        _environment["ANTHROPIC_KEY"] = EnvKey;
    }

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Offline_shows_the_files_effective_config_with_every_secret_masked()
    {
        // Port 1: nothing listens there, so no gateway (even one a developer runs on the default port) answers.
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), ConfigWithSecrets.Replace("logging:", "gateway: { port: 1 }, logging:", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        _environment["OPENCLAW_GATEWAY_TOKEN"] = "canary-gateway-token";

        var run = await RunAsync("--json");

        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("debug", root.GetProperty("logging").GetProperty("level").GetString());
        Assert.Equal(10, root.GetProperty("gateway").GetProperty("limits").GetProperty("shutdownTimeoutSeconds").GetInt32()); // defaults filled in
        Assert.Equal("***", root.GetProperty("providers").GetProperty("openai").GetProperty("apiKey").GetString());
        Assert.Equal("***", root.GetProperty("providers").GetProperty("anthropic").GetProperty("apiKey").GetString());
        Assert.Equal("***", root.GetProperty("channels").GetProperty("telegram").GetProperty("botToken").GetString());
        Assert.DoesNotContain(LiteralKey, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(EnvKey, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-bot-token", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_without_json_says_where_the_config_came_from()
    {
        _environment["OPENCLAW_CONFIG_PATH"] = _state.Combine("elsewhere.json5");
        await File.WriteAllTextAsync(_state.Combine("elsewhere.json5"), "{ gateway: { port: 1 } }", TestContext.Current.CancellationToken);

        var run = await RunAsync();

        Assert.Equal(0, run.Exit);
        Assert.StartsWith($"// effective config from {_state.Combine("elsewhere.json5")} (no gateway running)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_running_gateway_shows_what_it_has_in_force_masked()
    {
        // The local file says something else: what is shown is the gateway's.
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), "{ logging: { level: \"error\" } }", TestContext.Current.CancellationToken);
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
        await using var gateway = await RpcTestGateway.StartAsync(ConfigWithSecrets.Replace("${ANTHROPIC_KEY}", "cred:anthropic", StringComparison.Ordinal));

        var run = await RunAsync("--url", gateway.Url);

        Assert.Equal(0, run.Exit);
        Assert.StartsWith($"// effective config from the running gateway at {gateway.Url}", run.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Output[(run.Output.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("debug", json.RootElement.GetProperty("logging").GetProperty("level").GetString());
        Assert.Equal("***", json.RootElement.GetProperty("providers").GetProperty("openai").GetProperty("apiKey").GetString());
        Assert.Equal("***", json.RootElement.GetProperty("providers").GetProperty("anthropic").GetProperty("apiKey").GetString());
        Assert.DoesNotContain(LiteralKey, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("canary-bot-token", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_url_with_no_gateway_exits_3_instead_of_showing_the_local_file()
    {
        var run = await RunAsync("--url", "http://127.0.0.1:1");

        Assert.Equal(3, run.Exit);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task A_broken_config_lists_its_errors_with_line_and_column()
    {
        var file = _state.Combine("openclaw.json");
        await File.WriteAllTextAsync(file, "{\n  gateway: { port: 'x' },\n}\n", TestContext.Current.CancellationToken);

        var run = await RunAsync();

        Assert.Equal(1, run.Exit);
        Assert.Contains($"{file}:2:20: gateway.port", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_shows_the_config_masked_with_no_gateway()
    {
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), ConfigWithSecrets.Replace("${ANTHROPIC_KEY}", "cred:anthropic", StringComparison.Ordinal).Replace("logging:", "gateway: { port: 1 }, logging:", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exit, output, standardOutput) = await GatewayProcess.RunCapturingAsync(_state.Path, "config", "show", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(standardOutput);
        Assert.Equal("***", json.RootElement.GetProperty("providers").GetProperty("openai").GetProperty("apiKey").GetString());
        Assert.DoesNotContain(LiteralKey, output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { ConfigCommands.Create(name => _environment.GetValueOrDefault(name)) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["config", "show", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
