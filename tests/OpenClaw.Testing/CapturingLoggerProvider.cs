using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Testing;

/// <summary>A logger provider that keeps every entry (all levels), so a test can assert what was or was not logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
{
    /// <summary>Every entry logged so far, in order.</summary>
    public ConcurrentQueue<CapturedLogEntry> Entries { get; } = new();

    /// <summary>All entries as one text: category, level, message, structured values and exception, one entry per line.</summary>
    public string AllText => string.Join(
        Environment.NewLine,
        Entries.Select(e => $"{e.Category} {e.Level} {e.Message} {string.Join(' ', e.State.Select(kv => $"{kv.Key}={kv.Value}"))} {e.Exception}"));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value?.ToString())).ToList()
                : [];
            owner.Entries.Enqueue(new CapturedLogEntry(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}

/// <summary>One captured log entry.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="State">The structured values, rendered as strings.</param>
/// <param name="Exception">The exception's full text, if any.</param>
public sealed record CapturedLogEntry(
    string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, string?>> State, string? Exception);
