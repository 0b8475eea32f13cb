using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenClaw.Core.Config;
using OpenClaw.Providers.Resilience;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Providers.Tests.Resilience;

public sealed class ProviderHttpTests : IAsyncLifetime
{
    private const string Provider = "anthropic";
    private readonly MisbehavingServer _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _server.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Timeouts_come_from_the_config_in_seconds()
    {
        var timeouts = ProviderTimeouts.From(new ProviderTimeoutOptions { ConnectSeconds = 3, FirstByteSeconds = 45, StallSeconds = 120 });

        Assert.Equal(new ProviderTimeouts(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(120)), timeouts);
    }

    [Fact]
    public async Task A_healthy_response_reads_normally()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));

        var body = await http.GetStringAsync(new Uri(_server.RootUrl, "ok"), Ct);

        Assert.Equal("hello", body);
        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
    }

    [Fact]
    public async Task Headers_that_never_arrive_fail_as_a_timeout_naming_the_setting()
    {
        using var http = Client(firstByte: TimeSpan.FromMilliseconds(300), stall: TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => http.GetAsync(new Uri(_server.RootUrl, "no-headers"), Ct));

        Assert.Equal(ProviderFailure.Timeout, error.Failure);
        Assert.Equal(Provider, error.Provider);
        Assert.Equal("provider 'anthropic' sent no response headers within 0.3 s (timeouts.firstByteSeconds)", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_body_that_stalls_mid_stream_fails_as_stalled_and_the_connection_is_dropped()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromMilliseconds(300));
        using var response = await http.GetAsync(new Uri(_server.RootUrl, "stall"), HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64];

        var first = await stream.ReadAsync(buffer, Ct);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProviderException>(async () => { _ = await stream.ReadAsync(buffer, Ct); });

        Assert.Equal("data: first\n\n", System.Text.Encoding.UTF8.GetString(buffer, 0, first));
        Assert.Equal(ProviderFailure.Stalled, error.Failure);
        Assert.Contains("(timeouts.stallSeconds)", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        await _server.Aborted.WaitAsync(TestTimeouts.Default, Ct);
    }

    [Fact]
    public async Task A_buffered_read_of_a_stalled_body_fails_as_stalled_too()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<ProviderException>(() => http.GetStringAsync(new Uri(_server.RootUrl, "stall"), Ct));

        Assert.Equal(ProviderFailure.Stalled, error.Failure);
    }

    [Fact]
    public async Task A_refused_connection_fails_as_a_connection_error()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));
        var closedPort = ClosedPort();

        var error = await Assert.ThrowsAsync<ProviderException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{closedPort}/"), Ct));

        Assert.Equal(ProviderFailure.Connection, error.Failure);
        Assert.Equal("could not reach provider 'anthropic': the connection was refused or broke", error.Message);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_connection_dropped_before_the_headers_fails_as_a_connection_error()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ProviderException>(() => http.GetAsync(new Uri(_server.RootUrl, "drop"), Ct));

        Assert.Equal(ProviderFailure.Connection, error.Failure);
        Assert.StartsWith("could not reach provider 'anthropic': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_fails_as_interrupted()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync(new Uri(_server.RootUrl, "cut"), HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64];
        Assert.True(await stream.ReadAsync(buffer, Ct) > 0);
        _server.CutNow();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            while (await stream.ReadAsync(buffer, Ct) > 0)
            {
            }
        });

        Assert.Equal(ProviderFailure.Interrupted, error.Failure);
        Assert.Equal("provider 'anthropic' broke off its response (the connection closed early)", error.Message);
    }

    [Fact]
    public async Task A_connection_that_is_never_accepted_fails_as_a_timeout_naming_the_connect_setting()
    {
        // A listener with a backlog of 0 whose one queued connection is never accepted: its accept queue is full, so
        // the kernel drops further SYNs and connecting hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(endpoint, Ct);
        using var http = ProviderHttp.CreateClient(Provider,
            new ProviderTimeouts(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)), TimeProvider.System);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ProviderException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/"), Ct));

        Assert.Equal(ProviderFailure.Timeout, error.Failure);
        Assert.Equal("could not connect to provider 'anthropic' within 0.3 s (timeouts.connectSeconds)", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_key_stays_with_the_provider()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.RootUrl, "redirect"));
        request.Headers.Add("x-api-key", "sk-ant-test");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(0, _server.ElsewhereHits);
    }

    [Fact]
    public async Task A_caller_cancellation_while_waiting_for_headers_stays_a_cancellation()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = http.GetAsync(new Uri(_server.RootUrl, "no-headers"), caller.Token);
        await _server.NoHeadersArrived.WaitAsync(TestTimeouts.Default, Ct);

        await caller.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.IsNotType<ProviderException>(error.InnerException);
    }

    [Fact]
    public async Task A_caller_cancellation_while_reading_the_body_stays_a_cancellation()
    {
        using var http = Client(firstByte: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(30));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var response = await http.GetAsync(new Uri(_server.RootUrl, "stall"), HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64];
        _ = await stream.ReadAsync(buffer, Ct);

        var pending = stream.ReadAsync(buffer, caller.Token).AsTask();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    private static HttpClient Client(TimeSpan firstByte, TimeSpan stall) =>
        ProviderHttp.CreateClient(Provider, new ProviderTimeouts(TimeSpan.FromSeconds(10), firstByte, stall), TimeProvider.System);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A loopback server whose routes misbehave the ways the HTTP layer must survive.</summary>
    private sealed class MisbehavingServer : FakeModelServer
    {
        private readonly TaskCompletionSource _noHeadersArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _cutNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _elsewhereHits;

        public Task NoHeadersArrived => _noHeadersArrived.Task;

        /// <summary>Completes when the client dropped a stalled response's connection.</summary>
        public Task Aborted => _aborted.Task;

        public int ElsewhereHits => Volatile.Read(ref _elsewhereHits);

        /// <summary>Lets the <c>/cut</c> route drop its connection (after the client read the first bytes).</summary>
        public void CutNow() => _cutNow.TrySetResult();

        public Task StartAsync(CancellationToken cancellationToken) => StartCoreAsync(cancellationToken);

        protected override void MapRoutes(WebApplication app)
        {
            var stopping = app.Lifetime.ApplicationStopping;
            app.MapGet("/ok", () => "hello");
            app.MapGet("/no-headers", async (HttpContext context) =>
            {
                _noHeadersArrived.TrySetResult();
                await WaitUntilGoneAsync(context, stopping);
            });
            app.MapGet("/stall", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: first\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await WaitUntilGoneAsync(context, stopping);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    _aborted.TrySetResult();
                }
            });
            app.MapGet("/drop", (HttpContext context) => context.Abort());
            app.MapGet("/cut", async (HttpContext context) =>
            {
                context.Response.ContentLength = 1000;
                await context.Response.WriteAsync("data: half", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await _cutNow.Task.WaitAsync(TestTimeouts.Default, stopping);
                context.Abort();
            });
            app.MapGet("/redirect", (HttpContext context) =>
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = new Uri(RootUrl, "elsewhere").ToString();
            });
            app.MapGet("/elsewhere", () =>
            {
                Interlocked.Increment(ref _elsewhereHits);
                return "moved";
            });
        }

        private static async Task WaitUntilGoneAsync(HttpContext context, CancellationToken stopping)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
