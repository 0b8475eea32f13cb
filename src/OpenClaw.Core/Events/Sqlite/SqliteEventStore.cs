using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>
/// The SQLite event store: WAL, one writer loop that group-commits concurrent appends, one fsync of the log per group
/// of commits before any caller is answered, and pooled read connections that never wait for the writer.
/// </summary>
/// <remarks>
/// Thread-safe. An append completes only after the transaction holding it committed and was synced to disk.
/// Open it with <see cref="OpenAsync"/>; dispose it to flush pending appends and release the lock.
/// </remarks>
public sealed partial class SqliteEventStore : IEventStore
{
    private const int MaxEventsPerCommit = 4096;
    private const int MaxPageSize = 1000;
    private const int ImportChunk = 1024;

    private readonly EventStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _readConnectionString;
    private readonly Channel<PendingWrite> _queue;
    private readonly SqliteConnection? _writer;
    private readonly FileStream? _lock;
    private readonly Task _writerLoop;
    private WriterStatements? _statements;
    private long _lastSeq;

    // The writer's newest stored timestamp (ticks); every append is stamped after it, so timestamps follow seqs.
    private long _lastTicks;
    private int _disposed;

    private SqliteEventStore(
        EventStoreOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        SqliteConnection? writer,
        FileStream? lockStream,
        long lastSeq,
        long lastTicks)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _writer = writer;
        _lock = lockStream;
        _lastSeq = lastSeq;
        _lastTicks = lastTicks;
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(16_384)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writerLoop = writer is null ? Task.CompletedTask : Task.Run(WriterLoopAsync);
    }

    /// <summary>The database file.</summary>
    public string Path => _options.Path;

    /// <summary>
    /// Opens (creating or migrating when needed) the store at <see cref="EventStoreOptions.Path"/>.
    /// </summary>
    /// <exception cref="EventStoreException">The file is damaged, from a newer version, or held by another process.</exception>
    public static Task<SqliteEventStore> OpenAsync(
        EventStoreOptions options,
        TimeProvider timeProvider,
        ILogger<SqliteEventStore>? logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        cancellationToken.ThrowIfCancellationRequested();
        var path = System.IO.Path.GetFullPath(options.Path);
        options = options with { Path = path };
        ILogger log = logger ?? (ILogger)NullLogger.Instance;
        return Task.FromResult(options.ReadOnly ? OpenReadOnly(options, timeProvider, log) : OpenReadWrite(options, timeProvider, log));
    }

    /// <inheritdoc />
    public async Task<SessionEvent> AppendAsync(SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        var prepared = PreparedEvent.Create(sessionEvent, _timeProvider, keepIdentity: false);
        var result = await EnqueueAsync([prepared], isImport: false, cancellationToken).ConfigureAwait(false);
        return result[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SessionEvent>> ImportAsync(IReadOnlyList<SessionEvent> sessionEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionEvents);
        if (sessionEvents.Count == 0)
        {
            return [];
        }

        // Serialising is most of the CPU work of an import; it runs on all cores while the writer stays single. Each
        // chunk serialises into its own pooled buffers, returned once the writer is done with the events.
        var prepared = new PreparedEvent[sessionEvents.Count];
        var buffers = new EventBuffer[(prepared.Length + ImportChunk - 1) / ImportChunk];
        try
        {
            if (buffers.Length == 1)
            {
                PrepareChunk(sessionEvents, prepared, buffers, 0);
            }
            else
            {
                // The first invalid event in input order is reported, as when preparing sequentially.
                var errors = new ExceptionDispatchInfo?[buffers.Length];
                Parallel.For(0, buffers.Length, chunk =>
                {
                    try
                    {
                        PrepareChunk(sessionEvents, prepared, buffers, chunk);
                    }
                    catch (Exception ex)
                    {
                        errors[chunk] = ExceptionDispatchInfo.Capture(ex);
                    }
                });
                Array.Find(errors, e => e is not null)?.Throw();
            }

            return await EnqueueAsync(prepared, isImport: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // EnqueueAsync returns only when the writer no longer touches the events (or never received them).
            foreach (var buffer in buffers)
            {
                buffer?.Dispose();
            }
        }
    }

    private void PrepareChunk(IReadOnlyList<SessionEvent> sessionEvents, PreparedEvent[] prepared, EventBuffer[] buffers, int chunk)
    {
        var buffer = buffers[chunk] = new EventBuffer();
        var end = Math.Min(prepared.Length, (chunk + 1) * ImportChunk);
        for (var i = chunk * ImportChunk; i < end; i++)
        {
            prepared[i] = PreparedEvent.Create(sessionEvents[i], _timeProvider, keepIdentity: true, buffer);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(SessionKey sessionKey, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        RequireKey(sessionKey);
        if (limit is < 1 or > MaxPageSize)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, $"limit must be between 1 and {MaxPageSize}.");
        }

        return Task.FromResult(Read<IReadOnlyList<SessionEvent>>(connection => ReadEvents(connection, sessionKey, afterSeq, long.MaxValue, limit), cancellationToken));
    }

    /// <inheritdoc />
    public Task<SessionSummary?> GetSessionAsync(SessionKey sessionKey, CancellationToken cancellationToken)
    {
        RequireKey(sessionKey);
        return Task.FromResult(Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {SummaryColumns} FROM sessions WHERE session_key = $key";
            command.Parameters.AddWithValue("$key", sessionKey.ToString());
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadSummary(reader) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public Task<SessionPage> ListSessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > SessionQuery.MaxLimit)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, $"limit must be between 1 and {SessionQuery.MaxLimit}.");
        }

        var after = query.Cursor is null ? ((long Activity, long Id)?)null : DecodeCursor(query.Cursor);
        return Task.FromResult(Read(connection =>
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder($"SELECT {SummaryColumns}, last_activity, id FROM sessions WHERE 1 = 1");
            if (query.AgentId is { } agent)
            {
                sql.Append(" AND agent_id = $agent");
                command.Parameters.AddWithValue("$agent", agent.Value);
            }

            if (query.Channel is { } channel)
            {
                sql.Append(" AND channel = $channel");
                command.Parameters.AddWithValue("$channel", channel.Value);
            }

            if (query.PeerId is { } peer)
            {
                sql.Append(" AND peer_id = $peer");
                command.Parameters.AddWithValue("$peer", peer.Value);
            }

            if (query.State is { } state)
            {
                sql.Append(" AND state = $state");
                command.Parameters.AddWithValue("$state", state == SessionState.Active ? EventSchema.StateActive : EventSchema.StateEnded);
            }

            if (after is { } cursor)
            {
                // Keyset pagination: the index on last_activity (with the rowid) is walked from the cursor on.
                sql.Append(" AND (last_activity, id) < ($afterActivity, $afterId)");
                command.Parameters.AddWithValue("$afterActivity", cursor.Activity);
                command.Parameters.AddWithValue("$afterId", cursor.Id);
            }

            sql.Append(" ORDER BY last_activity DESC, id DESC LIMIT $limit");
            command.Parameters.AddWithValue("$limit", query.Limit + 1);
            command.CommandText = sql.ToString();
            using var reader = command.ExecuteReader();
            var sessions = new List<SessionSummary>(query.Limit);
            string? next = null;
            long lastActivity = 0, lastId = 0;
            while (reader.Read())
            {
                if (sessions.Count == query.Limit)
                {
                    next = EncodeCursor(lastActivity, lastId);
                    break;
                }

                sessions.Add(ReadSummary(reader));
                lastActivity = reader.GetInt64(SummaryColumnCount);
                lastId = reader.GetInt64(SummaryColumnCount + 1);
            }

            return new SessionPage(sessions, next);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionSearchHit>> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var match = FtsQuery.FromUserText(query);
        if (limit is < 1 or > SessionQuery.MaxLimit)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, $"limit must be between 1 and {SessionQuery.MaxLimit}.");
        }

        return Task.FromResult(Read<IReadOnlyList<SessionSearchHit>>(connection => Search(connection, match, limit), cancellationToken));
    }

    // Ranks message hits by bm25 reading only the index (rowid and rank never touch the text), keeps each session's
    // best hit, and fetches text for the snippets of the winners only: a common word matching 100,000 messages then
    // costs one ranked scan instead of 100,000 lookups.
    private static List<SessionSearchHit> Search(SqliteConnection connection, string match, int limit)
    {
        var best = new List<(long Seq, long SessionId)>(limit);
        var window = limit * 8;
        while (true)
        {
            best.Clear();
            var seen = new HashSet<long>();
            var rows = 0;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    SELECT h.seq, e.session_id FROM
                        (SELECT rowid AS seq, rank FROM messages_fts WHERE messages_fts MATCH $match ORDER BY rank LIMIT $window) AS h
                    JOIN events e ON e.seq = h.seq
                    ORDER BY h.rank, h.seq
                    """;
                command.Parameters.AddWithValue("$match", match);
                command.Parameters.AddWithValue("$window", window);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    rows++;
                    if (best.Count < limit && seen.Add(reader.GetInt64(1)))
                    {
                        best.Add((reader.GetInt64(0), reader.GetInt64(1)));
                    }
                }
            }

            // Too few distinct sessions among the top hits, and more hits exist: look further down the ranking.
            if (best.Count == limit || rows < window || window >= 1 << 20)
            {
                break;
            }

            window *= 8;
        }

        var hits = new List<SessionSearchHit>(best.Count);
        using var detail = connection.CreateCommand();
        detail.CommandText = $"""
            SELECT {SummaryColumnsOf("s")},
                   (SELECT snippet(messages_fts, 0, '«', '»', '…', 16) FROM messages_fts WHERE messages_fts MATCH $match AND rowid = $seq)
            FROM sessions s WHERE s.id = $session
            """;
        var matchParameter = detail.Parameters.AddWithValue("$match", match);
        var seqParameter = detail.Parameters.Add("$seq", SqliteType.Integer);
        var sessionParameter = detail.Parameters.Add("$session", SqliteType.Integer);
        foreach (var (seq, sessionId) in best)
        {
            seqParameter.Value = seq;
            sessionParameter.Value = sessionId;
            using var reader = detail.ExecuteReader();
            if (reader.Read())
            {
                hits.Add(new SessionSearchHit(ReadSummary(reader), seq, reader.IsDBNull(SummaryColumnCount) ? string.Empty : reader.GetString(SummaryColumnCount)));
            }
        }

        return hits;
    }

    /// <inheritdoc />
    public Task<UsageReport> GetUsageAsync(DateTimeOffset? since, UsageGroupBy groupBy, CancellationToken cancellationToken)
    {
        // Ticks are 100 ns since 0001-01-01 UTC; SQLite's date() wants Unix seconds.
        var key = groupBy switch
        {
            UsageGroupBy.Model => "json_extract(e.data, '$.model')",
            UsageGroupBy.Agent => "s.agent_id",
            _ => $"date((e.ts - {DateTimeOffset.UnixEpoch.UtcTicks}) / {TimeSpan.TicksPerSecond}, 'unixepoch')",
        };
        return Task.FromResult(Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {key} AS k, count(*),
                       coalesce(sum(json_extract(e.data, '$.usage.inputTokens')), 0),
                       coalesce(sum(json_extract(e.data, '$.usage.outputTokens')), 0),
                       coalesce(sum(json_extract(e.data, '$.usage.cacheReadTokens')), 0),
                       coalesce(sum(json_extract(e.data, '$.usage.cacheWriteTokens')), 0)
                FROM events e JOIN sessions s ON s.id = e.session_id
                WHERE e.type = 'agent_response' AND e.ts >= $since
                GROUP BY k ORDER BY k
                """;
            command.Parameters.AddWithValue("$since", since?.UtcTicks ?? 0L);
            using var reader = command.ExecuteReader();
            var rows = new List<UsageRow>();
            long requests = 0;
            var total = TokenUsage.Zero;
            while (reader.Read())
            {
                var usage = new TokenUsage(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                var row = new UsageRow(reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetInt64(1), usage);
                rows.Add(row);
                requests += row.Requests;
                total += usage;
            }

            return new UsageReport { GroupBy = groupBy, Rows = rows, Requests = requests, Total = total };
        }, cancellationToken));
    }

    /// <inheritdoc />
    public Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT state, channel, agent_id, count(*), sum(event_count), sum(message_count),
                       sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens)
                FROM sessions GROUP BY state, channel, agent_id
                """;
            using var reader = command.ExecuteReader();
            long active = 0, ended = 0, events = 0, messages = 0;
            var usage = TokenUsage.Zero;
            var byChannel = new Dictionary<string, (long Sessions, long Messages)>(StringComparer.Ordinal);
            var byAgent = new Dictionary<string, (long Sessions, long Messages)>(StringComparer.Ordinal);
            while (reader.Read())
            {
                var count = reader.GetInt64(3);
                var messageCount = reader.GetInt64(5);
                if (reader.GetString(0) == EventSchema.StateActive)
                {
                    active += count;
                }
                else
                {
                    ended += count;
                }

                events += reader.GetInt64(4);
                messages += messageCount;
                usage += new TokenUsage(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9));
                Accumulate(byChannel, reader.GetString(1), count, messageCount);
                Accumulate(byAgent, reader.GetString(2), count, messageCount);
            }

            return new SessionStats
            {
                Total = active + ended,
                Active = active,
                Ended = ended,
                ByChannel = Ordered(byChannel),
                ByAgent = Ordered(byAgent),
                EventCount = events,
                MessageCount = messages,
                Usage = usage,
            };
        }, cancellationToken));

    /// <inheritdoc />
    public async Task<SessionKey> ForkAsync(SessionKey sessionKey, long atSeq, CancellationToken cancellationToken)
    {
        RequireKey(sessionKey);
        var prefix = Read(connection => ReadEvents(connection, sessionKey, 0, atSeq, int.MaxValue), cancellationToken);
        if (prefix.Count == 0)
        {
            var exists = await GetSessionAsync(sessionKey, cancellationToken).ConfigureAwait(false) is not null;
            throw exists
                ? new EventStoreException(EventStoreErrorKind.Invalid, $"session {sessionKey} has no event at or before seq {atSeq}; fork at one of its events.")
                : NotFound(sessionKey);
        }

        var forkKey = SessionKey.Generate(sessionKey.Agent, sessionKey.Channel, sessionKey.Peer);
        var now = _timeProvider.GetUtcNow();
        var copy = new List<SessionEvent>(prefix.Count)
        {
            new SessionStarted { SessionKey = forkKey, ForkedFrom = new ForkOrigin(sessionKey, Math.Min(atSeq, prefix[^1].Seq)), Timestamp = now, EventId = UuidV7.Create(now) },
        };
        foreach (var e in prefix)
        {
            // The fork is a new, active session: its own start replaces the original one, and an end is not copied.
            if (e is SessionStarted or SessionEnded)
            {
                continue;
            }

            copy.Add(e with { Seq = 0, SessionKey = forkKey, EventId = UuidV7.Create(e.Timestamp) });
        }

        await ImportAsync(copy, cancellationToken).ConfigureAwait(false);
        return forkKey;
    }

    /// <summary>Finishes pending appends, stops the writer and releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _statements?.Dispose();
        if (_wal is not null)
        {
            await _wal.DisposeAsync().ConfigureAwait(false);
        }

        // Readers first: the writer's connection, closing last, checkpoints the WAL back and removes it.
        using (var pooled = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        if (_lock is not null)
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Accumulate(Dictionary<string, (long Sessions, long Messages)> totals, string name, long sessions, long messages)
    {
        totals.TryGetValue(name, out var current);
        totals[name] = (current.Sessions + sessions, current.Messages + messages);
    }

    private static List<NamedCount> Ordered(Dictionary<string, (long Sessions, long Messages)> totals) =>
        [.. totals.Select(t => new NamedCount(t.Key, t.Value.Sessions, t.Value.Messages))
            .OrderByDescending(t => t.Sessions).ThenBy(t => t.Name, StringComparer.Ordinal)];

    private static void RequireKey(SessionKey sessionKey)
    {
        if (sessionKey.Id is null)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, "a session key is required.");
        }
    }

    private static EventStoreException NotFound(SessionKey sessionKey) =>
        new(EventStoreErrorKind.NotFound, $"session {sessionKey} does not exist.");

    private static string EncodeCursor(long activity, long id)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, activity);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], id);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (long Activity, long Id) DecodeCursor(string cursor)
    {
        Span<byte> bytes = stackalloc byte[18];
        var base64 = cursor.Replace('-', '+').Replace('_', '/') + "==";
        if (cursor.Length != 22 || !Convert.TryFromBase64String(base64[..24], bytes, out var written) || written != 16)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, "cursor is not one this server handed out; list again from the first page.");
        }

        return (BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..16]));
    }

    private static List<SessionEvent> ReadEvents(SqliteConnection connection, SessionKey sessionKey, long afterSeq, long upToSeq, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, data FROM events
            WHERE session_id = (SELECT id FROM sessions WHERE session_key = $key) AND seq > $after AND seq <= $upTo
            ORDER BY seq LIMIT $limit
            """;
        command.Parameters.AddWithValue("$key", sessionKey.ToString());
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$upTo", upToSeq);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<SessionEvent>();
        while (reader.Read())
        {
            var stored = JsonSerializer.Deserialize(reader.GetString(1), EventJsonContext.Default.SessionEvent)
                ?? throw new JsonException("null event");
            events.Add(stored with { Seq = reader.GetInt64(0) });
        }

        return events;
    }

    private const string SummaryColumns =
        "session_key, state, started_at, last_activity, event_count, message_count, last_seq, input_tokens, output_tokens, " +
        "cache_read_tokens, cache_write_tokens, title, forked_from, forked_at_seq, ended_reason";

    private const int SummaryColumnCount = 15;

    private static string SummaryColumnsOf(string alias) =>
        string.Join(", ", SummaryColumns.Split(", ").Select(c => alias + "." + c));

    private static SessionSummary ReadSummary(SqliteDataReader reader) => new()
    {
        SessionKey = SessionKey.Parse(reader.GetString(0)),
        State = reader.GetString(1) == EventSchema.StateActive ? SessionState.Active : SessionState.Ended,
        StartedAt = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
        LastActivity = new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
        EventCount = reader.GetInt64(4),
        MessageCount = reader.GetInt64(5),
        LastSeq = reader.GetInt64(6),
        Usage = new TokenUsage(reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10)),
        Title = reader.IsDBNull(11) ? null : reader.GetString(11),
        ForkedFrom = reader.IsDBNull(12) ? null : new ForkOrigin(SessionKey.Parse(reader.GetString(12)), reader.GetInt64(13)),
        EndedReason = reader.IsDBNull(14) ? null : reader.GetString(14),
    };

    private T Read<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0)
        {
            // The same error an append gets, so the gateway maps both alike.
            throw new EventStoreException(EventStoreErrorKind.Unavailable, $"The event store {_options.Path} is closed.");
        }

        try
        {
            using var connection = new SqliteConnection(_readConnectionString);
            connection.Open();
            return read(connection);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(_options.Path, ex);
        }
        catch (JsonException ex)
        {
            throw Damaged(_options.Path, ex);
        }
    }
}
