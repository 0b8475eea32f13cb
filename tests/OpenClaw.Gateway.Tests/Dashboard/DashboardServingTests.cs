using System.IO.Compression;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Gateway.Dashboard;
using OpenClaw.Gateway.Tests.Rpc;

namespace OpenClaw.Gateway.Tests.Dashboard;

/// <summary>The dashboard as a browser fetches it: the page for every route, cached assets, strict headers, 404s.</summary>
public sealed partial class DashboardServingTests
{
    private const string IndexHtml = "<!doctype html><title>test dashboard</title><script type=\"module\" src=\"/assets/index-abc123.js\"></script>";
    private static readonly string s_script = "console.log('dashboard');\n" + string.Concat(Enumerable.Repeat("export const x = 'compressible text';\n", 200));

    private static Task<TestGateway> StartAsync() => TestGateway.StartAsync(services: services => services.AddSingleton(new DashboardAssets(
        new Dictionary<string, byte[]>
        {
            ["index.html"] = Encoding.UTF8.GetBytes(IndexHtml),
            ["assets/index-abc123.js"] = Encoding.UTF8.GetBytes(s_script),
            ["assets/index-def456.css"] = Encoding.UTF8.GetBytes("body{color:red}"),
            ["favicon.svg"] = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        })));

    private static async Task<HttpResponseMessage> GetAsync(TestGateway gateway, string path, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        configure?.Invoke(request);
        return await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.DoesNotContain("unsafe-", DashboardEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/sessions")]
    [InlineData("/sessions/agent:default:webchat:peer:abc")]
    [InlineData("/chat/agent:default:webchat:peer:abc")]
    [InlineData("/sessions/agent:default:cli:john.doe:ab12")]
    [InlineData("/sessions/agent%3Adefault%3Acli%3Ajohn.doe%3Aab12")]
    [InlineData("/index.html")]
    public async Task ClientRoute_ServesIndexNeverCachedWithStrictHeaders(string path)
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(IndexHtml, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/assets/index-abc123.js", "text/javascript")]
    [InlineData("/assets/index-def456.css", "text/css")]
    public async Task HashedAsset_IsCachedForAYearAsImmutableWithItsType(string path, string type)
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardEndpoints.ImmutableCaching, response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task UnhashedRootFile_IsRevalidatedNotCachedForever()
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, "/favicon.svg");

        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Null(response.Headers.CacheControl?.MaxAge);
    }

    [Theory]
    [InlineData("/assets/index-missing.js")]
    [InlineData("/assets/nothing")]
    [InlineData("/robots.txt")]
    [InlineData("/sessions/report.png")]
    public async Task UnknownFile_Is404NotTheIndex(string path)
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("test dashboard", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/rpc")]
    [InlineData("/health/nothing")]
    [InlineData("/metrics/x")]
    [InlineData("/hooks/telegram/secret")]
    [InlineData("/ws/x")]
    public async Task ReservedPath_IsNotSwallowedByTheDashboard(string path)
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, path);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("test dashboard", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnEndpoints_StillAnswerBesideTheDashboard()
    {
        await using var gateway = await StartAsync();

        using var health = await GetAsync(gateway, "/health");
        using var metrics = await GetAsync(gateway, "/metrics");
        using var postToPage = await GetAsync(gateway, "/sessions", method: HttpMethod.Post);

        Assert.Contains("\"status\":\"ok\"", await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("openclaw_", await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, postToPage.StatusCode);
    }

    [Fact]
    public async Task Asset_WithItsETag_IsNotSentAgain()
    {
        await using var gateway = await StartAsync();
        using var first = await GetAsync(gateway, "/assets/index-abc123.js");

        using var second = await GetAsync(gateway, "/assets/index-abc123.js", r => r.Headers.IfNoneMatch.Add(first.Headers.ETag!));

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Asset_IsSentCompressedWhenTheBrowserAcceptsIt(string encoding)
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, "/assets/index-abc123.js", r => r.Headers.AcceptEncoding.ParseAdd(encoding));

        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var compressed = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.True(compressed.Length < s_script.Length / 2);
        using var input = new MemoryStream(compressed);
        using Stream decompressor = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(decompressor, Encoding.UTF8);
        Assert.Equal(s_script, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Asset_WithoutAcceptEncoding_IsSentPlain()
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, "/assets/index-abc123.js", r => r.Headers.AcceptEncoding.ParseAdd("br;q=0"));

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(s_script, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Head_SendsTheHeadersWithoutTheBody()
    {
        await using var gateway = await StartAsync();

        using var response = await GetAsync(gateway, "/assets/index-abc123.js", method: HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(s_script), response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WebSocket_FromTheDashboardsOwnOrigin_IsAccepted()
    {
        await using var gateway = await StartAsync();
        var origin = gateway.Address.GetLeftPart(UriPartial.Authority);

        using var socket = await gateway.ConnectAsync(token: null, origin: origin);
        await socket.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"connect","params":{"token":"test-gateway-token-0123456789"}}""");

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Contains("\"role\":\"admin\"", await socket.ReceiveTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedBuild_ServesItsIndexAndEveryFileItLinks()
    {
        // The real ui/dist, embedded by ui.targets: the page loads only what the build put next to it.
        await using var gateway = await TestGateway.StartAsync();

        using var index = await GetAsync(gateway, "/");
        var html = await index.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var links = AssetLink().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("<div id=\"app\"></div>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.Contains(links, l => l.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith(".css", StringComparison.Ordinal));
        foreach (var link in links)
        {
            using var asset = await GetAsync(gateway, link);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(DashboardEndpoints.ImmutableCaching, asset.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task BuildWithoutTheDashboard_SaysSoAtTheRootWithTheSameHeaders()
    {
        await using var gateway = await TestGateway.StartAsync(services: services => services.AddSingleton(new DashboardAssets([])));

        using var response = await GetAsync(gateway, "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("does not include the dashboard", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [GeneratedRegex("(?:src|href)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetLink();

    // A <script> element with content (rather than src=) would need 'unsafe-inline'.
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
