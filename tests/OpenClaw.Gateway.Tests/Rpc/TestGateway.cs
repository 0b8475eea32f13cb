using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>A real gateway on 127.0.0.1:0 over a temporary state directory, with a known gateway token.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public const string Token = "test-gateway-token-0123456789";

    private readonly TempDirectory _dir;
    private readonly WebApplication _app;

    private TestGateway(TempDirectory dir, WebApplication app, Uri address)
    {
        _dir = dir;
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TestTimeouts.Default };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public StatePaths Paths => new(_dir.Path);

    public WebApplication App => _app;

    public static async Task<TestGateway> StartAsync(
        string config = "{}", Dictionary<string, string>? environment = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string>? files = null)
    {
        var dir = new TempDirectory();
        try
        {
            var paths = new StatePaths(dir.Path);
            var env = new Dictionary<string, string>(environment ?? [], StringComparer.Ordinal)
            {
                ["OPENCLAW_STATE_DIR"] = dir.Path,
            };
            env.TryAdd("OPENCLAW_GATEWAY_TOKEN", Token);
            await File.WriteAllTextAsync(paths.ConfigFile, config, TestContext.Current.CancellationToken);
            foreach (var (relative, content) in files ?? new Dictionary<string, string>())
            {
                var path = Path.Combine(dir.Path, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, content, TestContext.Current.CancellationToken);
            }

            var loaded = await new ConfigLoader(paths, name => env.GetValueOrDefault(name)).LoadAsync(TestContext.Current.CancellationToken);
            loaded = loaded with { Gateway = loaded.Gateway with { Port = 0 } }; // every test gateway takes a free port
            var app = await GatewayHost.BuildAsync(paths, loaded, getEnvironmentVariable: name => env.GetValueOrDefault(name),
                configureServices: services, cancellationToken: TestContext.Current.CancellationToken);
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new TestGateway(dir, app, new Uri(GatewayHost.Addresses(app).First()));
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>POSTs a raw body to /rpc and returns the status and body.</summary>
    public async Task<(int Status, string Body, HttpResponseMessage Response)> PostAsync(
        string body, string? token = Token, string contentType = "application/json", string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rpc") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    /// <summary>Opens a WebSocket to /ws, with the gateway token in the header unless told otherwise.</summary>
    public async Task<ClientWebSocket> ConnectAsync(string? token = Token, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(Address) { Scheme = "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(uri, TestContext.Current.CancellationToken);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Sending and receiving whole text messages on a test WebSocket.</summary>
internal static class WebSocketTestExtensions
{
    public static Task SendTextAsync(this WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>The next whole message, or null when the server closed the socket (its close status is then on the socket).</summary>
    public static async Task<string?> ReceiveTextAsync(this WebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TestTimeouts.Default);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    public static async Task<JsonElement> ReceiveJsonAsync(this WebSocket socket)
    {
        var text = await socket.ReceiveTextAsync() ?? throw new InvalidOperationException("the server closed the socket: " + socket.CloseStatus);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
