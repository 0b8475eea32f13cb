namespace OpenClaw.Gateway.Hosting;

/// <summary>Where the gateway listens and where it keeps its state.</summary>
public sealed class GatewayHostOptions
{
    /// <summary>The address to bind; loopback by default.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one.</summary>
    public int Port { get; set; } = 18789;

    /// <summary>The state directory (config, credentials, store).</summary>
    public required string StateDirectory { get; set; }
}
