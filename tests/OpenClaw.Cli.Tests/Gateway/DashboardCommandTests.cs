using System.CommandLine;
using OpenClaw.Cli.Gateway;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Gateway;

/// <summary><c>openclaw dashboard</c>: the running gateway's URL, never its token, and a browser only where one can show.</summary>
public sealed class DashboardCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly List<Uri> _opened = [];

    public DashboardCommandTests() => _environment["OPENCLAW_STATE_DIR"] = _state.Path;

    public void Dispose() => _state.Dispose();

    private async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { DashboardCommand.Create(name => _environment.GetValueOrDefault(name), url => { _opened.Add(url); return true; }) };
        var exit = await root.Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Dashboard_WithADisplay_PrintsAndOpensTheGatewayUrlWithoutTheToken()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        var (_, _, token) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "token");
        _environment["DISPLAY"] = ":0";

        var (exit, output, _) = await InvokeAsync("dashboard");

        Assert.Equal(0, exit);
        Assert.StartsWith(address + "/" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.Contains(DashboardCommand.SignInHint, output, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Trim(), output, StringComparison.Ordinal);
        Assert.Equal([new Uri(address + "/")], _opened);
    }

    [Fact]
    public async Task Dashboard_WithNoOpenOrWithoutADisplay_OnlyPrints()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();

        var headless = await InvokeAsync("dashboard");
        _environment["WAYLAND_DISPLAY"] = "wayland-0";
        var noOpen = await InvokeAsync("dashboard", "--no-open");

        Assert.Equal(0, headless.Exit);
        Assert.Equal(0, noOpen.Exit);
        Assert.StartsWith(address + "/", headless.Output, StringComparison.Ordinal);
        Assert.StartsWith(address + "/", noOpen.Output, StringComparison.Ordinal);
        Assert.Empty(_opened);
    }

    [Fact]
    public async Task Dashboard_Json_GivesTheUrlAndOpensNothing()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        _environment["DISPLAY"] = ":0";

        var (exit, output, _) = await InvokeAsync("dashboard", "--json");

        Assert.Equal(0, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(address + "/", doc.RootElement.GetProperty("url").GetString());
        Assert.Contains("openclaw gateway token", doc.RootElement.GetProperty("signIn").GetString(), StringComparison.Ordinal);
        Assert.Empty(_opened);
    }

    [Fact]
    public async Task Dashboard_WithNoGateway_SaysWhereItWillBeAndExitsThree()
    {
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), "{ gateway: { port: 18999 } }", TestContext.Current.CancellationToken);
        _environment["DISPLAY"] = ":0";

        var (exit, output, error) = await InvokeAsync("dashboard");

        Assert.Equal(3, exit);
        Assert.Empty(output);
        Assert.Contains("start it with `openclaw gateway run`, then the dashboard is at http://127.0.0.1:18999/", error, StringComparison.Ordinal);
        Assert.Empty(_opened);
    }

    [Fact]
    public async Task Dashboard_AsAProcessWithNoGateway_ExitsThree()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "dashboard", "--no-open");

        Assert.Equal(3, exit);
        Assert.StartsWith("error: no gateway is running", output, StringComparison.Ordinal);
    }
}
