using System.Buffers;
using System.Text.Json;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Sessions;

/// <summary>
/// Where <c>openclaw sessions</c> reads and writes sessions: the running gateway over RPC, or (when none answers) the
/// state directory's event store. Every answer has the JSON shape of the gateway's <c>sessions.*</c> result, so one
/// renderer serves both.
/// </summary>
internal interface ISessionSource : IAsyncDisposable
{
    /// <summary>A page of <c>{sessions:[summary], nextCursor?}</c>, newest activity first.</summary>
    Task<JsonDocument> ListAsync(int limit, string? cursor, string? agent, string? channel, string? state, CancellationToken cancellationToken);

    /// <summary>The projection of a session as of <paramref name="atSeq"/> (now when null).</summary>
    Task<JsonDocument> GetAsync(SessionKey key, long? atSeq, CancellationToken cancellationToken);

    /// <summary><c>{events:[…]}</c>: up to <paramref name="limit"/> (≤ 1000) events after <paramref name="afterSeq"/>, in seq order.</summary>
    Task<JsonDocument> EventsAsync(SessionKey key, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary><c>{sessionKey}</c> of a new session holding the events up to <paramref name="atSeq"/>.</summary>
    Task<JsonDocument> ForkAsync(SessionKey key, long atSeq, CancellationToken cancellationToken);

    /// <summary><c>{sessionKey, seq}</c> once the session has ended.</summary>
    Task<JsonDocument> EndAsync(SessionKey key, string? reason, CancellationToken cancellationToken);
}

/// <summary>The failure was already written to standard error; the command exits 1.</summary>
internal sealed class SessionFailureReportedException : Exception
{
    public SessionFailureReportedException()
        : base("the failure was reported")
    {
    }

    public SessionFailureReportedException(string message)
        : base(message)
    {
    }

    public SessionFailureReportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The running gateway's <c>sessions.*</c> methods.</summary>
internal sealed class RpcSessionSource(GatewayTarget target, RpcClientOptions options, TextWriter error) : ISessionSource
{
    public Task<JsonDocument> ListAsync(int limit, string? cursor, string? agent, string? channel, string? state, CancellationToken cancellationToken) =>
        CallAsync("sessions.list", w =>
        {
            w.WriteNumber("limit", limit);
            WriteIfSet(w, "cursor", cursor);
            WriteIfSet(w, "agentId", agent);
            WriteIfSet(w, "channel", channel);
            WriteIfSet(w, "state", state);
        }, cancellationToken);

    public Task<JsonDocument> GetAsync(SessionKey key, long? atSeq, CancellationToken cancellationToken) =>
        CallAsync("sessions.get", w =>
        {
            w.WriteString("sessionKey", key.ToString());
            if (atSeq is { } seq)
            {
                w.WriteNumber("atSeq", seq);
            }
        }, cancellationToken);

    public Task<JsonDocument> EventsAsync(SessionKey key, long afterSeq, int limit, CancellationToken cancellationToken) =>
        CallAsync("sessions.events", w =>
        {
            w.WriteString("sessionKey", key.ToString());
            w.WriteNumber("afterSeq", afterSeq);
            w.WriteNumber("limit", limit);
        }, cancellationToken);

    public Task<JsonDocument> ForkAsync(SessionKey key, long atSeq, CancellationToken cancellationToken) =>
        CallAsync("sessions.fork", w =>
        {
            w.WriteString("sessionKey", key.ToString());
            w.WriteNumber("atSeq", atSeq);
        }, cancellationToken);

    public Task<JsonDocument> EndAsync(SessionKey key, string? reason, CancellationToken cancellationToken) =>
        CallAsync("sessions.end", w =>
        {
            w.WriteString("sessionKey", key.ToString());
            WriteIfSet(w, "reason", reason);
        }, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonDocument> CallAsync(string method, Action<Utf8JsonWriter> parameters, CancellationToken cancellationToken)
    {
        using var built = SessionJson.Build(w =>
        {
            w.WriteStartObject();
            parameters(w);
            w.WriteEndObject();
        });
        return await RpcCall.CallAsync(target, method, built.RootElement, options, error, cancellationToken)
            ?? throw new SessionFailureReportedException();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>
/// The state directory's event store, opened as its owner (the exclusive lock): only when no gateway holds it, so a
/// store a gateway owns is never written or read half-way.
/// </summary>
internal sealed class StoreSessionSource : ISessionSource
{
    private readonly SqliteEventStore _store;

    private StoreSessionSource(SqliteEventStore store) => _store = store;

    /// <summary>Opens the store of <paramref name="paths"/>; a missing store or one held by another process is an <see cref="OpenClawException"/>.</summary>
    public static async Task<StoreSessionSource> OpenAsync(StatePaths paths, string unreachable, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // A read must not create an empty store in a mistyped state directory.
        if (!File.Exists(paths.EventStoreFile))
        {
            throw new GatewayNotRunningException(
                $"{unreachable}, and there is no event store at {paths.EventStoreFile} to read instead; start the gateway with " +
                "`openclaw gateway run`, or point at it with --url (or at its state directory with --state-dir).");
        }

        try
        {
            return new StoreSessionSource(await SqliteEventStore.OpenAsync(EventStoreOptions.For(paths), timeProvider, logger: null, cancellationToken));
        }
        catch (EventStoreException ex) when (ex.Kind == EventStoreErrorKind.Locked)
        {
            throw new OpenClawException(
                $"{unreachable}, and another process (a gateway?) holds the event store {paths.EventStoreFile}, so it cannot be " +
                "read directly either; point --url at that gateway, or stop it and retry.");
        }
    }

    public async Task<JsonDocument> ListAsync(int limit, string? cursor, string? agent, string? channel, string? state, CancellationToken cancellationToken)
    {
        var query = new SessionQuery
        {
            Limit = limit,
            Cursor = cursor,
            AgentId = agent is null ? null : AgentId.From(CheckId("agent id", agent)),
            Channel = channel is null ? null : ChannelId.From(CheckId("channel id", channel)),
            State = state switch
            {
                null => null,
                "ended" => SessionState.Ended,
                _ => SessionState.Active,
            },
        };
        var page = await _store.ListSessionsAsync(query, cancellationToken);
        return JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(page, EventJsonContext.Default.SessionPage));
    }

    public async Task<JsonDocument> GetAsync(SessionKey key, long? atSeq, CancellationToken cancellationToken)
    {
        await RequireAsync(key, cancellationToken);
        var projection = await _store.GetProjectionAsync(key, atSeq, cancellationToken)
            ?? throw new OpenClawException($"session {key} has no event at or before seq {atSeq}.");
        return JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(projection, EventJsonContext.Default.SessionProjection));
    }

    public async Task<JsonDocument> EventsAsync(SessionKey key, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await RequireAsync(key, cancellationToken);
        var events = await _store.ReadEventsAsync(key, afterSeq, limit, cancellationToken);
        return SessionJson.Build(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("events");
            JsonSerializer.Serialize(w, events, EventJsonContext.Default.IReadOnlyListSessionEvent);
            w.WriteEndObject();
        });
    }

    public async Task<JsonDocument> ForkAsync(SessionKey key, long atSeq, CancellationToken cancellationToken)
    {
        await RequireAsync(key, cancellationToken);
        var fork = await _store.ForkAsync(key, atSeq, cancellationToken);
        return SessionJson.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("sessionKey", fork.ToString());
            w.WriteEndObject();
        });
    }

    public async Task<JsonDocument> EndAsync(SessionKey key, string? reason, CancellationToken cancellationToken)
    {
        await RequireAsync(key, cancellationToken);
        var ended = await _store.EndSessionAsync(key, reason, cancellationToken);
        return SessionJson.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("sessionKey", ended.SessionKey.ToString());
            w.WriteNumber("seq", ended.Seq);
            w.WriteEndObject();
        });
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task RequireAsync(SessionKey key, CancellationToken cancellationToken)
    {
        if (await _store.GetSessionAsync(key, cancellationToken) is null)
        {
            throw new OpenClawException($"session {key} does not exist (`openclaw sessions list` shows the sessions there are).");
        }
    }

    private static string CheckId(string kind, string value) =>
        IdFormat.TryValidate(kind, value, out var problem) ? value : throw new OpenClawException(problem);
}

/// <summary>Small JSON helpers shared by the sources and the renderers.</summary>
internal static class SessionJson
{
    /// <summary>A document written by <paramref name="write"/>.</summary>
    public static JsonDocument Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    /// <summary>The element as compact JSON, exactly as it came (property order and values kept).</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
