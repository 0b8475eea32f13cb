using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events.Sqlite;

/// <content>
/// The single writer: drains the queue, writes everything waiting in one transaction and commits it; a syncer then
/// fsyncs the write-ahead log once for every commit made meanwhile, and only then answers the callers.
/// </content>
public sealed partial class SqliteEventStore
{
    private const int MaxCachedSessions = 100_000;
    private const long CheckpointWalBytes = 16L << 20;

    // The writer's view of session rows (id, ended), authoritative because it is the only writer; cleared on rollback.
    private readonly Dictionary<SessionKey, SessionRow> _sessionCache = [];
    private readonly Channel<PendingWrite[]> _committed = Channel.CreateUnbounded<PendingWrite[]>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Channel<bool> _checkpointRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Task? _syncerLoop;

    /// <summary>The WAL fsync; a test hook replaces it to simulate a disk that fails to flush.</summary>
    internal Action<FileStream> FlushWal { get; set; } = static wal => wal.Flush(flushToDisk: true);
    private Task? _checkpointerLoop;
    private FileStream? _wal;
    private volatile EventStoreException? _broken;

    private async Task<IReadOnlyList<SessionEvent>> EnqueueAsync(PreparedEvent[] events, bool isImport, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            throw new EventStoreException(EventStoreErrorKind.Unavailable, $"The event store {_options.Path} is open read-only; appends go through the gateway that owns it.");
        }

        var pending = new PendingWrite(events, isImport, cancellationToken);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new EventStoreException(EventStoreErrorKind.Unavailable, "The event store is closed.", ex);
        }

        // Not cancellable once queued: the writer checks the token before it stores the event, so a cancelled
        // append is never stored, and a stored one is always reported.
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriterLoopAsync()
    {
        _syncerLoop = Task.Run(SyncerLoopAsync);
        _checkpointerLoop = Task.Run(CheckpointerLoopAsync);
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                var count = 0;
                while (count < MaxEventsPerCommit && reader.TryRead(out var item))
                {
                    if (item.CancellationToken.IsCancellationRequested)
                    {
                        item.Completion.TrySetCanceled(item.CancellationToken);
                        continue;
                    }

                    if (_broken is not null)
                    {
                        item.Completion.TrySetException(_broken);
                        continue;
                    }

                    batch.Add(item);
                    count += item.Events.Length;
                }

                if (batch.Count > 0 && Commit(batch))
                {
                    _committed.Writer.TryWrite([.. batch]);
                }
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
            await _syncerLoop.ConfigureAwait(false);
            _checkpointRequests.Writer.TryComplete();
            await _checkpointerLoop.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Copies the WAL back into the database off the writer's path (the writer's automatic checkpoint is off), so a
    /// large import or a burst of appends never waits for it; PASSIVE never blocks the writer.
    /// </summary>
    private async Task CheckpointerLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _checkpointRequests.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _checkpointRequests.Reader.TryRead(out _);
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(new SqliteConnectionStringBuilder
                        {
                            DataSource = _options.Path,
                            Mode = SqliteOpenMode.ReadWrite,
                            Pooling = false,
                        }.ToString());
                        connection.Open();
                    }

                    Execute(connection, "PRAGMA wal_checkpoint(PASSIVE)");
                }
                catch (SqliteException ex)
                {
                    // A failed checkpoint loses nothing (the WAL still holds every page); the next request retries.
                    Log.CheckpointFailed(_logger, ex);
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// Makes every commit so far durable with one fsync of the WAL, then answers all their callers. The writer keeps
    /// committing meanwhile, so one fsync covers everything that arrived while the previous one ran.
    /// </summary>
    private async Task SyncerLoopAsync()
    {
        var reader = _committed.Reader;
        var drained = new List<PendingWrite[]>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            drained.Clear();
            while (reader.TryRead(out var committed))
            {
                drained.Add(committed);
            }

            // Once an fsync has failed, a later one can report success although the earlier pages were dropped (Linux
            // reports a writeback error once), and commits behind lost frames are lost with them: never ack again.
            var failure = _broken;
            try
            {
                if (failure is null)
                {
                    _wal ??= new FileStream(_options.Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
                    FlushWal(_wal);
                }

                if (failure is null && _wal!.Length > CheckpointWalBytes)
                {
                    _checkpointRequests.Writer.TryWrite(true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // After a failed fsync the kernel may have dropped the dirty pages; nothing written since can be
                // trusted to reach the disk, so the store refuses further writes until it is reopened.
                failure = new EventStoreException(
                    EventStoreErrorKind.Unavailable,
                    $"The event store could not flush its log to disk ({ex.Message}); these events may not have been saved. " +
                    "Restart OpenClaw after checking the disk of the state directory.",
                    ex);
                _broken = failure;
                Log.CommitFailed(_logger, drained.Count, ex);
            }

            foreach (var batch in drained)
            {
                foreach (var item in batch)
                {
                    if (failure is not null)
                    {
                        item.Completion.TrySetException(failure);
                    }
                    else if (item.Error is null)
                    {
                        item.Completion.TrySetResult(item.Result!);
                    }
                    else
                    {
                        item.Completion.TrySetException(item.Error);
                    }
                }
            }
        }
    }

    /// <summary>Writes and commits a batch; false (with every caller failed) when the transaction was rolled back.</summary>
    private bool Commit(List<PendingWrite> batch)
    {
        if (_sessionCache.Count > MaxCachedSessions)
        {
            _sessionCache.Clear();
        }

        var seqAtStart = _lastSeq;
        var ticksAtStart = _lastTicks;
        WriterStatements? s = null;
        try
        {
            s = _statements ??= new WriterStatements(_writer!);
            s.Begin.Run();
            var appends = new Unit();
            foreach (var item in batch)
            {
                if (item.IsImport)
                {
                    Flush(s, appends);
                    WriteImport(s, item);
                }
                else
                {
                    WriteAppend(s, item, appends);
                }
            }

            Flush(s, appends);

            // synchronous=NORMAL: COMMIT writes the WAL without an fsync; the syncer's fsync makes it durable
            // before any caller is answered (see docs/events.md, "Durability").
            s.Commit.Run();
            return true;
        }
        catch (Exception ex)
        {
            _lastSeq = seqAtStart;
            _lastTicks = ticksAtStart;
            _sessionCache.Clear();
            try
            {
                s?.Rollback.Run();
            }
            catch (SqliteException)
            {
                // The failed statement may already have ended the transaction.
            }

            Log.CommitFailed(_logger, batch.Count, ex);
            var error = ex is SqliteException sqlite && IsDamage(sqlite)
                ? Damaged(_options.Path, ex)
                : new EventStoreException(
                    EventStoreErrorKind.Unavailable,
                    $"The event store could not save the event ({(ex is SqliteException se ? se.Message : ex.GetType().Name)}); nothing from this write was stored. " +
                    "Check free disk space and file permissions of the state directory.",
                    ex);
            foreach (var item in batch)
            {
                item.Completion.TrySetException(error);
            }

            return false;
        }
    }

    // A refused append (missing or ended session) is detected before anything is written, so it leaves no trace and
    // needs no savepoint; the appends around it in the batch are unaffected.
    // The caller read the clock before queueing, so a clock stepped back or a caller overtaken in the queue could give
    // a later seq an earlier time, and last-write-wins by (timestamp, eventId) would then undo the log's last write:
    // an append no later than the newest stored event is restamped one tick after it (docs/events.md, "Order").
    private void WriteAppend(WriterStatements s, PendingWrite item, Unit unit)
    {
        var prepared = item.Events[0];
        if (prepared.Ticks <= _lastTicks)
        {
            prepared = prepared.Restamp(_lastTicks + 1);
        }

        var seq = _lastSeq + 1;
        try
        {
            WriteEvent(s, prepared, seq, unit, validated: false);
            _lastSeq = seq;
            _lastTicks = prepared.Ticks;
            item.Result = [prepared.Event with { Seq = seq }];
        }
        catch (EventStoreException ex)
        {
            item.Error = ex;
        }
    }

    // An import is checked as a whole before its first write, so a refused import leaves no trace without a
    // savepoint (inside one, SQLite journals every page it touches, which made imports several times slower).
    private void WriteImport(WriterStatements s, PendingWrite item)
    {
        try
        {
            ValidateImport(s, item.Events);
        }
        catch (EventStoreException ex)
        {
            item.Error = ex;
            return;
        }

        var unit = new Unit();
        var firstSeq = _lastSeq + 1;
        foreach (var e in item.Events)
        {
            var seq = _lastSeq + 1;
            WriteEvent(s, e, seq, unit, validated: true);
            _lastSeq = seq;
            _lastTicks = Math.Max(_lastTicks, e.Ticks);
        }

        Flush(s, unit);
        item.Result = new ImportedEvents(item.Events, firstSeq);
    }

    private void ValidateImport(WriterStatements s, PreparedEvent[] events)
    {
        var ended = new Dictionary<SessionKey, bool>();
        foreach (var e in events)
        {
            var key = e.SessionKey;
            if (!ended.TryGetValue(key, out var isEnded))
            {
                var row = FindSession(s, key);
                if (e.Event is SessionStarted)
                {
                    ended[key] = row is not null ? throw SessionExists(key) : false;
                    continue;
                }

                isEnded = row switch
                {
                    null => throw SessionMissing(key),
                    { Ended: true } => throw EndedSession(key),
                    _ => false,
                };
            }
            else if (e.Event is SessionStarted)
            {
                throw SessionExists(key);
            }
            else if (isEnded)
            {
                throw EndedSession(key);
            }

            ended[key] = e.Ends;
        }
    }

    private SessionRow? FindSession(WriterStatements s, SessionKey key)
    {
        if (_sessionCache.TryGetValue(key, out var row))
        {
            return row;
        }

        s.SelectSession.Bind(1, key.ToString());
        if (s.SelectSession.RunPair() is not { } found)
        {
            return null;
        }

        row = new SessionRow(found.Id, found.Text == EventSchema.StateEnded);
        _sessionCache[key] = row;
        return row;
    }

    // validated: an import that ValidateImport checked, whose new sessions are known not to exist.
    private void WriteEvent(WriterStatements s, PreparedEvent e, long seq, Unit unit, bool validated)
    {
        var key = e.SessionKey;
        // Events of a session usually come together: no lookup for the second and later ones.
        var delta = unit.Last is { } last && last.Key == key ? last : null;
        if (delta is null && !unit.Sessions.TryGetValue(key, out delta))
        {
            delta = e.Event is SessionStarted started ? CreateSession(s, started, e, seq, validated) : OpenSession(s, key);
            unit.Sessions[key] = delta;
        }
        else if (e.Event is SessionStarted)
        {
            throw SessionExists(key);
        }
        else if (delta.Ends)
        {
            throw EndedSession(key);
        }

        var insert = s.InsertEvent;
        insert.Bind(1, seq);
        insert.Bind(2, delta.Id);
        insert.BindUtf8(3, e.TypeUtf8);
        insert.Bind(4, e.Ticks);
        insert.BindUtf8(5, e.Json.Span);
        insert.Run();
        if (e.SearchText is { Length: > 0 } text)
        {
            var fts = s.InsertSearchText;
            fts.Bind(1, seq);
            fts.Bind(2, text, ref s.TextBuffer);
            fts.Bind(3, delta.Id);
            fts.Run();
        }

        delta.Add(e, seq);
        unit.Last = delta;
    }

    private SessionDelta CreateSession(WriterStatements s, SessionStarted started, PreparedEvent e, long seq, bool validated)
    {
        // An import's new sessions were looked up (and found absent) by ValidateImport; a second lookup would cost
        // another query per session. The UNIQUE index on session_key still guards the insert.
        var key = e.SessionKey;
        if (!validated && FindSession(s, key) is not null)
        {
            throw SessionExists(key);
        }

        // A plain INSERT: an UPSERT or RETURNING would open a statement journal, and every statement journal makes
        // FTS5 flush its pending terms into a new tiny segment (measured: 8x slower session creation).

        var insert = s.InsertSession;
        insert.Bind(1, key.ToString());
        insert.Bind(2, started.SessionKey.Agent.Value);
        insert.Bind(3, started.SessionKey.Channel.Value);
        insert.Bind(4, started.SessionKey.Peer.Value);
        insert.Bind(5, e.Ticks);
        insert.Bind(6, seq);
        insert.Bind(7, started.ForkedFrom?.SessionKey.ToString());
        if (started.ForkedFrom is { } origin)
        {
            insert.Bind(8, origin.AtSeq);
        }
        else
        {
            insert.Bind(8, (string?)null);
        }

        insert.Run();
        var id = insert.LastInsertRowId;
        _sessionCache[key] = new SessionRow(id, Ended: false);
        return new SessionDelta(key, id);
    }

    private SessionDelta OpenSession(WriterStatements s, SessionKey key) => FindSession(s, key) switch
    {
        null => throw SessionMissing(key),
        { Ended: true } => throw EndedSession(key),
        { } row => new SessionDelta(key, row.Id),
    };

    /// <summary>One UPDATE per session touched by the unit: increments and maxima, never a rewrite of the row.</summary>
    private void Flush(WriterStatements s, Unit unit)
    {
        foreach (var d in unit.Sessions.Values)
        {
            if (d.Events == 0)
            {
                continue;
            }

            var update = s.UpdateSession;
            update.Bind(1, d.Events);
            update.Bind(2, d.Messages);
            update.Bind(3, d.Usage.InputTokens);
            update.Bind(4, d.Usage.OutputTokens);
            update.Bind(5, d.Usage.CacheReadTokens);
            update.Bind(6, d.Usage.CacheWriteTokens);
            update.Bind(7, d.LastTicks);
            update.Bind(8, d.LastSeq);
            update.Bind(9, d.Title);
            update.Bind(10, d.Ends ? 1 : 0);
            update.Bind(11, d.EndReason);
            update.Bind(12, d.Id);
            update.Run();
            if (d.Ends)
            {
                _sessionCache[d.Key] = new SessionRow(d.Id, Ended: true);
            }
        }

        unit.Sessions.Clear();
        unit.Last = null;
    }

    private static EventStoreException SessionMissing(SessionKey key) =>
        new(EventStoreErrorKind.NotFound, $"session {key} does not exist; start it with a session_started event first.");

    private static EventStoreException SessionExists(SessionKey key) =>
        new(EventStoreErrorKind.Conflict, $"session {key} already exists; a session starts only once.");

    private static EventStoreException EndedSession(SessionKey key) =>
        new(EventStoreErrorKind.Conflict, $"session {key} has ended; start a new session (or fork this one) to continue.");

    private readonly record struct SessionRow(long Id, bool Ended);

    /// <summary>The summary changes of one run of appends or one import, applied together at its end.</summary>
    private sealed class Unit
    {
        public Dictionary<SessionKey, SessionDelta> Sessions { get; } = [];

        /// <summary>The session of the previous event, looked up no more for the events that follow it.</summary>
        public SessionDelta? Last { get; set; }
    }

    private sealed class SessionDelta(SessionKey key, long id)
    {
        public SessionKey Key { get; } = key;

        public long Id { get; } = id;

        public long Events { get; private set; }

        public long Messages { get; private set; }

        public TokenUsage Usage { get; private set; } = TokenUsage.Zero;

        public long LastTicks { get; private set; }

        public long LastSeq { get; private set; }

        public string? Title { get; private set; }

        public bool Ends { get; private set; }

        public string? EndReason { get; private set; }

        public void Add(PreparedEvent e, long seq)
        {
            Events++;
            Messages += e.MessageDelta;
            if (e.Usage is { } usage)
            {
                Usage += usage;
            }

            LastTicks = Math.Max(LastTicks, e.Ticks);
            LastSeq = seq;
            if (Title is null && e.TitleSource is { } source)
            {
                Title = PreparedEvent.Preview(source);
            }

            if (e.Ends)
            {
                Ends = true;
                EndReason = e.EndReason;
            }
        }
    }

    private sealed class PendingWrite(PreparedEvent[] events, bool isImport, CancellationToken cancellationToken)
    {
        public PreparedEvent[] Events { get; } = events;

        public bool IsImport { get; } = isImport;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<IReadOnlyList<SessionEvent>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<SessionEvent>? Result { get; set; }

        public EventStoreException? Error { get; set; }
    }

    /// <summary>The writer's statements, prepared once and reused for every event.</summary>
    private sealed class WriterStatements : IDisposable
    {
        public WriterStatements(SqliteConnection connection)
        {
            Begin = new(connection, "BEGIN IMMEDIATE");
            Commit = new(connection, "COMMIT");
            Rollback = new(connection, "ROLLBACK");
            InsertSession = new(
                connection,
                $"""
                INSERT INTO sessions(session_key, agent_id, channel, peer_id, state, started_at, last_activity, event_count,
                                     message_count, last_seq, forked_from, forked_at_seq)
                VALUES (?1, ?2, ?3, ?4, '{EventSchema.StateActive}', ?5, ?5, 0, 0, ?6, ?7, ?8)
                """);
            SelectSession = new(connection, "SELECT id, state FROM sessions WHERE session_key = ?1");
            UpdateSession = new(
                connection,
                $"""
                UPDATE sessions SET
                    event_count = event_count + ?1,
                    message_count = message_count + ?2,
                    input_tokens = input_tokens + ?3,
                    output_tokens = output_tokens + ?4,
                    cache_read_tokens = cache_read_tokens + ?5,
                    cache_write_tokens = cache_write_tokens + ?6,
                    last_activity = max(last_activity, ?7),
                    last_seq = ?8,
                    title = coalesce(title, ?9),
                    state = CASE WHEN ?10 THEN '{EventSchema.StateEnded}' ELSE state END,
                    ended_reason = CASE WHEN ?10 THEN ?11 ELSE ended_reason END
                WHERE id = ?12
                """);
            InsertEvent = new(connection, "INSERT INTO events(seq, session_id, type, ts, data) VALUES (?1, ?2, ?3, ?4, ?5)");
            InsertSearchText = new(connection, "INSERT INTO messages_fts(rowid, text, session_id) VALUES (?1, ?2, ?3)");
        }

        public RawStatement Begin { get; }

        public RawStatement Commit { get; }

        public RawStatement Rollback { get; }

        public RawStatement InsertSession { get; }

        public RawStatement SelectSession { get; }

        public RawStatement UpdateSession { get; }

        public RawStatement InsertEvent { get; }

        public RawStatement InsertSearchText { get; }

        // The writer is single-threaded; one buffer serves every text it encodes.
        public byte[] TextBuffer = new byte[4096];

        public void Dispose()
        {
            Begin.Dispose();
            Commit.Dispose();
            Rollback.Dispose();
            InsertSession.Dispose();
            SelectSession.Dispose();
            UpdateSession.Dispose();
            InsertEvent.Dispose();
            InsertSearchText.Dispose();
        }
    }
}
