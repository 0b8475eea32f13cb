using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>
/// A statement prepared once on the writer's connection and run with sqlite3_bind/step/reset directly: the hot path
/// of every append, without the per-call objects of ADO.NET.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    public void Bind(int index, long value) => raw.sqlite3_bind_int64(_statement, index, value);

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(_statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(_statement, index, value);
        }
    }

    /// <summary>Binds UTF-8 text; SQLite copies it (SQLITE_TRANSIENT), so the buffer may be reused at once.</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) => raw.sqlite3_bind_text(_statement, index, value);

    /// <summary>Binds text encoded into a reusable buffer instead of a fresh array per call.</summary>
    public void Bind(int index, string value, ref byte[] buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (buffer.Length < max)
        {
            buffer = new byte[Math.Max(max, buffer.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, buffer);
        raw.sqlite3_bind_text(_statement, index, buffer.AsSpan(0, length));
    }

    public void BindBlob(int index, ReadOnlySpan<byte> value) => raw.sqlite3_bind_blob(_statement, index, value);

    /// <summary>Runs the statement; returns the first column of the first row, or null when there is no row.</summary>
    public long? Run()
    {
        var rc = raw.sqlite3_step(_statement);
        long? result = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : null;
        if (rc == raw.SQLITE_ROW)
        {
            rc = raw.sqlite3_step(_statement);
        }

        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return result;
    }

    /// <summary>Runs a query returning (integer, text) and gives the first row.</summary>
    public (long Id, string Text)? RunPair()
    {
        var rc = raw.sqlite3_step(_statement);
        (long, string)? result = rc == raw.SQLITE_ROW
            ? (raw.sqlite3_column_int64(_statement, 0), raw.sqlite3_column_text(_statement, 1).utf8_to_string())
            : null;
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return result;
    }

    /// <summary>The rowid of the connection's latest INSERT.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _statement.Dispose();
}
