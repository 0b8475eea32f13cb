namespace OpenClaw.Channels.Telegram;

/// <summary>The last N update ids seen, so an update Telegram delivers twice is processed once.</summary>
/// <remarks>Thread-safe (polling and webhook calls share it).</remarks>
internal sealed class TelegramDuplicateWindow
{
    private readonly int _capacity;
    private readonly HashSet<long> _ids = [];
    private readonly Queue<long> _order = new();
    private readonly object _gate = new();

    public TelegramDuplicateWindow(int capacity) => _capacity = capacity;

    /// <summary>Remembers <paramref name="id"/>; false when it is already remembered (a duplicate).</summary>
    public bool TryAdd(long id)
    {
        lock (_gate)
        {
            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            while (_order.Count > _capacity)
            {
                _ids.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    /// <summary>Forgets <paramref name="id"/> (it was not processed, so its next delivery must be taken).</summary>
    public void Remove(long id)
    {
        lock (_gate)
        {
            _ids.Remove(id); // its queue entry ages out harmlessly
        }
    }
}
