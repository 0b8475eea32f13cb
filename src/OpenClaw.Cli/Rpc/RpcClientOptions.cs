namespace OpenClaw.Cli.Rpc;

/// <summary>The time limits of <c>openclaw rpc</c>; tests shorten them.</summary>
internal sealed record RpcClientOptions
{
    /// <summary>How long to wait for the TCP connection to the gateway before calling it unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the stdio bridge waits, once its input has ended, for replies still owed.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the stdio bridge waits for the gateway to acknowledge its close.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock the stdio bridge's waits run on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The largest message accepted from the gateway or written to standard output.</summary>
    public int MaxReplyBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>The handler every connection to the gateway goes through: direct (no proxy), no redirects.</summary>
    /// <remarks>
    /// The gateway is local or named explicitly by --url; a proxy or a redirect would only be another place the bearer
    /// token could travel to.
    /// </remarks>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectTimeout = ConnectTimeout,
        UseProxy = false,
        AllowAutoRedirect = false,
    };
}
