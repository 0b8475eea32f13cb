using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Tests.OpenAI;

/// <summary>Hands out its keys in turn, one per request (a key rotated between two concurrent requests).</summary>
internal sealed class RotatingKeyCredential(params string[] keys) : IProviderCredential
{
    private int _next = -1;

    public bool IsOAuth => false;

    public ValueTask<Secret?> GetAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<Secret?>(new Secret(keys[Interlocked.Increment(ref _next) % keys.Length]));

    public ValueTask<Secret?> RefreshAfterUnauthorizedAsync(Secret rejected, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Secret?>(null);
}

/// <summary>Holds every request until <paramref name="count"/> have been sent, so that they are all in flight at once.</summary>
internal sealed class BarrierHandler(int count) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == count)
        {
            _all.TrySetResult();
        }

        await _all.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
