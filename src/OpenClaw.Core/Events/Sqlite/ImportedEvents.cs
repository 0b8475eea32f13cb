using System.Collections;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>
/// The events of an import as stored: an import's seqs are consecutive, so the stamped copies are made only when the
/// caller first looks at them (a migration that ignores the result never pays for half a million copies).
/// </summary>
internal sealed class ImportedEvents(PreparedEvent[] events, long firstSeq) : IReadOnlyList<SessionEvent>
{
    private SessionEvent[]? _stored;

    public int Count => events.Length;

    public SessionEvent this[int index] => Stored[index];

    public IEnumerator<SessionEvent> GetEnumerator() => ((IEnumerable<SessionEvent>)Stored).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private SessionEvent[] Stored
    {
        get
        {
            // A race builds equal arrays twice; either may win.
            if (_stored is null)
            {
                var stored = new SessionEvent[events.Length];
                for (var i = 0; i < stored.Length; i++)
                {
                    stored[i] = events[i].Event with { Seq = firstSeq + i };
                }

                _stored = stored;
            }

            return _stored;
        }
    }
}
