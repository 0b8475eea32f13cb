using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Metrics;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Events;

/// <summary>
/// Pushes <c>event</c> notifications to the connections subscribed to their topic (PROTOCOL.md, <c>events.subscribe</c>).
/// Each message is serialized once and queued on every subscriber without waiting; a subscriber whose queue refuses
/// it (closed, or too slow and being dropped) is forgotten.
/// </summary>
/// <remarks>
/// Thread-safe. Publishing reads an immutable snapshot of the subscribers, so it never takes a lock; subscribing and
/// unsubscribing (rare) replace the snapshot under a lock. Nothing is serialized for a topic nobody subscribes to.
/// </remarks>
internal sealed partial class EventHub
{
    /// <summary>The topic of session events (every appended event of every session).</summary>
    public const string SessionsTopic = "sessions";

    /// <summary>The topic of chat runs.</summary>
    public const string ChatTopic = "chat";

    /// <summary>The topic of channel status changes.</summary>
    public const string ChannelsTopic = "channels";

    /// <summary>The topic of gateway-wide happenings (config applied, shutdown).</summary>
    public const string SystemTopic = "system";

    /// <summary>The method name of every pushed notification.</summary>
    public const string NotificationMethod = "event";

    /// <summary>Every topic, in the order the protocol lists them.</summary>
    public static readonly IReadOnlyList<string> AllTopics = [SessionsTopic, ChatTopic, ChannelsTopic, SystemTopic];

    private const int AllMask = 0b1111;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly GatewayMetrics? _metrics;
    private Subscriber[] _subscribers = [];
    private int _anyTopics;

    public EventHub(ConnectionRegistry connections, GatewayMetrics? metrics = null, ILogger<EventHub>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connections);
        _metrics = metrics;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        connections.Closed += Forget;
    }

    /// <summary>How many connections hold at least one subscription.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>The bit of a topic name, or 0 when it is not a topic.</summary>
    public static int MaskOf(string? topic) => topic switch
    {
        SessionsTopic => 1,
        ChatTopic => 2,
        ChannelsTopic => 4,
        SystemTopic => 8,
        _ => 0,
    };

    /// <summary>The topic names of a mask, in protocol order.</summary>
    public static IReadOnlyList<string> NamesOf(int mask) => [.. AllTopics.Where(t => (mask & MaskOf(t)) != 0)];

    /// <summary>Whether anyone listens to <paramref name="topic"/> (publishers may skip building the payload otherwise).</summary>
    public bool HasSubscribers(string topic) => (Volatile.Read(ref _anyTopics) & MaskOf(topic)) != 0;

    /// <summary>Adds topics to a connection's subscription and returns all it now holds.</summary>
    public int Subscribe(RpcConnection connection, int topics)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            var current = Find(connection);
            var mask = ((current?.Topics ?? 0) | topics) & AllMask;
            Replace(connection, mask);
            return mask;
        }
    }

    /// <summary>Removes topics from a connection's subscription and returns the ones left.</summary>
    public int Unsubscribe(RpcConnection connection, int topics)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            var mask = (Find(connection)?.Topics ?? 0) & ~topics & AllMask;
            Replace(connection, mask);
            return mask;
        }
    }

    /// <summary>Drops every subscription of a connection (it closed, or its queue refused a push).</summary>
    public void Forget(RpcConnection connection)
    {
        lock (_gate)
        {
            Replace(connection, 0);
        }
    }

    /// <summary>
    /// Pushes <c>{"jsonrpc":"2.0","method":"event","params":{"topic":…,"type":…,…fields}}</c> to the topic's subscribers;
    /// <paramref name="writeFields"/> writes the remaining members of <c>params</c> (it runs only when someone listens,
    /// and must not publish itself).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is not one of <see cref="AllTopics"/>.</exception>
    public void Publish(string topic, string type, Action<Utf8JsonWriter>? writeFields = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var mask = CheckedMask(topic);
        if ((Volatile.Read(ref _anyTopics) & mask) == 0)
        {
            return;
        }

        Deliver(mask, Build(topic, type, writeFields));
    }

    /// <summary>
    /// Pushes a stored session event on the <c>sessions</c> topic:
    /// <c>{topic:"sessions", type, sessionKey, seq, event:{…the event as EventJsonContext writes it}}</c>.
    /// </summary>
    public void PublishSessionEvent(SessionEvent sessionEvent)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        if ((Volatile.Read(ref _anyTopics) & 1) == 0)
        {
            return;
        }

        Deliver(1, BuildSessionEvent(sessionEvent));
    }

    // Apart from the check above, so the closure is only allocated when someone listens.
    private static byte[] BuildSessionEvent(SessionEvent sessionEvent) =>
        Build(SessionsTopic, sessionEvent.Type, writer =>
        {
            writer.WriteString("sessionKey"u8, sessionEvent.SessionKey.ToString());
            writer.WriteNumber("seq"u8, sessionEvent.Seq);
            writer.WritePropertyName("event"u8);
            JsonSerializer.Serialize(writer, sessionEvent, EventJsonContext.Default.SessionEvent);
        });

    private static int CheckedMask(string topic)
    {
        var mask = MaskOf(topic);
        return mask != 0 ? mask : throw new ArgumentException($"'{topic}' is not an event topic; use one of {string.Join(", ", AllTopics)}.", nameof(topic));
    }

    private static byte[] Build(string topic, string type, Action<Utf8JsonWriter>? writeFields)
    {
        // One buffer and writer per thread, reused: the only allocation left is the message itself.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, NotificationMethod);
            writer.WriteStartObject("params"u8);
            writer.WriteString("topic"u8, topic);
            writer.WriteString("type"u8, type);
            writeFields?.Invoke(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024)
            {
                // Don't keep a huge event's buffer alive on the thread.
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    private void Deliver(int mask, ReadOnlyMemory<byte> message)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if ((subscriber.Topics & mask) == 0)
            {
                continue;
            }

            if ((subscriber.Connection is WebSocketRpcConnection socket && !socket.Revalidate()) || subscriber.Connection.Principal is null)
            {
                // The socket's token stopped being valid (sign-out, deactivation, deletion, expiry): no more events.
                Forget(subscriber.Connection);
                continue;
            }

            if (subscriber.Connection.TryPush(message))
            {
                _metrics?.Pushed();
            }
            else
            {
                // The transport refused: the connection is closed or is being dropped for reading too slowly.
                LogDropped(_logger, subscriber.Connection.Id);
                Forget(subscriber.Connection);
            }
        }
    }

    private Subscriber? Find(RpcConnection connection) => Array.Find(_subscribers, s => s.Connection == connection);

    // Called under the lock: a new snapshot without the connection, plus it with the mask when the mask is not empty.
    private void Replace(RpcConnection connection, int mask)
    {
        var next = _subscribers.Where(s => s.Connection != connection).ToList();
        if (mask != 0)
        {
            next.Add(new Subscriber(connection, mask));
        }

        var any = 0;
        foreach (var s in next)
        {
            any |= s.Topics;
        }

        Volatile.Write(ref _subscribers, [.. next]);
        Volatile.Write(ref _anyTopics, any);
    }

    private sealed record Subscriber(RpcConnection Connection, int Topics);

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Connection {ConnectionId} refused a pushed event; its subscriptions were dropped")]
    private static partial void LogDropped(ILogger logger, string connectionId);
}
