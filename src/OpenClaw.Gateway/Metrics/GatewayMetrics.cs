using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OpenClaw.Gateway.Rpc;

namespace OpenClaw.Gateway.Metrics;

/// <summary>Counters for <c>/metrics</c> (Prometheus text format), updated lock-free on the hot path.</summary>
internal sealed class GatewayMetrics
{
    // Upper bounds in seconds of the latency histogram's buckets.
    private static readonly double[] s_buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5, 30];

    private readonly ConcurrentDictionary<string, MethodCounters> _methods = new(StringComparer.Ordinal);
    private long _webSocketsOpen;
    private long _webSocketsTotal;
    private long _slowConsumers;
    private long _pushed;
    private long _sendQueueDepth;

    public void RecordCall(string method, int? errorCode, TimeSpan elapsed)
    {
        // Only known names become labels, so a client cannot grow the label set.
        var key = MethodRoles.Table.ContainsKey(method) ? method : "unknown";
        var counters = _methods.GetOrAdd(key, static _ => new MethodCounters(s_buckets.Length));
        counters.Record(errorCode, elapsed.TotalSeconds, s_buckets);
    }

    public void WebSocketOpened()
    {
        Interlocked.Increment(ref _webSocketsOpen);
        Interlocked.Increment(ref _webSocketsTotal);
    }

    public void WebSocketClosed() => Interlocked.Decrement(ref _webSocketsOpen);

    public void SlowConsumerDisconnected() => Interlocked.Increment(ref _slowConsumers);

    public void Pushed() => Interlocked.Increment(ref _pushed);

    public void SendQueueChanged(long delta) => Interlocked.Add(ref _sendQueueDepth, delta);

    /// <summary>The metrics in Prometheus text exposition format 0.0.4.</summary>
    public string Render(long activeSessions, long totalSessions, long memoryBytes, long uptimeSeconds)
    {
        var text = new StringBuilder(2048);
        var c = CultureInfo.InvariantCulture;
        Gauge(text, "openclaw_uptime_seconds", "Seconds since the gateway started.", uptimeSeconds);
        Gauge(text, "openclaw_memory_bytes", "Working set of the gateway process.", memoryBytes);
        Gauge(text, "openclaw_sessions_active", "Sessions that have not ended.", activeSessions);
        Gauge(text, "openclaw_sessions_total", "Sessions in the store.", totalSessions);
        Gauge(text, "openclaw_websockets_open", "Open WebSocket connections.", Interlocked.Read(ref _webSocketsOpen));
        Counter(text, "openclaw_websockets_accepted_total", "WebSocket connections accepted.", Interlocked.Read(ref _webSocketsTotal));
        Counter(text, "openclaw_websockets_slow_consumer_total", "WebSockets disconnected because they read too slowly.", Interlocked.Read(ref _slowConsumers));
        Counter(text, "openclaw_events_pushed_total", "Event notifications queued to subscribers.", Interlocked.Read(ref _pushed));
        Gauge(text, "openclaw_send_queue_depth", "Messages waiting in WebSocket send queues.", Interlocked.Read(ref _sendQueueDepth));

        text.Append("# HELP openclaw_rpc_requests_total JSON-RPC calls by method and outcome.\n# TYPE openclaw_rpc_requests_total counter\n");
        var ordered = _methods.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        foreach (var (method, counters) in ordered)
        {
            text.Append(c, $"openclaw_rpc_requests_total{{method=\"{method}\",outcome=\"ok\"}} {Interlocked.Read(ref counters.Ok)}\n");
            text.Append(c, $"openclaw_rpc_requests_total{{method=\"{method}\",outcome=\"error\"}} {Interlocked.Read(ref counters.Errors)}\n");
        }

        text.Append("# HELP openclaw_rpc_duration_seconds JSON-RPC call latency.\n# TYPE openclaw_rpc_duration_seconds histogram\n");
        foreach (var (method, counters) in ordered)
        {
            long cumulative = 0;
            for (var i = 0; i < s_buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref counters.Buckets[i]);
                text.Append(c, $"openclaw_rpc_duration_seconds_bucket{{method=\"{method}\",le=\"{s_buckets[i]}\"}} {cumulative}\n");
            }

            var count = Interlocked.Read(ref counters.Ok) + Interlocked.Read(ref counters.Errors);
            text.Append(c, $"openclaw_rpc_duration_seconds_bucket{{method=\"{method}\",le=\"+Inf\"}} {count}\n");
            text.Append(c, $"openclaw_rpc_duration_seconds_sum{{method=\"{method}\"}} {Interlocked.Read(ref counters.MicrosecondsSum) / 1e6}\n");
            text.Append(c, $"openclaw_rpc_duration_seconds_count{{method=\"{method}\"}} {count}\n");
        }

        return text.ToString();
    }

    /// <summary>The agent runtime's gauges: runs queued or running, and tool calls waiting for approval.</summary>
    public static string AgentGauges(int activeRuns, int pendingApprovals)
    {
        var text = new StringBuilder(256);
        Gauge(text, "openclaw_agent_runs_active", "Agent runs queued or running.", activeRuns);
        Gauge(text, "openclaw_approvals_pending", "Tool calls waiting for approvals.resolve.", pendingApprovals);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private sealed class MethodCounters(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public long Ok;
        public long Errors;
        public long MicrosecondsSum;

        public void Record(int? errorCode, double seconds, double[] bounds)
        {
            Interlocked.Increment(ref errorCode is null ? ref Ok : ref Errors);
            Interlocked.Add(ref MicrosecondsSum, (long)(seconds * 1e6));
            for (var i = 0; i < bounds.Length; i++)
            {
                if (seconds <= bounds[i])
                {
                    Interlocked.Increment(ref Buckets[i]);
                    return;
                }
            }
        }
    }
}
