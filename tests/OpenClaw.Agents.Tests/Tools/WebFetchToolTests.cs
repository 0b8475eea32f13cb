using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class WebFetchToolTests
{
    [Fact]
    public async Task Fetch_DisabledByDefault_SaysWhichKeyEnablesIt()
    {
        using var h = new ToolHarness();
        await using var server = await WebServer.StartAsync();

        (await h.RunAsync("web_fetch", Url(server, "text"))).AssertFailed("agents.default.tools.webFetch.enabled");

        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Fetch_AllowedPrivateNetwork_ReturnsStatusTypeAndBody()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        var result = (await h.RunAsync("web_fetch", Url(server, "text"))).AssertOk();

        Assert.Equal(200, result.Num("status"));
        Assert.StartsWith("text/plain", result.Str("contentType"), StringComparison.Ordinal);
        Assert.Equal("hello wéb", result.Str("body"));
        Assert.False(result.Bool("truncated"));
    }

    [Fact]
    public async Task Fetch_Loopback_IsRefusedByDefault()
    {
        using var h = Enabled(allowPrivate: false);
        await using var server = await WebServer.StartAsync();

        (await h.RunAsync("web_fetch", Url(server, "text"))).AssertFailed("agents.default.tools.webFetch.allowPrivateNetwork");
        (await h.RunAsync("web_fetch", $$"""{"url":"http://localhost:{{server.Port}}/text"}""")).AssertFailed("non-public address");

        Assert.Equal(0, server.RequestCount);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/x")]
    [InlineData("gopher://example.com/")]
    public async Task Fetch_NonHttpScheme_IsRefused(string url)
    {
        using var h = Enabled(allowPrivate: true);

        (await h.RunAsync("web_fetch", $$"""{"url":{{ToolHarness.Q(url)}}}""")).AssertFailed("Only http and https");
    }

    [Fact]
    public async Task Fetch_UserInfoInUrl_IsRefused()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        (await h.RunAsync("web_fetch", $$"""{"url":"http://user:pw@127.0.0.1:{{server.Port}}/text"}""")).AssertFailed("user name or password");

        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Fetch_BodyOverTheCap_IsTruncated()
    {
        using var h = Enabled(allowPrivate: true, maxBytes: 1000);
        await using var server = await WebServer.StartAsync();

        var capped = (await h.RunAsync("web_fetch", Url(server, "big"))).AssertOk();
        var lowered = (await h.RunAsync("web_fetch", $$"""{"url":"{{server.Root}}big","max_bytes":10}""")).AssertOk();
        var raised = (await h.RunAsync("web_fetch", $$"""{"url":"{{server.Root}}big","max_bytes":100000}""")).AssertOk();

        Assert.Equal(1000, capped.Str("body").Length);
        Assert.True(capped.Bool("truncated"));
        Assert.Equal(10, lowered.Str("body").Length);
        Assert.Equal(1000, raised.Str("body").Length);
    }

    [Fact]
    public async Task Fetch_SlowServer_TimesOut()
    {
        var time = new FakeTimeProvider();
        using var h = Enabled(allowPrivate: true);
        h.Time = time;
        h.Agent = h.Agent with { Tools = h.Agent.Tools with { WebFetch = h.Agent.Tools.WebFetch with { TimeoutSeconds = 7 } } };
        await using var server = await WebServer.StartAsync();

        var fetch = h.RunAsync("web_fetch", Url(server, "slow"));
        await server.SlowRequestArrived.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(7));

        (await fetch.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken)).AssertFailed("timed out after 7 s");
    }

    [Fact]
    public async Task Fetch_CallerCancellation_IsACancellationNotATimeout()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var parameters = System.Text.Json.JsonDocument.Parse(Url(server, "slow"));

        var fetch = ToolHarness.Tool("web_fetch").ExecuteAsync(parameters.RootElement, h.Context, cancel.Token).AsTask();
        await server.SlowRequestArrived.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Fetch_Redirect_IsFollowedWithTheSameChecks()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        var result = (await h.RunAsync("web_fetch", Url(server, "redirect"))).AssertOk();

        Assert.Equal("hello wéb", result.Str("body"));
        Assert.EndsWith("/text", result.Str("url"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_RedirectToAPrivateAddress_IsRefused()
    {
        using var h = Enabled(allowPrivate: false);
        await using var server = await WebServer.StartAsync();
        // The test server itself counts as public here; the metadata address it redirects to must still be refused.
        var tool = new WebFetchTool(a => a.Equals(IPAddress.Loopback) || NetworkAddressPolicy.IsPublic(a));

        (await h.RunAsync(tool, Url(server, "redirect-private"))).AssertFailed("169.254.169.254");
        (await h.RunAsync(tool, Url(server, "redirect-file"))).AssertFailed("Only http and https");
        var direct = (await h.RunAsync(tool, Url(server, "text"))).AssertOk();

        Assert.Equal("hello wéb", direct.Str("body"));
    }

    [Fact]
    public async Task Fetch_RedirectLoop_StopsAtTheLimit()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        (await h.RunAsync("web_fetch", Url(server, "loop"))).AssertFailed("Too many redirects");

        Assert.Equal(WebFetchTool.MaxRedirects + 1, server.RequestCount);
    }

    [Fact]
    public async Task Fetch_NeverSendsCookiesBack()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        var result = (await h.RunAsync("web_fetch", Url(server, "set-cookie"))).AssertOk();

        Assert.Equal("cookie=;authorization=", result.Str("body"));
    }

    [Fact]
    public async Task Fetch_BinaryBody_IsNotReturned()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        var result = (await h.RunAsync("web_fetch", Url(server, "binary"))).AssertOk();

        Assert.Equal(JsonValueKindNull, result.GetProperty("body").ValueKind);
        Assert.True(result.Bool("binary"));
    }

    [Fact]
    public async Task Fetch_ErrorStatus_FailsWithTheResponse()
    {
        using var h = Enabled(allowPrivate: true);
        await using var server = await WebServer.StartAsync();

        var outcome = await h.RunAsync("web_fetch", Url(server, "missing"));

        outcome.AssertFailed("HTTP 404");
        Assert.Equal("no such page", outcome.Result!.Value.Str("body"));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static string Url(WebServer server, string path) => $$"""{"url":"{{server.Root}}{{path}}"}""";

    private static ToolHarness Enabled(bool allowPrivate, int maxBytes = 2_097_152)
    {
        var h = new ToolHarness();
        h.Agent = h.Agent with
        {
            Tools = new ToolsOptions { WebFetch = new WebFetchOptions { Enabled = true, AllowPrivateNetwork = allowPrivate, MaxBytes = maxBytes } },
        };
        return h;
    }

    private sealed class WebServer : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private int _requestCount;

        public string Root { get; private set; } = "";

        public int Port { get; private set; }

        public int RequestCount => Volatile.Read(ref _requestCount);

        public TaskCompletionSource SlowRequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<WebServer> StartAsync()
        {
            var server = new WebServer();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref server._requestCount);
                await next(context);
            });
            app.MapGet("/text", () => Results.Text("hello wéb", "text/plain; charset=utf-8"));
            app.MapGet("/big", () => Results.Text(new string('a', 5000), "text/plain"));
            app.MapGet("/binary", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47, 0, 1, 2], "image/png"));
            app.MapGet("/missing", () => Results.Text("no such page", "text/plain", statusCode: 404));
            app.MapGet("/redirect", () => Results.Redirect("/text"));
            app.MapGet("/redirect-private", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
            app.MapGet("/redirect-file", () => Results.Redirect("file:///etc/passwd"));
            app.MapGet("/loop", () => Results.Redirect("/loop"));
            app.MapGet("/set-cookie", (HttpContext context) =>
            {
                context.Response.Headers.SetCookie = "session=abc; Path=/";
                return Results.Redirect("/echo");
            });
            app.MapGet("/echo", (HttpContext context) =>
                Results.Text($"cookie={context.Request.Headers.Cookie};authorization={context.Request.Headers.Authorization}", "text/plain"));
            app.MapGet("/slow", async (HttpContext context) =>
            {
                server.SlowRequestArrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            server._app = app;
            server.Root = address.TrimEnd('/') + "/";
            server.Port = new Uri(server.Root).Port;
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
