using System.Net;

namespace OpenClaw.Providers.Resilience;

/// <summary>Builds the <see cref="HttpClient"/> a provider client talks through, with the provider's timeouts applied.</summary>
internal static class ProviderHttp
{
    /// <summary>How long a pooled connection lives, so a changed DNS record (a provider moving hosts) is picked up.</summary>
    internal static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An <see cref="HttpClient"/> for one provider: connects within <see cref="ProviderTimeouts.Connect"/>, fails with a
    /// <see cref="ProviderFailure.Timeout"/> when the headers take longer than <see cref="ProviderTimeouts.FirstByte"/>, with
    /// <see cref="ProviderFailure.Stalled"/> when a read of the body waits longer than <see cref="ProviderTimeouts.Stall"/>,
    /// and never follows redirects (one must not carry the key to another host).
    /// </summary>
    /// <remarks>The client's own <see cref="HttpClient.Timeout"/> is infinite: a streamed answer may take many minutes
    /// while still making progress. The caller disposes the client.</remarks>
    public static HttpClient CreateClient(string providerName, ProviderTimeouts timeouts, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(timeouts);
        ArgumentNullException.ThrowIfNull(time);

#pragma warning disable CA2000 // The handlers are owned (and disposed) by the HttpClient.
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = timeouts.Connect,
            PooledConnectionLifetime = PooledConnectionLifetime,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        var handler = new ProviderTimeoutHandler(providerName, timeouts, time) { InnerHandler = sockets };
#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
