using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Ipc.Framing;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Rpc;

public sealed class RpcCommandsTests : IAsyncLifetime
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private RpcTestGateway _gateway = null!;

    public RpcCommandsTests() => _environment["OPENCLAW_STATE_DIR"] = _state.Path;

    public async ValueTask InitializeAsync() => _gateway = await RpcTestGateway.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task Call_NoneMethod_PrintsTheResultAsIndentedJson()
    {
        var run = await CallAsync("system.version");

        Assert.Equal(0, run.Exit);
        Assert.Equal(string.Empty, run.Error);
        using var result = JsonDocument.Parse(run.Output);
        Assert.Equal("openclaw", result.RootElement.GetProperty("name").GetString());
        Assert.Contains("\n  \"name\": \"openclaw\"", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_UnknownMethod_PrintsTheCodeOnStderrAndExits1()
    {
        var run = await CallAsync("no.such.method");

        Assert.Equal(1, run.Exit);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith("error -32601: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_ProtectedMethodWithoutCredential_SaysThatNoTokenWasFound()
    {
        var run = await CallAsync("system.status");

        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error -32001: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("hint: no gateway token was found", run.Error, StringComparison.Ordinal);
        Assert.Contains("OPENCLAW_GATEWAY_TOKEN", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_TokenFromEnvironment_CallsAProtectedMethod()
    {
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;

        var run = await CallAsync("system.status");

        Assert.Equal(0, run.Exit);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(run.Output).RootElement.ValueKind);
    }

    [Fact]
    public async Task Call_ParamsDash_ReadsThemFromStdin_SoAPasswordStaysOutOfArgv()
    {
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
        var password = Encoding.UTF8.GetBytes("""{"username":"stdin-user","password":"from-stdin-password-1","role":"viewer"}""");

        var run = await InvokeAsync(["call", "users.create", "-", "--url", _gateway.Url], password);

        Assert.Equal(0, run.Exit);
        Assert.Equal("stdin-user", JsonDocument.Parse(run.Output).RootElement.GetProperty("user").GetProperty("username").GetString());
        Assert.DoesNotContain("from-stdin-password-1", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_TokenFromStoredCredential_ReadWithoutTheStoreLock()
    {
        var paths = new StatePaths(_state.Path);
        using (var store = new CredentialStore(paths))
        {
            await store.SetAsync("gateway-token", new Secret(RpcTestGateway.Token), TestContext.Current.CancellationToken);
        }

        // A second store holding the lock stands in for the running gateway that owns this state directory.
        using var owner = new CredentialStore(paths);
        await owner.OpenAsync(TestContext.Current.CancellationToken);

        var run = await CallAsync("system.status");

        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.Exit);
    }

    [Fact]
    public async Task Call_WrongToken_SaysWhereTheRefusedTokenCameFrom()
    {
        _environment["MY_TOKEN"] = "not-the-gateway-token";

        var run = await CallAsync("system.status", "--token-env", "MY_TOKEN");

        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error -32001: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("refused the token from the environment variable MY_TOKEN", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-gateway-token", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"limit\":", "is not valid JSON")]
    [InlineData("42", "must be a JSON object")]
    public async Task Call_BadParams_Exits2WithoutSendingAnything(string parameters, string expected)
    {
        // Pointed at a port nobody listens on: an attempt to send would report the gateway unreachable instead.
        var run = await InvokeAsync(["call", "system.version", parameters, "--url", await UnusedUrlAsync()]);

        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_GatewayDown_NamesTheUrlAndHowToStartIt()
    {
        var url = await UnusedUrlAsync();

        var run = await InvokeAsync(["call", "system.version", "--url", url]);

        Assert.Equal(3, run.Exit); // CliExit.GatewayNotRunning
        Assert.StartsWith($"error: cannot reach the gateway at {url} (", run.Error, StringComparison.Ordinal);
        Assert.Contains("openclaw gateway run", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_NoUrl_UsesTheAddressFromTheConfig()
    {
        var port = new Uri(_gateway.Url).Port;
        await File.WriteAllTextAsync(
            _state.Combine("openclaw.json"), $"{{ gateway: {{ bind: '0.0.0.0', port: {port}, cors: {{ allowedOrigins: ['https://claw.example.com'] }} }} }}",
            TestContext.Current.CancellationToken);

        var run = await InvokeAsync(["call", "system.version"]);

        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.Exit);
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:18789/")]
    [InlineData("localhost", "http://127.0.0.1:18789/")]
    [InlineData("0.0.0.0", "http://127.0.0.1:18789/")]
    [InlineData("::", "http://[::1]:18789/")]
    [InlineData("::1", "http://[::1]:18789/")]
    [InlineData("192.168.1.20", "http://192.168.1.20:18789/")]
    public void DefaultUrl_Bind_IsAnAddressAClientCanReach(string bind, string expected)
    {
        Assert.Equal(expected, GatewayTarget.DefaultUrl(new Core.Config.GatewayOptions { Bind = bind }).ToString());
    }

    [Fact]
    public async Task Stdio_NewlineFraming_BridgesEachRequestToItsReply()
    {
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
        var input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"system.health\"}\n" // a notification: never answered, nothing owed
            + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"system.status\"}\n";

        var run = await StdioAsync(Encoding.UTF8.GetBytes(input), "newline");

        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.Exit);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var replies = lines.Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(r => r.GetProperty("id").ToString());
        Assert.Equal(2, lines.Length);
        Assert.Equal("openclaw", replies["1"].GetProperty("result").GetProperty("name").GetString());
        Assert.True(replies["b"].TryGetProperty("result", out _)); // protected: the header credential reached the socket
    }

    [Fact]
    public async Task Stdio_ContentLengthFraming_FramesRepliesTheSameWay()
    {
        var input = Frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\"}")
            + Frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no.such.method\"}");

        var run = await StdioAsync(Encoding.UTF8.GetBytes(input), "content-length");

        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.Exit);
        var replies = await ReadFramesAsync(run.OutputBytes, FramingKind.ContentLength);
        Assert.Equal(2, replies.Count);
        var byId = replies.ToDictionary(r => r.GetProperty("id").GetInt32());
        Assert.Equal("openclaw", byId[1].GetProperty("result").GetProperty("name").GetString());
        Assert.Equal(-32601, byId[2].GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Stdio_FramingErrorOnInput_NamesItAndExits1AfterEarlierReplies()
    {
        var input = Frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\"}") + "Content-Length: twelve\r\n\r\n{}";

        var run = await StdioAsync(Encoding.UTF8.GetBytes(input), "content-length");

        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error: standard input: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("Content-Length is not a non-negative whole number", run.Error, StringComparison.Ordinal);
        var reply = Assert.Single(await ReadFramesAsync(run.OutputBytes, FramingKind.ContentLength));
        Assert.Equal(1, reply.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Stdio_GatewayStops_ReportsTheCloseAndExits1()
    {
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
        var stdin = new Pipe();
        var stdout = new Pipe();
        var error = new StringWriter();
        var root = new RootCommand { RpcCommands.Create(Lookup, stdin.Reader.AsStream(), stdout.Writer.AsStream()) };
        var bridge = root.Parse(["rpc", "stdio", "--url", _gateway.Url])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, TestContext.Current.CancellationToken);

        // A reply proves the bridge is connected before the gateway stops.
        await stdin.Writer.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\"}\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var reader = MessageFraming.CreateReader(FramingKind.NewlineDelimited, stdout.Reader);
        Assert.NotNull(await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        await _gateway.StopAsync();

        var exit = await bridge.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("error: the gateway closed the connection (1001", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_NoCredentialAndNoConnect_ExplainsTheCloseWithAHint()
    {
        await using var strict = await RpcTestGateway.StartAsync("{ gateway: { limits: { connectTimeoutSeconds: 1 } } }");
        var stdin = new Pipe(); // held open: the gateway, not the end of the input, ends the bridge
        var error = new StringWriter();
        var root = new RootCommand { RpcCommands.Create(Lookup, stdin.Reader.AsStream(), new MemoryStream()) };

        var exit = await root.Parse(["rpc", "stdio", "--url", strict.Url])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("error: the gateway closed the connection (1008 PolicyViolation: no valid connect in time)", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("hint: no gateway token was found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_ReplyNeverArrives_GivesUpAfterWaitAndSaysHowManyAreMissing()
    {
        // A server that accepts the WebSocket and reads, but never answers: the bridge must not wait forever.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var silent = builder.Build();
        silent.UseWebSockets();
        silent.Map("/ws", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
            {
            }
        });
        await silent.StartAsync(TestContext.Current.CancellationToken);
        var url = silent.Urls.First();

        var run = await InvokeAsync(
            ["stdio", "--url", url, "--wait", "1"], "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.version\"}\n"u8.ToArray());

        Assert.Equal(1, run.Exit);
        Assert.Contains("error: 1 reply had not arrived 1 s after the input ended", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_GatewayDown_NamesTheUrl()
    {
        var url = await UnusedUrlAsync();

        var run = await StdioAsync([], "newline", url);

        Assert.Equal(3, run.Exit); // CliExit.GatewayNotRunning
        Assert.StartsWith($"error: cannot reach the gateway at {url} (", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllCommands_TokenGivenEveryWay_NeverAppearsInAnyOutput()
    {
        var outputs = new StringBuilder();
        void Record(Run run) => outputs.Append(run.Output).Append(run.Error).Append(Encoding.UTF8.GetString(run.OutputBytes));

        _environment["MY_TOKEN"] = RpcTestGateway.Token;
        Record(await CallAsync("system.status", "--token-env", "MY_TOKEN"));
        Record(await CallAsync("no.such.method", "--token-env", "MY_TOKEN"));
        Record(await StdioAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system.status\"}\nnot json\n"), "newline", tokenEnv: "MY_TOKEN"));
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
        Record(await CallAsync("system.methods"));
        Record(await InvokeAsync(["call", "system.status", "--url", await UnusedUrlAsync()]));
        _environment["OPENCLAW_GATEWAY_TOKEN"] = "wrong-" + RpcTestGateway.Token;
        Record(await CallAsync("system.status"));
        Record(await StdioAsync([], "newline"));

        var text = outputs.ToString();
        Assert.Contains("\"result\"", text, StringComparison.Ordinal); // the runs did talk to the gateway
        Assert.Contains("error -32001", text, StringComparison.Ordinal);
        Assert.DoesNotContain(RpcTestGateway.Token, text, StringComparison.Ordinal);
    }

    private Task<Run> CallAsync(string method, params string[] extra) => InvokeAsync(["call", method, "--url", _gateway.Url, .. extra]);

    private Task<Run> StdioAsync(byte[] input, string framing, string? url = null, string? tokenEnv = null)
    {
        string[] args = ["stdio", "--framing", framing, "--url", url ?? _gateway.Url];
        return InvokeAsync(tokenEnv is null ? args : [.. args, "--token-env", tokenEnv], input);
    }

    private async Task<Run> InvokeAsync(string[] args, byte[]? input = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var stdin = new MemoryStream(input ?? []);
        using var stdout = new MemoryStream();
        var root = new RootCommand { RpcCommands.Create(Lookup, stdin, stdout) };
        var exit = await root.Parse(["rpc", .. args])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var bytes = stdout.ToArray();
        return new Run(exit, output.ToString() + (args[0] == "stdio" ? Encoding.UTF8.GetString(bytes) : string.Empty), error.ToString(), bytes);
    }

    private string? Lookup(string name) => _environment.GetValueOrDefault(name);

    private static string Frame(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static async Task<List<JsonElement>> ReadFramesAsync(byte[] bytes, FramingKind kind)
    {
        var reader = MessageFraming.CreateReader(kind, PipeReader.Create(new MemoryStream(bytes)));
        var frames = new List<JsonElement>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken) is { } frame)
        {
            frames.Add(JsonDocument.Parse(frame).RootElement.Clone());
        }

        return frames;
    }

    /// <summary>A loopback URL whose port was free a moment ago (nothing listens there).</summary>
    private static Task<string> UnusedUrlAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return Task.FromResult($"http://127.0.0.1:{port}");
    }

    private sealed record Run(int Exit, string Output, string Error, byte[] OutputBytes);
}
