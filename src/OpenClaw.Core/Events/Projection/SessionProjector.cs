namespace OpenClaw.Core.Events.Projection;

/// <summary>Builds and merges <see cref="SessionProjection"/>s; pure functions over events, no I/O.</summary>
public static class SessionProjector
{
    /// <summary>
    /// Projects a session's events; with <paramref name="atSeq"/>, only those with seq at or below it (the session as of then).
    /// </summary>
    /// <returns>The projection, or null when no event is left to project.</returns>
    /// <exception cref="ArgumentException">The events belong to more than one session.</exception>
    public static SessionProjection? Project(IEnumerable<SessionEvent> events, long? atSeq = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var builder = new ProjectionBuilder();
        foreach (var e in events)
        {
            if (atSeq is null || e.Seq <= atSeq)
            {
                builder.Apply(e);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// Merges two projections of one session (say, of two replicas) per field by last write, ordered by (timestamp, eventId).
    /// </summary>
    /// <remarks>Commutative, associative and idempotent: Merge(Project(a), Project(b)) equals Project(a ∪ b).</remarks>
    public static SessionProjection Merge(SessionProjection left, SessionProjection right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var builder = new ProjectionBuilder();
        builder.Absorb(left);
        builder.Absorb(right);
        return builder.Build()!;
    }
}
