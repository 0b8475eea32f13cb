using System.Net;

namespace OpenClaw.Providers.Resilience;

/// <summary>
/// Applies the first-byte and stall timeouts and turns connection failures into <see cref="ProviderException"/>s that
/// name the provider and the config knob; a caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ProviderTimeoutHandler(string providerName, ProviderTimeouts timeouts, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var firstByte = new CancellationTokenSource(timeouts.FirstByte, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, firstByte.Token);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw firstByte.IsCancellationRequested
                ? new ProviderException(providerName, ProviderFailure.Timeout,
                    $"provider '{providerName}' sent no response headers within {ProviderTimeouts.Describe(timeouts.FirstByte)} (timeouts.firstByteSeconds)",
                    innerException: ex)
                : new ProviderException(providerName, ProviderFailure.Timeout,
                    $"could not connect to provider '{providerName}' within {ProviderTimeouts.Describe(timeouts.Connect)} (timeouts.connectSeconds)",
                    innerException: ex);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConnectionFailure(providerName, ex);
        }

        if (response.Content is { } content)
        {
            response.Content = new StallGuardContent(content, providerName, timeouts.Stall, time);
        }

        return response;
    }

    /// <summary>A connection failure as the user reads it: which provider, and the kind of failure (never the host's answer text).</summary>
    internal static ProviderException ConnectionFailure(string providerName, HttpRequestException ex)
    {
        var why = ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "its host name did not resolve",
            HttpRequestError.ConnectionError => "the connection was refused or broke",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.ProxyTunnelError => "the proxy refused the tunnel",
            HttpRequestError.ResponseEnded => "the connection closed before the response was complete",
            HttpRequestError.InvalidResponse => "the response was not valid HTTP",
            _ when ex.InnerException is IOException => "the connection broke before the response",
            _ => "the request failed",
        };
        return new ProviderException(providerName, ProviderFailure.Connection,
            $"could not reach provider '{providerName}': {why}", innerException: ex);
    }

    /// <summary>The response content with every read of its stream bounded by the stall timeout.</summary>
    private sealed class StallGuardContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly string _providerName;
        private readonly TimeSpan _stall;
        private readonly TimeProvider _time;

        public StallGuardContent(HttpContent inner, string providerName, TimeSpan stall, TimeProvider time)
        {
            _inner = inner;
            _providerName = providerName;
            _stall = stall;
            _time = time;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            var inner = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new StallGuardStream(inner, _providerName, _stall, _time);
        }

        protected override bool TryComputeLength(out long length)
        {
            if (_inner.Headers.ContentLength is { } known)
            {
                length = known;
                return true;
            }

            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A read-only stream whose every read fails with <see cref="ProviderFailure.Stalled"/> (aborting the
    /// connection) when it waits longer than the stall timeout.</summary>
    private sealed class StallGuardStream(Stream inner, string providerName, TimeSpan stall, TimeProvider time) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var stalled = new CancellationTokenSource(stall, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stalled.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && stalled.IsCancellationRequested)
            {
                // A cancelled read already aborts an HTTP/1.1 connection; disposing makes sure for every version.
                await inner.DisposeAsync().ConfigureAwait(false);
                throw new ProviderException(providerName, ProviderFailure.Stalled,
                    $"provider '{providerName}' sent nothing for {ProviderTimeouts.Describe(stall)} in the middle of its response (timeouts.stallSeconds)",
                    innerException: ex);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Interrupted(ex);
            }
            catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Interrupted(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Synchronous reads are rare (clients read asynchronously); they still get the stall guard.
            var rented = new byte[buffer.Length];
            var read = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private ProviderException Interrupted(Exception ex) => new(providerName, ProviderFailure.Interrupted,
            $"provider '{providerName}' broke off its response (the connection closed early)", innerException: ex);
    }
}
