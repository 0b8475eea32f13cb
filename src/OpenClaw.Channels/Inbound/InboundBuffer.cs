using System.Threading.Channels;

namespace OpenClaw.Channels.Inbound;

/// <summary>
/// The bounded hand-over from channel adapters to the gateway's dispatcher. A full queue makes
/// <see cref="EnqueueAsync"/> wait (a polling adapter stops fetching) and <see cref="TryEnqueue"/> refuse (a webhook
/// answers 429 and the service retries), so memory stays bounded and nothing accepted is dropped.
/// </summary>
/// <remarks>Thread-safe: many adapters write, one dispatcher reads.</remarks>
public sealed class InboundBuffer
{
    /// <summary>The capacity used when the gateway builds the queue.</summary>
    public const int DefaultCapacity = 256;

    private readonly Channel<InboundItem> _items;
    private int _count;

    /// <summary>Creates a queue holding at most <paramref name="capacity"/> messages.</summary>
    public InboundBuffer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _items = Channel.CreateBounded<InboundItem>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>The most messages it holds.</summary>
    public int Capacity { get; }

    /// <summary>How many messages wait now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Hands a message over, waiting while the queue is full; the item completes once the dispatcher has dealt with it.</summary>
    public async ValueTask<InboundItem> EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var item = new InboundItem(message);
        await _items.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _count);
        return item;
    }

    /// <summary>Hands a message over if there is room now; <see langword="false"/> when the queue is full.</summary>
    public bool TryEnqueue(InboundMessage message, out InboundItem item)
    {
        ArgumentNullException.ThrowIfNull(message);
        item = new InboundItem(message);
        if (!_items.Writer.TryWrite(item))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }

    /// <summary>Takes messages in arrival order until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<InboundItem> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _items.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_items.Reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _count);
                yield return item;
            }
        }
    }
}

/// <summary>A message in the <see cref="InboundBuffer"/>, with the signal that the dispatcher is done with it.</summary>
public sealed class InboundItem
{
    private readonly TaskCompletionSource<InboundOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal InboundItem(InboundMessage message) => Message = message;

    /// <summary>The message.</summary>
    public InboundMessage Message { get; }

    /// <summary>Completes when the dispatcher has decided and recorded the message (not when the agent has answered).</summary>
    /// <remarks>An adapter confirms an update to the service (e.g. advances Telegram's offset) only after this.</remarks>
    public Task<InboundOutcome> Processed => _done.Task;

    /// <summary>Marks the message as dealt with.</summary>
    public void Complete(InboundOutcome outcome) => _done.TrySetResult(outcome);
}

/// <summary>What the dispatcher did with an inbound message.</summary>
public enum InboundOutcome
{
    /// <summary>Recorded in a session and a run queued.</summary>
    Dispatched,

    /// <summary>A gateway command (<c>/new</c>, <c>/stop</c>, …) handled it.</summary>
    Command,

    /// <summary>The sender was sent, or reminded of, a pairing code.</summary>
    Pairing,

    /// <summary>Access rules refused it, or it was not for the bot (a group message without a mention).</summary>
    Ignored,

    /// <summary>It could not be recorded (e.g. the store failed); the adapter should not confirm it, so it comes again.</summary>
    Failed,
}
