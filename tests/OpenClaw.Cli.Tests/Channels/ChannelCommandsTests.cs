using System.CommandLine;
using System.Text.Json;
using OpenClaw.Channels.Pairing;
using OpenClaw.Cli.Channels;
using OpenClaw.Cli.Tests.Rpc;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Channels;

/// <summary><c>openclaw channels</c> and <c>openclaw pairing</c> against a real gateway.</summary>
public sealed class ChannelCommandsTests : IAsyncLifetime
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private RpcTestGateway _gateway = null!;
    private string _code = "";

    public ChannelCommandsTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path;
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
    }

    public async ValueTask InitializeAsync() =>
        _gateway = await RpcTestGateway.StartAsync(prepare: async paths =>
        {
            // A stranger who asked to pair before the gateway (re)started: the code is in the pairing file.
            var store = new PairingStore(PairingStore.PathFor(paths), TimeProvider.System);
            await store.LoadAsync(TestContext.Current.CancellationToken);
            var request = await store.RequestAsync("telegram", "4242", "4242", "Ada \u001b[31mRed", TestContext.Current.CancellationToken);
            _code = request.Pending!.Code;
        });

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task Channels_list_prints_a_table_with_web_chat_and_the_disabled_telegram()
    {
        var run = await InvokeAsync(["channels", "list", "--url", _gateway.Url]);

        Assert.Equal(0, run.Exit);
        var lines = run.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith("CHANNEL", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("webchat", StringComparison.Ordinal) && l.Contains("yes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("telegram", StringComparison.Ordinal) && l.Contains("channels.telegram.enabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Channels_status_json_is_the_gateways_answer()
    {
        var run = await InvokeAsync(["channels", "status", "--json", "--url", _gateway.Url]);

        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Contains(json.RootElement.GetProperty("channels").EnumerateArray(), c => c.GetProperty("id").GetString() == "webchat");
    }

    [Fact]
    public async Task Pairing_list_then_approve_pairs_the_sender_and_the_code_is_spent()
    {
        var list = await InvokeAsync(["pairing", "list", "--url", _gateway.Url]);
        Assert.Equal(0, list.Exit);
        Assert.Contains(_code, list.Output, StringComparison.Ordinal);
        Assert.Contains("4242", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", list.Output, StringComparison.Ordinal); // a stranger's name cannot drive the terminal

        var approve = await InvokeAsync(["pairing", "approve", "telegram", _code.ToLowerInvariant(), "--url", _gateway.Url]);
        Assert.Equal(0, approve.Exit);
        Assert.Contains("approved: sender 4242", approve.Output, StringComparison.Ordinal);

        var after = await InvokeAsync(["pairing", "list", "--json", "--url", _gateway.Url]);
        using var json = JsonDocument.Parse(after.Output);
        Assert.Equal(0, json.RootElement.GetProperty("pending").GetArrayLength());
        Assert.Equal("4242", json.RootElement.GetProperty("paired")[0].GetProperty("senderId").GetString());

        var again = await InvokeAsync(["pairing", "approve", "telegram", _code, "--url", _gateway.Url]);
        Assert.Equal(1, again.Exit);
        Assert.StartsWith("error -32003: ", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pairing_reject_spends_the_code_without_pairing()
    {
        var reject = await InvokeAsync(["pairing", "reject", "telegram", _code, "--url", _gateway.Url]);
        Assert.Equal(0, reject.Exit);
        Assert.Contains("rejected", reject.Output, StringComparison.Ordinal);

        var after = await InvokeAsync(["pairing", "list", "--json", "--url", _gateway.Url]);
        using var json = JsonDocument.Parse(after.Output);
        Assert.Equal(0, json.RootElement.GetProperty("pending").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("paired").GetArrayLength());
    }

    [Fact]
    public async Task Missing_arguments_are_a_usage_error_and_nothing_is_sent()
    {
        var run = await InvokeAsync(["pairing", "approve", "telegram", "--url", _gateway.Url]);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("argument missing", run.Error, StringComparison.OrdinalIgnoreCase);
        var still = await InvokeAsync(["pairing", "list", "--json", "--url", _gateway.Url]);
        using var json = JsonDocument.Parse(still.Output);
        Assert.Equal(1, json.RootElement.GetProperty("pending").GetArrayLength());
    }

    [Fact]
    public async Task A_gateway_that_is_not_running_is_one_clear_line_and_exit_code_3()
    {
        await _gateway.StopAsync();

        var run = await InvokeAsync(["channels", "status", "--url", _gateway.Url]);

        Assert.Equal(3, run.Exit); // CliExit.GatewayNotRunning
        Assert.StartsWith("error: cannot reach the gateway at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> InvokeAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { ChannelCommands.CreateChannels(Lookup), ChannelCommands.CreatePairing(Lookup) };
        var exit = await root.Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private string? Lookup(string name) => _environment.GetValueOrDefault(name);
}
