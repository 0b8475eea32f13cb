using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>One captured log line.</summary>
internal sealed record CapturedLog(LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A thread-safe logger with every level enabled that keeps what was logged.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new CapturedLog(logLevel, eventId, formatter(state, exception), exception));
}
