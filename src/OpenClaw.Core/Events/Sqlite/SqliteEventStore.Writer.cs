using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace OpenClaw.Core.Events.Sqlite;

/// <content>The single writer: drains the queue, commits everything waiting in one transaction, then answers every caller.</content>
public sealed partial class SqliteEventStore
{
    private const int SqliteConstraint = 19;

    private async Task<SessionEvent[]> EnqueueAsync(PreparedEvent[] events, bool isImport, CancellationToken cancellationToken)
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
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>();
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

                batch.Add(item);
                count += item.Events.Length;
            }

            if (batch.Count > 0)
            {
                Commit(batch);
            }
        }
    }

    private void Commit(List<PendingWrite> batch)
    {
        var s = _statements ??= new WriterStatements(_writer!);
        var seqAtStart = _lastSeq;
        try
        {
            s.Begin.ExecuteNonQuery();
            foreach (var item in batch)
            {
                if (item.IsImport)
                {
                    WriteImport(s, item);
                }
                else
                {
                    WriteAppend(s, item);
                }
            }

            // synchronous=FULL: COMMIT returns after the WAL is fsynced, so every caller answered below is durable.
            s.Commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            _lastSeq = seqAtStart;
            try
            {
                s.Rollback.ExecuteNonQuery();
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

            return;
        }

        foreach (var item in batch)
        {
            if (item.Error is null)
            {
                item.Completion.TrySetResult(item.Result!);
            }
            else
            {
                item.Completion.TrySetException(item.Error);
            }
        }
    }

    // A single append is checked before anything is written (the summary UPDATE ... RETURNING changes nothing when
    // the session is missing or ended), so a refused append leaves no trace without needing a savepoint.
    private void WriteAppend(WriterStatements s, PendingWrite item)
    {
        var prepared = item.Events[0];
        var seq = _lastSeq + 1;
        try
        {
            WriteEvent(s, prepared, seq);
            _lastSeq = seq;
            item.Result = [prepared.Event with { Seq = seq }];
        }
        catch (EventStoreException ex)
        {
            item.Error = ex;
        }
    }

    private void WriteImport(WriterStatements s, PendingWrite item)
    {
        var seqBefore = _lastSeq;
        s.Savepoint.ExecuteNonQuery();
        try
        {
            var results = new SessionEvent[item.Events.Length];
            for (var i = 0; i < results.Length; i++)
            {
                var seq = _lastSeq + 1;
                try
                {
                    WriteEvent(s, item.Events[i], seq);
                }
                catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) == SqliteConstraint)
                {
                    throw new EventStoreException(
                        EventStoreErrorKind.Conflict,
                        $"event {item.Events[i].Event.EventId} is already stored; nothing from this import was stored.",
                        ex);
                }

                _lastSeq = seq;
                results[i] = item.Events[i].Event with { Seq = seq };
            }

            s.Release.ExecuteNonQuery();
            item.Result = results;
        }
        catch (EventStoreException ex)
        {
            _lastSeq = seqBefore;
            s.RollbackToSavepoint.ExecuteNonQuery();
            s.Release.ExecuteNonQuery();
            item.Error = ex;
        }
    }

    private static void WriteEvent(WriterStatements s, PreparedEvent e, long seq)
    {
        object? sessionId;
        if (e.Event is SessionStarted started)
        {
            var insert = s.InsertSession;
            insert.Parameters[0].Value = e.SessionKeyText;
            insert.Parameters[1].Value = started.SessionKey.Agent.Value;
            insert.Parameters[2].Value = started.SessionKey.Channel.Value;
            insert.Parameters[3].Value = started.SessionKey.Peer.Value;
            insert.Parameters[4].Value = e.Ticks;
            insert.Parameters[5].Value = seq;
            insert.Parameters[6].Value = (object?)started.ForkedFrom?.SessionKey.ToString() ?? DBNull.Value;
            insert.Parameters[7].Value = (object?)started.ForkedFrom?.AtSeq ?? DBNull.Value;
            sessionId = insert.ExecuteScalar();
            if (sessionId is null)
            {
                throw new EventStoreException(EventStoreErrorKind.Conflict, $"session {e.SessionKeyText} already exists; a session starts only once.");
            }
        }
        else
        {
            var update = s.UpdateSession;
            var usage = e.Usage ?? TokenUsage.Zero;
            update.Parameters[0].Value = e.SessionKeyText;
            update.Parameters[1].Value = e.MessageDelta;
            update.Parameters[2].Value = usage.InputTokens;
            update.Parameters[3].Value = usage.OutputTokens;
            update.Parameters[4].Value = usage.CacheReadTokens;
            update.Parameters[5].Value = usage.CacheWriteTokens;
            update.Parameters[6].Value = e.Ticks;
            update.Parameters[7].Value = seq;
            update.Parameters[8].Value = (object?)e.Title ?? DBNull.Value;
            update.Parameters[9].Value = e.Ends ? 1 : 0;
            update.Parameters[10].Value = (object?)e.EndReason ?? DBNull.Value;
            sessionId = update.ExecuteScalar();
            if (sessionId is null)
            {
                s.SessionState.Parameters[0].Value = e.SessionKeyText;
                throw s.SessionState.ExecuteScalar() is null
                    ? new EventStoreException(EventStoreErrorKind.NotFound, $"session {e.SessionKeyText} does not exist; start it with a session_started event first.")
                    : new EventStoreException(EventStoreErrorKind.Conflict, $"session {e.SessionKeyText} has ended; start a new session (or fork this one) to continue.");
            }
        }

        var insertEvent = s.InsertEvent;
        insertEvent.Parameters[0].Value = seq;
        insertEvent.Parameters[1].Value = sessionId;
        insertEvent.Parameters[2].Value = e.EventIdBytes;
        insertEvent.Parameters[3].Value = e.Event.Type;
        insertEvent.Parameters[4].Value = e.Ticks;
        insertEvent.Parameters[5].Value = e.Json;
        insertEvent.ExecuteNonQuery();
        if (e.SearchText is { Length: > 0 } text)
        {
            var fts = s.InsertSearchText;
            fts.Parameters[0].Value = seq;
            fts.Parameters[1].Value = text;
            fts.Parameters[2].Value = sessionId;
            fts.ExecuteNonQuery();
        }
    }

    private sealed class PendingWrite(PreparedEvent[] events, bool isImport, CancellationToken cancellationToken)
    {
        public PreparedEvent[] Events { get; } = events;

        public bool IsImport { get; } = isImport;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<SessionEvent[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SessionEvent[]? Result { get; set; }

        public EventStoreException? Error { get; set; }
    }

    /// <summary>The writer's statements, prepared once and reused for every event.</summary>
    private sealed class WriterStatements : IDisposable
    {
        private readonly List<SqliteCommand> _all = [];

        public WriterStatements(SqliteConnection connection)
        {
            Begin = Create(connection, "BEGIN IMMEDIATE");
            Commit = Create(connection, "COMMIT");
            Rollback = Create(connection, "ROLLBACK");
            Savepoint = Create(connection, "SAVEPOINT import");
            Release = Create(connection, "RELEASE import");
            RollbackToSavepoint = Create(connection, "ROLLBACK TO import");
            InsertSession = Create(
                connection,
                $"""
                INSERT INTO sessions(session_key, agent_id, channel, peer_id, state, started_at, last_activity, event_count,
                                     message_count, last_seq, forked_from, forked_at_seq)
                VALUES ($key, $agent, $channel, $peer, '{EventSchema.StateActive}', $ts, $ts, 1, 0, $seq, $forkedFrom, $forkedAt)
                ON CONFLICT(session_key) DO NOTHING RETURNING id
                """,
                "$key", "$agent", "$channel", "$peer", "$ts", "$seq", "$forkedFrom", "$forkedAt");
            UpdateSession = Create(
                connection,
                $"""
                UPDATE sessions SET
                    event_count = event_count + 1,
                    message_count = message_count + $messages,
                    input_tokens = input_tokens + $input,
                    output_tokens = output_tokens + $output,
                    cache_read_tokens = cache_read_tokens + $cacheRead,
                    cache_write_tokens = cache_write_tokens + $cacheWrite,
                    last_activity = max(last_activity, $ts),
                    last_seq = $seq,
                    title = coalesce(title, $title),
                    state = CASE WHEN $ends THEN '{EventSchema.StateEnded}' ELSE state END,
                    ended_reason = CASE WHEN $ends THEN $reason ELSE ended_reason END
                WHERE session_key = $key AND state = '{EventSchema.StateActive}'
                RETURNING id
                """,
                "$key", "$messages", "$input", "$output", "$cacheRead", "$cacheWrite", "$ts", "$seq", "$title", "$ends", "$reason");
            SessionState = Create(connection, "SELECT state FROM sessions WHERE session_key = $key", "$key");
            InsertEvent = Create(
                connection,
                "INSERT INTO events(seq, session_id, event_id, type, ts, data) VALUES ($seq, $session, $id, $type, $ts, $data)",
                "$seq", "$session", "$id", "$type", "$ts", "$data");
            InsertSearchText = Create(
                connection,
                "INSERT INTO messages_fts(rowid, text, session_id) VALUES ($seq, $text, $session)",
                "$seq", "$text", "$session");
        }

        public SqliteCommand Begin { get; }

        public SqliteCommand Commit { get; }

        public SqliteCommand Rollback { get; }

        public SqliteCommand Savepoint { get; }

        public SqliteCommand Release { get; }

        public SqliteCommand RollbackToSavepoint { get; }

        public SqliteCommand InsertSession { get; }

        public SqliteCommand UpdateSession { get; }

        public SqliteCommand SessionState { get; }

        public SqliteCommand InsertEvent { get; }

        public SqliteCommand InsertSearchText { get; }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }
        }

        private SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            _all.Add(command);
            return command;
        }
    }
}
