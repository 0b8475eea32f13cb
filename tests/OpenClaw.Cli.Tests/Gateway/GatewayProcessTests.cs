using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Gateway;

/// <summary>The real <c>openclaw gateway</c> process: its output, its signals, its state directory and its token.</summary>
public sealed class GatewayProcessTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private static async Task<JsonElement> CallAsync(HttpClient http, string address, string? token, string method, string parameters = "{}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address + "/rpc")
        {
            Content = new StringContent($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    private async Task<string> PrintedTokenAsync()
    {
        var (exit, _, token) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "token");
        Assert.Equal(0, exit);
        return token.Trim();
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task Secrets_UsedThroughAWholeSession_NeverAppearInAnythingTheGatewayWrites(string format)
    {
        await File.WriteAllTextAsync(_state.Combine("openclaw.json"), $$"""{ logging: { level: "trace", format: "{{format}}" } }""", TestContext.Current.CancellationToken);
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        var token = await PrintedTokenAsync();
        const string password = "canary-password-7f3a9c";
        const string wrongPassword = "canary-wrong-password-1b2c";
        const string wrongToken = "canary-wrong-token-9d8e7f";
        using var http = new HttpClient { Timeout = TestTimeouts.Default };

        var created = await CallAsync(http, address, token, "users.create", $$"""{"username":"alice","password":"{{password}}","role":"operator"}""");
        Assert.True(created.TryGetProperty("result", out _), created.ToString());
        var login = (await CallAsync(http, address, null, "auth.login", $$"""{"username":"alice","password":"{{password}}"}""")).GetProperty("result");
        var refresh = login.GetProperty("refreshToken").GetString()!;
        var access = login.GetProperty("accessToken").GetString()!;
        var rotated = (await CallAsync(http, address, null, "auth.refresh", $$"""{"refreshToken":"{{refresh}}"}""")).GetProperty("result");
        var refresh2 = rotated.GetProperty("refreshToken").GetString()!;
        var access2 = rotated.GetProperty("accessToken").GetString()!;
        Assert.Equal(-32001, (await CallAsync(http, address, null, "auth.refresh", $$"""{"refreshToken":"{{refresh}}"}""")).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32001, (await CallAsync(http, address, wrongToken, "system.status")).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(-32001, (await CallAsync(http, address, null, "auth.login", $$"""{"username":"alice","password":"{{wrongPassword}}"}""")).GetProperty("error").GetProperty("code").GetInt32());
        var second = (await CallAsync(http, address, null, "auth.login", $$"""{"username":"alice","password":"{{password}}"}""")).GetProperty("result");
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"), TestContext.Current.CancellationToken);
            var connect = $$$"""{"jsonrpc":"2.0","id":1,"method":"connect","params":{"token":"{{{second.GetProperty("accessToken").GetString()}}}"}}""";
            await socket.SendAsync(Encoding.UTF8.GetBytes(connect),
                WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
            var buffer = new byte[4096];
            var received = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
            Assert.Contains("\"operator\"", Encoding.UTF8.GetString(buffer, 0, received.Count), StringComparison.Ordinal);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken);
        }

        // The reuse above revoked the first family (access2 with it); the second sign-in logs out.
        Assert.Equal(-32001, (await CallAsync(http, address, access2, "auth.me")).GetProperty("error").GetProperty("code").GetInt32());
        var logout = $$"""{"refreshToken":"{{second.GetProperty("refreshToken").GetString()}}"}""";
        Assert.True((await CallAsync(http, address, second.GetProperty("accessToken").GetString(), "auth.logout", logout)).TryGetProperty("result", out _));
        Assert.Equal(0, await gateway.TerminateAsync());

        var written = gateway.Output;
        Assert.Contains(format == "json" ? "\"LogLevel\":\"Debug\"" : "dbug:", written, StringComparison.Ordinal); // it did log in detail
        foreach (var secret in new[] { token, password, wrongPassword, wrongToken, refresh, access, refresh2, access2,
            second.GetProperty("accessToken").GetString()!, second.GetProperty("refreshToken").GetString()! })
        {
            Assert.DoesNotContain(secret, written, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_SecondGatewayOnTheSameStateDirectory_FailsClearlyAndTheFirstKeepsServing()
    {
        using var first = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await first.ListeningAsync();

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "run", "--port", "0");

        Assert.Equal(1, exit);
        Assert.Contains("a gateway is already running on the state directory", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        Assert.Equal("ok", JsonDocument.Parse(await http.GetStringAsync(new Uri(address + "/health"), TestContext.Current.CancellationToken))
            .RootElement.GetProperty("status").GetString());
        Assert.Equal(0, await first.TerminateAsync());
    }

    [Fact]
    public async Task Sigterm_ExitsZero_ReleasesTheStateDirectory_AndTheTokenSurvivesTheRestart()
    {
        using (var first = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0"))
        {
            await first.ListeningAsync();
            Assert.Equal(0, await first.TerminateAsync());
            Assert.Contains("gateway token: created and stored in the credential store", first.Output, StringComparison.Ordinal);
            Assert.Contains("openclaw gateway stopped", first.Output, StringComparison.Ordinal);
        }

        var token = await PrintedTokenAsync();
        using var again = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await again.ListeningAsync();
        using var http = new HttpClient { Timeout = TestTimeouts.Default };

        Assert.True((await CallAsync(http, address, token, "system.status")).TryGetProperty("result", out _));
        Assert.Equal(token, await PrintedTokenAsync()); // read while this gateway owns the store
        Assert.Equal(0, await again.TerminateAsync());
        Assert.Contains("gateway token: in the credential store", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRotate_WhileTheGatewayRuns_IsRefused_AndWhenStopped_ReplacesTheToken()
    {
        var old = await PrintedTokenAsync(); // created by the command itself: no gateway has run yet
        using (var running = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0"))
        {
            await running.ListeningAsync();
            var (refused, why) = await GatewayProcess.RunAsync(_state.Path, "gateway", "token", "--rotate");
            Assert.Equal(1, refused);
            Assert.Contains("stop it", why, StringComparison.Ordinal);
            Assert.Equal(0, await running.TerminateAsync());
        }

        var (exit, output, printed) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "token", "--rotate");
        Assert.Equal(0, exit);
        Assert.Contains("The gateway token was replaced", output, StringComparison.Ordinal);
        var fresh = printed.Trim(); // stdout holds the token alone; the notice goes to stderr
        Assert.NotEqual(old, fresh);

        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        Assert.True((await CallAsync(http, address, fresh, "system.status")).TryGetProperty("result", out _));
        Assert.Equal(-32001, (await CallAsync(http, address, old, "system.status")).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, await gateway.TerminateAsync());
    }

    [Fact]
    public async Task LoggingLevel_EditedWhileRunning_AppliesWithoutRestart()
    {
        var config = _state.Combine("openclaw.json");
        await File.WriteAllTextAsync(config, "{ logging: { level: \"info\" } }", TestContext.Current.CancellationToken);
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        var token = await PrintedTokenAsync();
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        await CallAsync(http, address, token, "no.such.method"); // a failed call is logged at debug: not yet
        Assert.DoesNotContain("dbug:", gateway.Output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "{ logging: { level: \"debug\" } }", TestContext.Current.CancellationToken);
        await gateway.WaitForOutputAsync("changed: logging.level");
        await CallAsync(http, address, token, "no.such.method");
        await gateway.WaitForOutputAsync("dbug:");

        Assert.Equal(0, await gateway.TerminateAsync());
    }

    [Fact]
    public async Task Token_WhileTheGatewayRunsOnAnEnvironmentToken_SaysTheStoredOneIsNotInForce()
    {
        var stored = await PrintedTokenAsync(); // a stored token exists from an earlier setup
        using var gateway = GatewayProcess.Start(
            _state.Path, new Dictionary<string, string> { ["OPENCLAW_GATEWAY_TOKEN"] = "environment-token-0123456789" }, "gateway", "run", "--port", "0");
        await gateway.ListeningAsync();

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "token");

        Assert.Equal(1, exit);
        Assert.Contains("uses OPENCLAW_GATEWAY_TOKEN from its own environment", output, StringComparison.Ordinal);
        Assert.DoesNotContain(stored, output, StringComparison.Ordinal);
        Assert.Equal(0, await gateway.TerminateAsync());
        Assert.Equal(stored, await PrintedTokenAsync()); // stopped: the stored token is printed again
    }
}
