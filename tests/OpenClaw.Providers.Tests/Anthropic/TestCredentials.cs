using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Tests.Anthropic;

/// <summary>An API key (or none).</summary>
internal sealed class StaticKeyCredential(string? key) : IProviderCredential
{
    public bool IsOAuth => false;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => new(key is null ? null : new Secret(key));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken) => new((Secret?)null);
}

/// <summary>An OAuth login whose token refreshes to <paramref name="refreshed"/> (or cannot refresh); counts refreshes.</summary>
internal sealed class FakeOAuthCredential(string token, string? refreshed) : IProviderCredential
{
    private string _token = token;

    public int Refreshes { get; private set; }

    public List<string> Rejected { get; } = [];

    public bool IsOAuth => true;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => new(new Secret(_token));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken)
    {
        Refreshes++;
        Rejected.Add(rejected.Reveal());
        if (refreshed is null)
        {
            return new((Secret?)null);
        }

        _token = refreshed;
        return new(new Secret(refreshed));
    }
}

/// <summary>An OAuth login whose refresh fails (the refresh token was revoked).</summary>
internal sealed class FailingRefreshCredential : IProviderCredential
{
    public bool IsOAuth => true;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) => new(new Secret("expired-token"));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken) =>
        ValueTask.FromException<Secret?>(new ProviderException("anthropic", ProviderFailure.MissingCredential, "The login was revoked."));
}

/// <summary>Answers every request with a 401 whose body records whether it was disposed (its connection released).</summary>
internal sealed class UnauthorizedHandler : HttpMessageHandler
{
    public List<TrackedContent> Bodies { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = new TrackedContent();
        Bodies.Add(body);
        return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized) { Content = body, RequestMessage = request });
    }
}

/// <summary>An error body that notes its disposal.</summary>
internal sealed class TrackedContent : HttpContent
{
    public bool Disposed { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        stream.WriteAsync("""{"type":"error","error":{"type":"authentication_error","message":"expired"}}"""u8.ToArray()).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
