using System.Text.Json;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Status;

/// <summary><c>openclaw status</c> as a process: online through the running gateway, offline from the state directory.</summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private Task WriteConfigAsync(string text) =>
        File.WriteAllTextAsync(_state.Combine("openclaw.json"), text, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Status_WhileTheGatewayRuns_ShowsEveryPartAndExitsZero()
    {
        await WriteConfigAsync("{ agents: { default: { sandbox: { level: \"relaxed\" } } } }");
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();

        var (exit, output, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "status");

        Assert.True(exit == 0, output);
        Assert.Contains($"gateway   running at {address} (version ", stdout, StringComparison.Ordinal);
        Assert.Contains("MiB)", stdout, StringComparison.Ordinal);
        Assert.Contains("agents    default: anthropic/claude-sonnet-4-5, sandbox relaxed", stdout, StringComparison.Ordinal);
        Assert.Contains("anthropic: key missing — credential 'anthropic' is not stored; run `openclaw credentials set anthropic`", stdout, StringComparison.Ordinal);
        Assert.Contains("channels  webchat: connected", stdout, StringComparison.Ordinal);
        Assert.Contains("telegram: off", stdout, StringComparison.Ordinal);
        Assert.Contains("sessions  0 total, 0 active", stdout, StringComparison.Ordinal);
        Assert.Contains("usage     today (UTC): 0 requests, 0 tokens", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusJson_WhileTheGatewayRuns_CarriesTheSameFacts()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();

        var (exit, output, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "status", "--json");

        Assert.True(exit == 0, output);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.True(root.GetProperty("gateway").GetProperty("running").GetBoolean());
        Assert.Equal(address, root.GetProperty("gateway").GetProperty("address").GetString());
        Assert.True(root.GetProperty("gateway").GetProperty("memoryBytes").GetInt64() > 0);
        Assert.Equal("default", root.GetProperty("agents")[0].GetProperty("id").GetString());
        Assert.Contains(root.GetProperty("providers").EnumerateArray(), p => p.GetProperty("name").GetString() == "anthropic" && !p.GetProperty("hasKey").GetBoolean());
        Assert.Contains(root.GetProperty("channels").EnumerateArray(), c => c.GetProperty("id").GetString() == "webchat" && c.GetProperty("connected").GetBoolean());
        Assert.Equal(0, root.GetProperty("sessions").GetProperty("total").GetInt64());
        Assert.Equal(0, root.GetProperty("usageToday").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Status_WithoutAGateway_ShowsAgentsAndKeysFromTheStateDirectoryAndExitsThree()
    {
        await WriteConfigAsync("{ agents: { default: { sandbox: { level: \"none\" } }, helper: { model: \"openai/gpt-4o\" } } }");
        using (var store = new CredentialStore(new StatePaths(_state.Path)))
        {
            await store.SetAsync("openai", new Secret("sk-status-test-key-never-shown"), TestContext.Current.CancellationToken);
        }

        var (exit, output, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "status");

        Assert.Equal(3, exit);
        Assert.StartsWith($"gateway   not running: no gateway is running for the state directory {_state.Path}", stdout, StringComparison.Ordinal);
        Assert.Contains("agents    default: anthropic/claude-sonnet-4-5, sandbox none", stdout, StringComparison.Ordinal);
        Assert.Contains("helper: openai/gpt-4o, sandbox strict", stdout, StringComparison.Ordinal);
        Assert.Contains("openai: key present", stdout, StringComparison.Ordinal);
        Assert.Contains("anthropic: key missing", stdout, StringComparison.Ordinal);
        Assert.Contains("channels  unknown: the gateway is not running (start it with `openclaw gateway run`)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-status-test-key-never-shown", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_state.Combine("gateway.json")));
    }

    [Fact]
    public async Task StatusJson_WithoutAGateway_LeavesWhatOnlyTheGatewayKnowsNull()
    {
        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "status", "--json");

        Assert.Equal(3, exit);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.False(root.GetProperty("gateway").GetProperty("running").GetBoolean());
        Assert.Equal("default", root.GetProperty("agents")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("channels").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("sessions").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("usageToday").ValueKind);
    }

    [Fact]
    public async Task Status_WithABrokenConfigAndNoGateway_NamesTheLineAndStillReportsTheGateway()
    {
        await WriteConfigAsync("{\n\n\n\n\n\n  agents: { default: { model: } },\n}");

        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "status");

        Assert.Equal(3, exit);
        Assert.StartsWith("gateway   not running:", stdout, StringComparison.Ordinal);
        Assert.Contains("note      the config cannot be read: ", stdout, StringComparison.Ordinal);
        Assert.Contains(":7:", stdout, StringComparison.Ordinal);
    }
}
