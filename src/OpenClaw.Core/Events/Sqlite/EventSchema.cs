namespace OpenClaw.Core.Events.Sqlite;

/// <summary>The schema, one migration step per version (PRAGMA user_version).</summary>
internal static class EventSchema
{
    /// <summary>The version this build writes; a larger one on disk is refused.</summary>
    public const int CurrentVersion = 2;

    public const string StateActive = "active";
    public const string StateEnded = "ended";

    /// <summary>The message kinds whose text is counted as a message and indexed for search.</summary>
    public const string MessageTypesSql = "('message_received','agent_response','message_sent')";

    /// <summary>Step n (index n-1) takes a store from version n-1 to n.</summary>
    public static readonly string[] Steps =
    [
        // v1: events and the per-session summary.
        """
        CREATE TABLE sessions(
            id INTEGER PRIMARY KEY,
            session_key TEXT NOT NULL UNIQUE,
            agent_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            peer_id TEXT NOT NULL,
            state TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            last_activity INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            message_count INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            title TEXT,
            forked_from TEXT,
            forked_at_seq INTEGER,
            ended_reason TEXT);
        CREATE INDEX sessions_by_activity ON sessions(last_activity);
        CREATE TABLE events(
            seq INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL,
            type TEXT NOT NULL,
            ts INTEGER NOT NULL,
            data TEXT NOT NULL);
        CREATE INDEX events_by_session ON events(session_id, seq);
        """,

        // v2: full-text search over message text, back-filled from the events already stored. The index keeps no
        // copy of the text ("external content"): snippets read it from the event through the view.
        $"""
        CREATE VIEW message_text AS
            SELECT seq, json_extract(data, '$.text') AS text, session_id FROM events WHERE type IN {MessageTypesSql};
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, session_id UNINDEXED, content = 'message_text', content_rowid = 'seq',
            tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
        """,
    ];

    /// <summary>Tables a current store must have; a file without them is not (or no longer) an event store.</summary>
    public static readonly string[] RequiredTables = ["sessions", "events", "message_text", "messages_fts"];
}
