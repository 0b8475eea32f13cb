namespace OpenClaw.Gateway.Hosting;

/// <summary>When this gateway started, for uptime in <c>/health</c> and <c>system.status</c>.</summary>
internal sealed class GatewayClock(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public long UptimeSeconds => (long)time.GetElapsedTime(_started).TotalSeconds;
}
