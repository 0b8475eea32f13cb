using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenClaw.Cli.Gateway;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Gateway;

public sealed partial class GatewayCommandsTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public GatewayCommandsTests() => _environment["OPENCLAW_STATE_DIR"] = _state.Path;

    public void Dispose() => _state.Dispose();

    private Task<int> InvokeAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken, params string[] args)
    {
        var root = new RootCommand { GatewayCommands.Create(name => _environment.GetValueOrDefault(name)) };
        return root.Parse(["gateway", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    [Fact]
    public async Task Run_WithConfigFile_ListensWhereTheConfigSaysAndAnswersHealth()
    {
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), "// mine\n{ gateway: { port: 0 } }\n", TestContext.Current.CancellationToken);
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("error");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = InvokeAsync(output, error, stop.Token, "run");
        var printed = await output.MarkerSeen.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var address = AddressPattern().Match(printed).Value;
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        Assert.DoesNotContain(":18789", address, StringComparison.Ordinal); // port 0 from the file, not the default

        using var http = new HttpClient();
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(address + "/health"), TestContext.Current.CancellationToken));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());

        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task Run_BrokenConfig_ListsEveryErrorAndNeverStarts()
    {
        const string broken = "{\n  gateway: { port: 70000, bnid: '0.0.0.0' },\n}\n";
        var file = _state.Combine("openclaw.json");
        await File.WriteAllTextAsync(file, broken, TestContext.Current.CancellationToken);
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("\n");

        var exit = await InvokeAsync(output, error, TestContext.Current.CancellationToken, "run", "--port", "0")
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("listening", output.ToString(), StringComparison.Ordinal);
        var text = error.ToString();
        Assert.Contains("openclaw.json:2:20: gateway.port", text, StringComparison.Ordinal);
        Assert.Contains("did you mean 'bind'", text, StringComparison.Ordinal);
        Assert.Equal(broken, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)); // never replaced
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "http")]
    [InlineData("--port", "-1")]
    public async Task Run_BadPortArgument_FailsBeforeStarting(string option, string value)
    {
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("\n");

        var exit = await InvokeAsync(output, error, TestContext.Current.CancellationToken, "run", option, value)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exit);
        Assert.Contains("--port must be a number between 0 and 65535", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.ToString(), StringComparison.Ordinal); // no .NET type names
        Assert.DoesNotContain("listening", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BindNonLoopbackWithoutOrigins_RefusedLikeTheFile()
    {
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("\n");

        var exit = await InvokeAsync(output, error, TestContext.Current.CancellationToken, "run", "--port", "0", "--bind", "0.0.0.0")
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("listening", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("error: --bind: binding to \"0.0.0.0\", which is not loopback, needs gateway.cors.allowedOrigins", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BindNotAnAddress_NamesTheOption()
    {
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("\n");

        var exit = await InvokeAsync(output, error, TestContext.Current.CancellationToken, "run", "--port", "0", "--bind", "foo")
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        var text = error.ToString();
        Assert.Contains("error: --bind: expected an IP address", text, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway.bind", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BindAddressNotOnThisMachine_ReportsAnErrorWithoutAStackTrace()
    {
        await File.WriteAllTextAsync(
            _state.Combine("openclaw.json"), "{ gateway: { port: 0, cors: { allowedOrigins: ['https://claw.example.com'] } } }", TestContext.Current.CancellationToken);
        var output = new SignalingWriter("listening on");
        var error = new SignalingWriter("\n");

        var exit = await InvokeAsync(output, error, TestContext.Current.CancellationToken, "run", "--bind", "10.9.9.9")
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        var text = error.ToString();
        Assert.StartsWith("error: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex AddressPattern();
}
