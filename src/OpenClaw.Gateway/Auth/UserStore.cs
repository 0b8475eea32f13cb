using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Auth;

/// <summary>
/// Users and refresh-token families in <c>&lt;state&gt;/state/auth.db</c> (SQLite, WAL, mode 0600, folder 0700).
/// Refresh tokens are stored only as SHA-256 digests; password hashes never leave this class except to the login check.
/// </summary>
/// <remarks>
/// Thread-safe: one connection, every statement under one lock. One process owns the file (an advisory lock on
/// <c>auth.db.lock</c>, as the event store does). Users and families that access tokens name are cached in memory for
/// <see cref="ResolveAccess"/>, the per-request path; every change goes through this class and updates the cache
/// under the same lock, so a demotion, deactivation or revocation applies to the next request.
/// </remarks>
internal sealed partial class UserStore : IDisposable
{
    private const int CurrentVersion = 1;
    private const int MaxCachedEntries = 100_000;

    private static readonly string[] s_schema =
    [
        """
        CREATE TABLE users (
            id            TEXT PRIMARY KEY,
            username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
            role          TEXT NOT NULL,
            active        INTEGER NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE TABLE refresh_families (
            id         TEXT PRIMARY KEY,
            user_id    TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked    INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX refresh_families_user ON refresh_families(user_id);
        CREATE TABLE refresh_tokens (
            token_hash   BLOB PRIMARY KEY,
            family_id    TEXT NOT NULL,
            user_id      TEXT NOT NULL,
            expires_unix INTEGER NOT NULL,
            spent        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
        """,
    ];

    private readonly SqliteConnection _connection;
    private readonly FileStream _lockFile;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<string, CachedUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedFamily> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedUser>.AlternateLookup<ReadOnlySpan<char>> _userLookup;
    private readonly ConcurrentDictionary<string, CachedFamily>.AlternateLookup<ReadOnlySpan<char>> _familyLookup;

    private UserStore(string path, SqliteConnection connection, FileStream lockFile, PasswordHasher hasher, TimeProvider time, ILogger logger)
    {
        Path = path;
        _connection = connection;
        _lockFile = lockFile;
        _hasher = hasher;
        _time = time;
        _logger = logger;
        _userLookup = _users.GetAlternateLookup<ReadOnlySpan<char>>();
        _familyLookup = _families.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The auth database's location in a state directory.</summary>
    public static string PathFor(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return System.IO.Path.Combine(paths.Root, "state", "auth.db");
    }

    /// <summary>Opens (creating on first use) the auth database and takes its exclusive lock.</summary>
    /// <exception cref="OpenClawException">Another process holds it, or it is damaged or from a newer version.</exception>
    public static UserStore Open(string path, PasswordHasher hasher, TimeProvider? time = null, ILogger<UserStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(hasher);
        time ??= TimeProvider.System;
        var log = logger ?? (ILogger)NullLogger.Instance;
        EnsurePrivateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var lockFile = AcquireLock(path);
        SqliteConnection? connection = null;
        try
        {
            PrivateFile.CreateIfMissing(path);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > CurrentVersion)
            {
                throw new OpenClawException(
                    $"The auth database {path} was written by a newer OpenClaw (schema version {version}; this version understands up to " +
                    $"{CurrentVersion}). Upgrade OpenClaw; the file was left untouched.");
            }

            if (version == 0 && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master"), CultureInfo.InvariantCulture) > 0)
            {
                throw new OpenClawException(
                    $"The auth database {path} is an SQLite database but not OpenClaw's; move it aside and start the gateway again.");
            }

            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            for (var step = version; step < CurrentVersion; step++)
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, s_schema[step], transaction);
                Execute(connection, $"PRAGMA user_version = {step + 1}", transaction);
                transaction.Commit();
            }

            // Expired refresh tokens can neither be exchanged nor reveal a reuse any more.
            using (var purge = connection.CreateCommand())
            {
                purge.CommandText = "DELETE FROM refresh_tokens WHERE expires_unix < $now";
                purge.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeSeconds());
                purge.ExecuteNonQuery();
            }

            Log.Opened(log, path);
            return new UserStore(path, connection, lockFile, hasher, time, log);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            lockFile.Dispose();
            throw new OpenClawException(
                $"The auth database {path} could not be opened ({ex.Message.TrimEnd('.')}). Check the file's permissions and free " +
                "disk space; if it is damaged, move it aside (users must then be created again).", ex);
        }
        catch
        {
            connection?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Creates a user; the username must be free regardless of case.</summary>
    /// <exception cref="AuthException">Invalid username, password or role; or the username is taken (Conflict).</exception>
    public async Task<AuthUser> CreateAsync(string username, string password, Role role, CancellationToken cancellationToken = default)
    {
        ValidateUsername(username);
        ValidateRole(role);
        var hash = _hasher.Hash(password);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using (var exists = _connection.CreateCommand())
            {
                exists.CommandText = "SELECT count(*) FROM users WHERE username = $username";
                exists.Parameters.AddWithValue("$username", username);
                if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    throw new AuthException(AuthErrorKind.Conflict, $"The username '{username}' is taken; choose another.");
                }
            }

            var now = Rfc3339.Format(_time.GetUtcNow());
            var user = new AuthUser(NewUserId(), username, role, true, now, now);
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO users (id, username, role, active, password_hash, created_at, updated_at)
                VALUES ($id, $username, $role, 1, $hash, $now, $now)
                """;
            insert.Parameters.AddWithValue("$id", user.Id);
            insert.Parameters.AddWithValue("$username", username);
            insert.Parameters.AddWithValue("$role", role.ToWire());
            insert.Parameters.AddWithValue("$hash", hash);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
            Log.UserCreated(_logger, user.Id, username, role);
            return user;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>All users, ordered by username.</summary>
    public async Task<IReadOnlyList<AuthUser>> ListAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, username, role, active, created_at, updated_at FROM users ORDER BY username COLLATE NOCASE";
            using var reader = command.ExecuteReader();
            var users = new List<AuthUser>();
            while (reader.Read())
            {
                users.Add(ReadUser(reader));
            }

            return users;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The user with <paramref name="id"/>.</summary>
    /// <exception cref="AuthException">There is none (NotFound).</exception>
    public async Task<AuthUser> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return FindLocked("id", id)?.User ?? throw NotFound(id);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Changes a user's role, active flag or password (null leaves it). Deactivating or changing the password signs the
    /// user out everywhere (all refresh families revoked); a role change applies to the next request.
    /// </summary>
    /// <exception cref="AuthException">No such user (NotFound), or an invalid role or password (Invalid).</exception>
    public async Task<AuthUser> UpdateAsync(
        string id, Role? role = null, bool? active = null, string? password = null, CancellationToken cancellationToken = default)
    {
        if (role is { } r)
        {
            ValidateRole(r);
        }

        var hash = password is null ? null : _hasher.Hash(password);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = FindLocked("id", id)?.User ?? throw NotFound(id);
            var updated = current with
            {
                Role = role ?? current.Role,
                Active = active ?? current.Active,
                UpdatedAt = Rfc3339.Format(_time.GetUtcNow()),
            };
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE users SET role = $role, active = $active, updated_at = $now,
                        password_hash = coalesce($hash, password_hash)
                    WHERE id = $id
                    """;
                command.Parameters.AddWithValue("$role", updated.Role.ToWire());
                command.Parameters.AddWithValue("$active", updated.Active ? 1 : 0);
                command.Parameters.AddWithValue("$now", updated.UpdatedAt);
                command.Parameters.AddWithValue("$hash", (object?)hash ?? DBNull.Value);
                command.Parameters.AddWithValue("$id", id);
                command.ExecuteNonQuery();
            }

            var signOut = !updated.Active || hash is not null;
            if (signOut)
            {
                RevokeUserFamiliesLocked(id, transaction);
            }

            transaction.Commit();
            _users[id] = new CachedUser(updated);
            if (signOut)
            {
                MarkUserFamiliesRevoked(id);
            }

            Log.UserUpdated(_logger, id, updated.Role, updated.Active, hash is not null);
            return updated;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes a user and all of their refresh tokens; their access tokens stop working at once.</summary>
    /// <exception cref="AuthException">No such user (NotFound).</exception>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM users WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                if (command.ExecuteNonQuery() == 0)
                {
                    throw NotFound(id);
                }

                command.CommandText = "DELETE FROM refresh_tokens WHERE user_id = $id";
                command.ExecuteNonQuery();
            }

            RevokeUserFamiliesLocked(id, transaction);
            transaction.Commit();
            _users.TryRemove(id, out _);
            MarkUserFamiliesRevoked(id);
            Log.UserDeleted(_logger, id);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _lockFile.Dispose();
        _lock.Dispose();
    }

    /// <summary>The user named <paramref name="username"/> (any case) and their password hash, for the login check only.</summary>
    internal async Task<(AuthUser User, string PasswordHash)?> FindForLoginAsync(string username, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return FindLocked("username", username);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Starts a refresh family for a user with its first token (stored as <paramref name="tokenHash"/>).</summary>
    internal async Task<string> StartFamilyAsync(string userId, byte[] tokenHash, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var familyId = NewFamilyId();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO refresh_families (id, user_id, created_at) VALUES ($id, $user, $now)";
                command.Parameters.AddWithValue("$id", familyId);
                command.Parameters.AddWithValue("$user", userId);
                command.Parameters.AddWithValue("$now", Rfc3339.Format(_time.GetUtcNow()));
                command.ExecuteNonQuery();
            }

            InsertTokenLocked(transaction, tokenHash, familyId, userId, expires);
            transaction.Commit();
            CacheFamily(familyId, new CachedFamily(userId, revoked: false));
            return familyId;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Spends the refresh token <paramref name="oldHash"/> and stores <paramref name="newHash"/> in its family. A spent
    /// token presented again revokes the whole family (someone else holds a copy).
    /// </summary>
    internal async Task<RefreshResult> RotateAsync(byte[] oldHash, byte[] newHash, DateTimeOffset newExpires, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = FindTokenLocked(oldHash);
            if (token is not { } t || t.FamilyRevoked || t.ExpiresUnix <= _time.GetUtcNow().ToUnixTimeSeconds())
            {
                return new RefreshResult(RefreshOutcome.Invalid, null, null);
            }

            if (t.Spent)
            {
                RevokeFamilyLocked(t.FamilyId);
                Log.RefreshReuse(_logger, t.UserId);
                return new RefreshResult(RefreshOutcome.Reused, null, null);
            }

            var user = FindLocked("id", t.UserId)?.User;
            if (user is not { Active: true })
            {
                return new RefreshResult(RefreshOutcome.Invalid, null, null);
            }

            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "UPDATE refresh_tokens SET spent = 1 WHERE token_hash = $hash";
                command.Parameters.AddWithValue("$hash", oldHash);
                command.ExecuteNonQuery();
            }

            InsertTokenLocked(transaction, newHash, t.FamilyId, t.UserId, newExpires);
            transaction.Commit();
            return new RefreshResult(RefreshOutcome.Rotated, user, t.FamilyId);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Revokes the family of a refresh token (spent or not); false when the token is unknown.</summary>
    internal async Task<bool> RevokeFamilyOfAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (FindTokenLocked(tokenHash) is not { } token)
            {
                return false;
            }

            RevokeFamilyLocked(token.FamilyId);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The per-request check behind an access token whose MAC and expiry are already verified: the family must not be
    /// revoked and must belong to the user, and the user must be active. Returns the user's principal with their
    /// current role, or null. Allocation-free when the user and family are cached.
    /// </summary>
    internal Principal? ResolveAccess(ReadOnlySpan<char> userId, ReadOnlySpan<char> familyId)
    {
        if (!_familyLookup.TryGetValue(familyId, out var family))
        {
            family = LoadFamily(familyId.ToString());
        }

        if (family.Revoked || !userId.SequenceEqual(family.UserId))
        {
            return null;
        }

        if (!_userLookup.TryGetValue(userId, out var user))
        {
            user = LoadUser(userId.ToString());
        }

        return user is { User.Active: true } ? user.Principal : null;
    }

    private static void ValidateUsername(string username)
    {
        if (!IdFormat.TryValidate("The username", username, out var error))
        {
            throw new AuthException(AuthErrorKind.Invalid, error) { Field = "username" };
        }

        if (username.Length > 64)
        {
            throw new AuthException(AuthErrorKind.Invalid, "The username is too long; use at most 64 characters.") { Field = "username" };
        }
    }

    private static void ValidateRole(Role role)
    {
        if (role is not (Role.Viewer or Role.Operator or Role.Admin))
        {
            throw new AuthException(AuthErrorKind.Invalid, "The role must be viewer, operator or admin.") { Field = "role" };
        }
    }

    private static AuthException NotFound(string id) => new(AuthErrorKind.NotFound, $"There is no user with id '{Printable(id)}'; see users.list.");

    private static string Printable(string id) => id.Length <= 40 && IdFormat.TryValidate("id", id, out _) ? id : "(invalid id)";

    private static string NewUserId() => string.Create(12, 0, static (span, _) =>
        RandomNumberGenerator.GetItems("0123456789abcdefghjkmnpqrstvwxyz", span));

    private static string NewFamilyId()
    {
        Span<byte> bytes = stackalloc byte[TokenFormat.FamilyIdBytes];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    private static AuthUser ReadUser(SqliteDataReader reader)
    {
        // A role this version does not know (a hand-edited row) grants nothing.
        var role = RoleNames.TryParse(reader.GetString(2), out var parsed) ? parsed : Role.None;
        return new AuthUser(reader.GetString(0), reader.GetString(1), role, reader.GetInt64(3) != 0, reader.GetString(4), reader.GetString(5));
    }

    private (AuthUser User, string PasswordHash)? FindLocked(string column, string value)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, username, role, active, created_at, updated_at, password_hash FROM users WHERE {column} = $value";
        command.Parameters.AddWithValue("$value", value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (ReadUser(reader), reader.GetString(6)) : null;
    }

    private StoredToken? FindTokenLocked(byte[] tokenHash)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT t.family_id, t.user_id, t.expires_unix, t.spent, coalesce(f.revoked, 1)
            FROM refresh_tokens t LEFT JOIN refresh_families f ON f.id = t.family_id
            WHERE t.token_hash = $hash
            """;
        command.Parameters.AddWithValue("$hash", tokenHash);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StoredToken(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3) != 0, reader.GetInt64(4) != 0)
            : null;
    }

    private void InsertTokenLocked(SqliteTransaction transaction, byte[] tokenHash, string familyId, string userId, DateTimeOffset expires)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_unix) VALUES ($hash, $family, $user, $expires)";
        command.Parameters.AddWithValue("$hash", tokenHash);
        command.Parameters.AddWithValue("$family", familyId);
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$expires", expires.ToUnixTimeSeconds());
        command.ExecuteNonQuery();
    }

    private void RevokeFamilyLocked(string familyId)
    {
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "UPDATE refresh_families SET revoked = 1 WHERE id = $id";
            command.Parameters.AddWithValue("$id", familyId);
            command.ExecuteNonQuery();
        }

        if (_families.TryGetValue(familyId, out var cached))
        {
            cached.Revoked = true;
        }
    }

    private void RevokeUserFamiliesLocked(string userId, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE refresh_families SET revoked = 1 WHERE user_id = $id";
        command.Parameters.AddWithValue("$id", userId);
        command.ExecuteNonQuery();
    }

    private void MarkUserFamiliesRevoked(string userId)
    {
        foreach (var (_, family) in _families)
        {
            if (family.UserId == userId)
            {
                family.Revoked = true;
            }
        }
    }

    private CachedFamily LoadFamily(string familyId)
    {
        _lock.Wait();
        try
        {
            if (_families.TryGetValue(familyId, out var cached))
            {
                return cached;
            }

            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT user_id, revoked FROM refresh_families WHERE id = $id";
            command.Parameters.AddWithValue("$id", familyId);
            using var reader = command.ExecuteReader();

            // An unknown family (its user was deleted) is cached as revoked: only MAC-valid tokens get here.
            var family = reader.Read() ? new CachedFamily(reader.GetString(0), reader.GetInt64(1) != 0) : new CachedFamily(string.Empty, revoked: true);
            CacheFamily(familyId, family);
            return family;
        }
        finally
        {
            _lock.Release();
        }
    }

    private CachedUser? LoadUser(string userId)
    {
        _lock.Wait();
        try
        {
            if (_users.TryGetValue(userId, out var cached))
            {
                return cached;
            }

            if (FindLocked("id", userId) is not { } found)
            {
                return null;
            }

            if (_users.Count >= MaxCachedEntries)
            {
                _users.Clear();
            }

            var user = new CachedUser(found.User);
            _users[userId] = user;
            return user;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void CacheFamily(string familyId, CachedFamily family)
    {
        // The cache is filled lazily from the database, so dropping it all when it grows too large only costs reloads.
        if (_families.Count >= MaxCachedEntries)
        {
            _families.Clear();
        }

        _families[familyId] = family;
    }

    private static void EnsurePrivateDirectory(string path)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }

        if (File.GetUnixFileMode(path) != OwnerOnly)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new FileStream(lockPath, options);
        }
        catch (IOException ex)
        {
            throw new OpenClawException(
                $"The auth database {path} is in use by another process (a running gateway holds {lockPath}). " +
                "Stop that process, or manage users over RPC instead.", ex);
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private readonly record struct StoredToken(string FamilyId, string UserId, long ExpiresUnix, bool Spent, bool FamilyRevoked);

    private sealed class CachedUser(AuthUser user)
    {
        public AuthUser User { get; } = user;

        public Principal Principal { get; } = new("user:" + user.Id, user.Role, user.Id, user.Username);
    }

    private sealed class CachedFamily(string userId, bool revoked)
    {
        private volatile bool _revoked = revoked;

        public string UserId { get; } = userId;

        public bool Revoked
        {
            get => _revoked;
            set => _revoked = value;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Auth database {Path} opened")]
        public static partial void Opened(ILogger logger, string path);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "User {UserId} ({Username}) created with role {Role}")]
        public static partial void UserCreated(ILogger logger, string userId, string username, Role role);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "User {UserId} updated: role {Role}, active {Active}, password changed {PasswordChanged}")]
        public static partial void UserUpdated(ILogger logger, string userId, Role role, bool active, bool passwordChanged);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "User {UserId} deleted")]
        public static partial void UserDeleted(ILogger logger, string userId);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "A spent refresh token of user {UserId} was presented again; its family was revoked")]
        public static partial void RefreshReuse(ILogger logger, string userId);
    }
}

/// <summary>How a refresh-token exchange ended.</summary>
internal enum RefreshOutcome
{
    /// <summary>The old token was spent and a new one stored.</summary>
    Rotated,

    /// <summary>Unknown, expired, revoked, or the user is inactive.</summary>
    Invalid,

    /// <summary>A spent token came back: the family is now revoked.</summary>
    Reused,
}

/// <summary>The outcome of <see cref="UserStore.RotateAsync"/>, with the user and family when rotated.</summary>
internal readonly record struct RefreshResult(RefreshOutcome Outcome, AuthUser? User, string? FamilyId);
