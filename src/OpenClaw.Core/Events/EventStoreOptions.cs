using OpenClaw.Core.State;

namespace OpenClaw.Core.Events;

/// <summary>How the SQLite event store is opened.</summary>
public sealed record EventStoreOptions
{
    /// <summary>The database file, normally <see cref="StatePaths.EventStoreFile"/>.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Open for reading only: no lock is taken (a running gateway may hold it), nothing is written, appends fail.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Options for the store of a state directory.</summary>
    public static EventStoreOptions For(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new EventStoreOptions { Path = paths.EventStoreFile };
    }
}
