using OpenClaw.Cli.Rpc;
using OpenClaw.Core;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Rpc;

/// <summary>Which credential <c>openclaw rpc</c> presents to which address (resolved without any network traffic).</summary>
public sealed class GatewayTargetTests : IDisposable
{
    private const string LocalToken = "local-admin-token-0123456789";
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private Func<string, string?> Environment(params (string Name, string Value)[] extra)
    {
        var values = extra.ToDictionary(e => e.Name, e => e.Value);
        values["OPENCLAW_STATE_DIR"] = _state.Path;
        values["OPENCLAW_GATEWAY_TOKEN"] = LocalToken;
        return name => values.GetValueOrDefault(name);
    }

    [Fact]
    public async Task Resolve_UrlOfAnotherHost_DoesNotSendTheLocalGatewayToken()
    {
        var warnings = new StringWriter();

        var target = await GatewayTarget.ResolveAsync(Environment(), "https://gateway.example:18789", null, warnings, TestContext.Current.CancellationToken);

        Assert.Null(target.Token);
        Assert.Contains("not this machine", warnings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(LocalToken, warnings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:18789")]
    [InlineData("http://localhost:18789")]
    [InlineData("http://[::1]:18789")]
    public async Task Resolve_LoopbackUrl_SendsTheLocalGatewayToken(string url)
    {
        var target = await GatewayTarget.ResolveAsync(Environment(), url, null, TextWriter.Null, TestContext.Current.CancellationToken);

        Assert.Equal(LocalToken, target.Token?.Reveal());
    }

    [Fact]
    public async Task Resolve_TokenEnvGiven_WinsOverTheGatewayVariable()
    {
        var target = await GatewayTarget.ResolveAsync(
            Environment(("MY_TOKEN", "explicit-token-abcdefghij")), "https://gateway.example", "MY_TOKEN", TextWriter.Null, TestContext.Current.CancellationToken);

        Assert.Equal("explicit-token-abcdefghij", target.Token?.Reveal());
    }

    [Fact]
    public async Task Resolve_TokenOverPlainHttpToAnotherHost_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<OpenClawException>(() => GatewayTarget.ResolveAsync(
            Environment(("MY_TOKEN", "explicit-token-abcdefghij")), "http://gateway.example:18789", "MY_TOKEN", TextWriter.Null, TestContext.Current.CancellationToken));

        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("explicit-token", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_BrokenConfigWithoutUrl_SaysHowToReachTheGatewayAnyway()
    {
        await File.WriteAllTextAsync(Path.Combine(_state.Path, "openclaw.json"), "{ gateway: { port: 1,, } }", TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() =>
            GatewayTarget.ResolveAsync(Environment(), null, null, TextWriter.Null, TestContext.Current.CancellationToken));

        Assert.Contains("openclaw.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--url", ex.Message, StringComparison.Ordinal);
    }
}
