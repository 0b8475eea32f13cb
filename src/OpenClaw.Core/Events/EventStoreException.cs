namespace OpenClaw.Core.Events;

/// <summary>What went wrong in the event store, so callers can map it (e.g. <see cref="Conflict"/> to JSON-RPC -32005).</summary>
public enum EventStoreErrorKind
{
    /// <summary>The event or request is invalid.</summary>
    Invalid,

    /// <summary>The session does not exist.</summary>
    NotFound,

    /// <summary>The session already exists or has ended.</summary>
    Conflict,

    /// <summary>The database file is damaged or not an event store.</summary>
    Damaged,

    /// <summary>The store was written by a newer OpenClaw, or needs a migration a read-only open cannot do.</summary>
    UnsupportedVersion,

    /// <summary>Another process holds the store.</summary>
    Locked,

    /// <summary>The store is closed or opened read-only.</summary>
    Unavailable,
}

/// <summary>An event store error whose message is safe to show and says how to fix it.</summary>
public sealed class EventStoreException : OpenClawException
{
    /// <summary>Creates the error.</summary>
    public EventStoreException(EventStoreErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates the error with its cause (never shown).</summary>
    public EventStoreException(EventStoreErrorKind kind, string message, Exception innerException)
        : base(message, innerException) => Kind = kind;

    /// <summary>Creates an <see cref="EventStoreErrorKind.Invalid"/> error.</summary>
    public EventStoreException()
    {
    }

    /// <summary>Creates an <see cref="EventStoreErrorKind.Invalid"/> error.</summary>
    public EventStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an <see cref="EventStoreErrorKind.Invalid"/> error with its cause.</summary>
    public EventStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public EventStoreErrorKind Kind { get; }
}
