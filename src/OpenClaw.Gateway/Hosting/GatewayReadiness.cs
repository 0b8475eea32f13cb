namespace OpenClaw.Gateway.Hosting;

/// <summary>Whether the gateway is ready to serve: its store is open and its start-up work done.</summary>
internal sealed class GatewayReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
