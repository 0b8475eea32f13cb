using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Events;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Bench;

/// <summary>
/// What publishing one stored event costs the code that appended it (<c>NotifyingEventStore</c> calls
/// <see cref="EventHub.PublishSessionEvent"/> on the appender's thread): nothing with no subscriber, one serialization
/// plus one queue write per subscriber otherwise.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*EventHub*'</c>.</remarks>
[MemoryDiagnoser]
public class EventHubBenchmarks
{
    private EventHub _hub = null!;
    private SessionEvent _event = null!;

    /// <summary>How many WebSockets subscribe to the <c>sessions</c> topic.</summary>
    [Params(0, 1, 100)]
    public int Subscribers { get; set; }

    /// <summary>Subscribes the connections and builds a typical message event.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _hub = new EventHub(new ConnectionRegistry());
        for (var i = 0; i < Subscribers; i++)
        {
            _hub.Subscribe(new AcceptingConnection(i), EventHub.MaskOf(EventHub.SessionsTopic));
        }

        _event = new MessageReceived
        {
            SessionKey = SessionKey.Generate(AgentId.From("default"), ChannelId.From("telegram"), PeerId.From("123456789")),
            Seq = 123_456,
            EventId = Guid.CreateVersion7(),
            Timestamp = DateTimeOffset.UnixEpoch.AddDays(20_000),
            Text = new string('x', 200),
            SenderName = "Alice",
        };
    }

    /// <summary>Publishes one session event to every subscriber.</summary>
    [Benchmark]
    public void PublishSessionEvent() => _hub.PublishSessionEvent(_event);

    // A socket whose queue always has room; the queue write itself is the transport's (a bounded channel).
    private sealed class AcceptingConnection(int id) : RpcConnection("bench", "b" + id, null, Principal.GatewayToken)
    {
        public override bool CanPush => true;

        public override bool TryPush(ReadOnlyMemory<byte> message) => true;
    }
}
