using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Events.Sqlite;

/// <content>Opening: lock, damage checks before anything is written, version check and migrations.</content>
public sealed partial class SqliteEventStore
{
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;
    private const int HeaderLength = 100;

    private static SqliteEventStore OpenReadWrite(EventStoreOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var path = options.Path;

        // Sessions are private conversations: the folder is 0700 and the database 0600 (SQLite gives the -wal and
        // -shm files the database's mode), whatever the umask.
        AtomicFile.EnsurePrivateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // A read-write open always owns the store: the writer caches the last seq and known sessions, which only
        // holds with one writer (ARCHITECTURE.md: one owner of the state directory).
        var lockStream = AcquireLock(path);
        SqliteConnection? connection = null;
        try
        {
            CheckHeader(path);
            PrivateFile.CreateIfMissing(path);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();

            // Until the file is known to be ours, closing must not checkpoint a WAL left by another program or a
            // newer version into the database file: a refused store is left exactly as it was.
            SetCheckpointOnClose(connection, enabled: false);
            var version = ReadVersion(connection, path, readOnly: false);
            if (version == EventSchema.CurrentVersion)
            {
                RequireTables(connection, path);
            }

            // From here on the file is known to be ours (or empty) and not from the future: writing is safe.
            SetCheckpointOnClose(connection, enabled: true);
            var journalMode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                // Durability rests on fsyncing the WAL (docs/events.md); without one, refuse rather than run unsafely.
                throw new EventStoreException(
                    EventStoreErrorKind.Unavailable,
                    $"The event store {path} cannot use SQLite's write-ahead log here (journal mode stayed '{journalMode}'); " +
                    "this happens on network file systems. Put the state directory (OPENCLAW_STATE_DIR) on a local disk.");
            }

            Execute(connection, "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA mmap_size = 1073741824;");
            for (var step = version; step < EventSchema.CurrentVersion; step++)
            {
                // Said before the step starts: a step can rewrite every event (v2 indexes all message text), and on a
                // large store the gateway would otherwise sit silent at start for as long as that takes.
                var events = step == 0 ? 0L : Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM events"), System.Globalization.CultureInfo.InvariantCulture);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                Log.Migrating(logger, path, step, step + 1, events);
                Execute(connection, "BEGIN IMMEDIATE");
                try
                {
                    Execute(connection, EventSchema.Steps[step]);
                    Execute(connection, $"PRAGMA user_version = {step + 1}");
                    Execute(connection, "COMMIT");
                }
                catch
                {
                    // SQLite may already have rolled back (on a full disk or an I/O error); the original error matters.
                    try
                    {
                        Execute(connection, "ROLLBACK");
                    }
                    catch (SqliteException)
                    {
                    }

                    throw;
                }

                var elapsedMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Log.Migrated(logger, path, step, step + 1, elapsedMs);
            }

            RequireTables(connection, path);

            // One synced write under synchronous=FULL: SQLite fsyncs the WAL and, when it has just created it, its
            // directory. From then on commits run under NORMAL and the writer's syncer fsyncs the WAL before any
            // append is acknowledged (docs/events.md, "Durability").
            Execute(connection, $"PRAGMA user_version = {EventSchema.CurrentVersion}");
            Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;");
            var lastSeq = Convert.ToInt64(Scalar(connection, "SELECT coalesce(max(seq), 0) FROM events"), System.Globalization.CultureInfo.InvariantCulture);
            // The newest timestamp of any event (each session's last_activity is the maximum of its events', and the
            // index makes this one lookup): appends are stamped after it even when the clock is now behind it.
            var lastTicks = Convert.ToInt64(Scalar(connection, "SELECT coalesce(max(last_activity), 0) FROM sessions"), System.Globalization.CultureInfo.InvariantCulture);
            Log.Opened(logger, path, lastSeq);
            return new SqliteEventStore(options, timeProvider, logger, connection, lockStream, lastSeq, lastTicks);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            connection?.Dispose();
            lockStream?.Dispose();
            throw Damaged(path, ex);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            lockStream?.Dispose();
            throw CannotOpen(path, ex);
        }
        catch
        {
            connection?.Dispose();
            lockStream?.Dispose();
            throw;
        }
    }

    private static void SetCheckpointOnClose(SqliteConnection connection, bool enabled)
    {
        const int NoCheckpointOnClose = 1006; // SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
        _ = SQLitePCL.raw.sqlite3_db_config(connection.Handle, NoCheckpointOnClose, enabled ? 0 : 1, out _);
    }

    private static EventStoreException CannotOpen(string path, SqliteException cause) =>
        new(EventStoreErrorKind.Unavailable,
            $"The event store {path} could not be opened ({cause.Message.TrimEnd('.')}). Nothing was changed. " +
            "Check the file's permissions and free disk space; if it came from another program, move it aside.",
            cause);

    private static SqliteEventStore OpenReadOnly(EventStoreOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var path = options.Path;
        if (!File.Exists(path))
        {
            throw new EventStoreException(EventStoreErrorKind.NotFound, $"There is no event store at {path}; start the gateway once to create it.");
        }

        // No CheckHeader here: opening and closing the file ourselves would drop the POSIX locks SQLite holds on it
        // if this process also has it open; SQLite's own checks (and RequireTables) catch a damaged file.
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            var version = ReadVersion(connection, path, readOnly: true);
            if (version < EventSchema.CurrentVersion)
            {
                throw new EventStoreException(
                    EventStoreErrorKind.UnsupportedVersion,
                    $"The event store {path} has schema version {version} and needs an upgrade to {EventSchema.CurrentVersion}, " +
                    "which a read-only open cannot do; start the gateway once (it migrates the store), then retry.");
            }

            RequireTables(connection, path);
            Log.Opened(logger, path, -1);
            return new SqliteEventStore(options, timeProvider, logger, writer: null, lockStream: null, lastSeq: 0, lastTicks: 0);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            throw Damaged(path, ex);
        }
        catch (SqliteException ex)
        {
            throw CannotOpen(path, ex);
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix); the OS drops it when the process dies.
            var lockOptions = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 1,
            };
            if (!OperatingSystem.IsWindows())
            {
                lockOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new FileStream(lockPath, lockOptions);
        }
        catch (IOException ex)
        {
            throw new EventStoreException(
                EventStoreErrorKind.Locked,
                $"The event store {path} is in use by another process (a running gateway holds {lockPath}). " +
                "Stop that process, talk to it over RPC instead, or open the store read-only.",
                ex);
        }
    }

    /// <summary>
    /// Refuses a file that is not an SQLite database, or is shorter than its header says, before SQLite touches it
    /// (called under the exclusive lock, before this process has the file open through SQLite).
    /// </summary>
    private static void CheckHeader(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0)
        {
            return;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        }

        if (read < HeaderLength || !header[..16].SequenceEqual("SQLite format 3\0"u8))
        {
            throw Damaged(path, null, "it is not an SQLite database (the header is missing or overwritten)");
        }

        // The page count in the header is valid when its "valid-for" counter matches the change counter. A file
        // shorter than that was truncated; with a -wal file beside it a crash may have cut a checkpoint short, and
        // SQLite repairs the file from the log itself.
        var pageSize = (long)BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        pageSize = pageSize == 1 ? 65536 : pageSize;
        var changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header[24..]);
        var pageCount = BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var validFor = BinaryPrimitives.ReadUInt32BigEndian(header[92..]);
        var wal = new FileInfo(path + "-wal");
        if (validFor == changeCounter && pageCount > 0 && info.Length < pageCount * pageSize && !(wal.Exists && wal.Length > 0))
        {
            throw Damaged(path, null, $"it is truncated ({info.Length} bytes, its header says {pageCount * pageSize})");
        }
    }

    private static int ReadVersion(SqliteConnection connection, string path, bool readOnly)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > EventSchema.CurrentVersion)
        {
            throw new EventStoreException(
                EventStoreErrorKind.UnsupportedVersion,
                $"The event store {path} was written by a newer OpenClaw (schema version {version}; this version understands up to " +
                $"{EventSchema.CurrentVersion}). Upgrade OpenClaw, or point it at another state directory; the file was left untouched.");
        }

        if (version == 0)
        {
            var objects = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master"), System.Globalization.CultureInfo.InvariantCulture);
            if (objects > 0)
            {
                throw Damaged(path, null, "it is an SQLite database but not an OpenClaw event store");
            }

            if (readOnly)
            {
                throw new EventStoreException(EventStoreErrorKind.NotFound, $"The event store {path} is empty; start the gateway once to create it.");
            }
        }

        return version;
    }

    private static void RequireTables(SqliteConnection connection, string path)
    {
        foreach (var table in EventSchema.RequiredTables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = $name";
            command.Parameters.AddWithValue("$name", table);
            if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw Damaged(path, null, $"its table '{table}' is missing");
            }
        }
    }

    private static bool IsDamage(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase;

    private static EventStoreException Damaged(string path, Exception? cause, string? what = null)
    {
        var message = $"The event store {path} is damaged: {what ?? "SQLite reports the file as corrupt or not a database"}. " +
            $"Nothing was written to it. Stop OpenClaw, move the file aside (e.g. rename it to {System.IO.Path.GetFileName(path)}.damaged, " +
            "together with any -wal and -shm files beside it), then restore it from a backup or start again with an empty store.";
        return cause is null
            ? new EventStoreException(EventStoreErrorKind.Damaged, message)
            : new EventStoreException(EventStoreErrorKind.Damaged, message, cause);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Event store {Path} opened at seq {LastSeq}")]
        public static partial void Opened(ILogger logger, string path, long lastSeq);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Event store {Path} migrated from schema version {From} to {To} in {ElapsedMs} ms")]
        public static partial void Migrated(ILogger logger, string path, int from, int to, long elapsedMs);

        [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Upgrading event store {Path} from schema version {From} to {To} ({Events} events); a large store takes a while, do not stop the gateway")]
        public static partial void Migrating(ILogger logger, string path, int from, int to, long events);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Event store checkpoint failed; it is retried later")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Event store commit of {Count} writes failed")]
        public static partial void CommitFailed(ILogger logger, int count, Exception exception);
    }
}
