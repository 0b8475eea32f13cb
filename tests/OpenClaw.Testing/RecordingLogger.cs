using Microsoft.Extensions.Logging;

namespace OpenClaw.Testing;

/// <summary>One entry a <see cref="RecordingLogger{T}"/> captured.</summary>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception, if any.</param>
public sealed record RecordedLogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    /// <summary>The message and the exception text, everything a log sink could show.</summary>
    public string FullText => Exception is null ? Message : Message + Environment.NewLine + Exception;
}

/// <summary>
/// A thread-safe logger that keeps every entry (all levels enabled) and lets a test wait for one that matches,
/// so a background component's outcome can be awaited without polling.
/// </summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<RecordedLogEntry> _entries = [];
    private readonly List<(Func<RecordedLogEntry, bool> Match, TaskCompletionSource<RecordedLogEntry> Seen)> _waiters = [];

    /// <summary>A snapshot of the entries so far, in order.</summary>
    public IReadOnlyList<RecordedLogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Completes with the first entry (already logged or to come) that matches <paramref name="match"/>.</summary>
    public Task<RecordedLogEntry> WaitForAsync(Func<RecordedLogEntry, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_entries)
        {
            var existing = _entries.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var seen = new TaskCompletionSource<RecordedLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, seen));
            return seen.Task;
        }
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new RecordedLogEntry(logLevel, eventId, formatter(state, exception), exception);
        lock (_entries)
        {
            _entries.Add(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Seen.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
