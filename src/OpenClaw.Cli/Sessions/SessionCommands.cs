using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenClaw.Cli.Gateway;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Projection;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Sessions;

/// <summary>
/// <c>openclaw sessions list | show | events | replay | export | fork | end</c>: over RPC to the running gateway; when
/// no gateway answers on this machine, directly on the state directory's event store (as its owner, under its lock).
/// </summary>
internal static class SessionCommands
{
    private const int ListPage = 500;
    private const int EventsPage = 1000;
    private const string KeyRules =
        "hint: a session key looks like agent:<agent>:<channel>:<peer>:<id> (`openclaw sessions list` shows them); each part is " +
        "1–128 characters from A–Z a–z 0–9 . _ - @ +.";

    /// <summary>Builds <c>sessions</c>.</summary>
    public static Command Create(
        Func<string, string?>? getEnvironmentVariable = null, RpcClientOptions? options = null, SessionTerminal? terminal = null,
        TimeProvider? timeProvider = null)
    {
        var context = new Context(getEnvironmentVariable ?? Environment.GetEnvironmentVariable, options ?? new RpcClientOptions(),
            terminal ?? SessionTerminal.System, timeProvider ?? TimeProvider.System);
        return new Command("sessions", "Conversations: list them, read them, replay, export, fork or end them.")
        {
            List(context), Show(context), Events(context), Replay(context), Export(context), Fork(context), End(context),
        };
    }

    private sealed record Context(Func<string, string?> Environment, RpcClientOptions Options, SessionTerminal Terminal, TimeProvider Time);

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON (the gateway's sessions.* answer) instead of text." };

    private static Argument<string> KeyArgument() => new("key") { Description = "The session key, agent:<agent>:<channel>:<peer>:<id>." };

    private static Command List(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var limit = new Option<int>("--limit") { Description = "At most this many sessions (default 50).", DefaultValueFactory = _ => 50 };
        var agent = new Option<string?>("--agent") { Description = "Only sessions of this agent." };
        var channel = new Option<string?>("--channel") { Description = "Only sessions on this channel, e.g. telegram." };
        var state = new Option<string?>("--state") { Description = "Only active or only ended sessions.", HelpName = "active|ended" };
        var json = JsonOption();
        var command = new Command("list", "List sessions, the latest activity first.") { limit, agent, channel, state, json };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            var (max, agentId, channelId, stateValue) = (result.GetValue(limit), result.GetValue(agent), result.GetValue(channel), result.GetValue(state));
            if (max < 1)
            {
                return await UsageAsync(error, "--limit must be 1 or more.");
            }

            if (stateValue is not (null or "active" or "ended"))
            {
                return await UsageAsync(error, "--state must be active or ended.");
            }

            foreach (var (kind, value) in new[] { ("agent id", agentId), ("channel id", channelId) })
            {
                if (value is not null && !IdFormat.TryValidate(kind, value, out var problem))
                {
                    return await UsageAsync(error, problem);
                }
            }

            return await WithSourceAsync(result, connection, context, writes: false, async source =>
            {
                var sessions = new List<JsonElement>();
                var documents = new List<JsonDocument>();
                try
                {
                    string? cursor = null;
                    do
                    {
                        var page = await source.ListAsync(Math.Min(ListPage, max - sessions.Count), cursor, agentId, channelId, stateValue, ct);
                        documents.Add(page);
                        sessions.AddRange(page.RootElement.GetProperty("sessions").EnumerateArray());
                        cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                    }
                    while (cursor is not null && sessions.Count < max);

                    await result.InvocationConfiguration.Output.WriteLineAsync(result.GetValue(json)
                        ? RpcCall.Indented(Wrap("sessions", sessions).RootElement)
                        : SessionFormat.SessionTable(sessions));
                    return CliExit.Success;
                }
                finally
                {
                    documents.ForEach(d => d.Dispose());
                }
            }, ct);
        }));
        return command;
    }

    private static Command Show(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var at = new Option<long?>("--at") { Description = "Show the conversation as of this event seq (default: now).", HelpName = "SEQ" };
        var json = JsonOption();
        var command = new Command("show", "Show a session's conversation: messages and tool calls, as of now or of an event.") { key, at, json };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            if (result.GetValue(at) is < 1)
            {
                return await UsageAsync(error, "--at must be 1 or more (a seq from `openclaw sessions events`).");
            }

            return await WithSourceAsync(result, connection, context, writes: false, async source =>
            {
                using var projection = await source.GetAsync(sessionKey, result.GetValue(at), ct);
                await result.InvocationConfiguration.Output.WriteLineAsync(result.GetValue(json)
                    ? RpcCall.Indented(projection.RootElement)
                    : SessionFormat.Conversation(projection.RootElement));
                return CliExit.Success;
            }, ct);
        }));
        return command;
    }

    private static Command Events(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var after = new Option<long>("--after") { Description = "Only events after this seq (default 0: from the start).", HelpName = "SEQ" };
        var limit = new Option<int>("--limit") { Description = "At most this many events (default 100).", DefaultValueFactory = _ => 100 };
        var json = JsonOption();
        var command = new Command("events", "List a session's events: seq, time, type and a short summary.") { key, after, limit, json };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            var (afterSeq, max) = (result.GetValue(after), result.GetValue(limit));
            if (afterSeq < 0 || max < 1)
            {
                return await UsageAsync(error, afterSeq < 0 ? "--after must be 0 or more." : "--limit must be 1 or more.");
            }

            return await WithSourceAsync(result, connection, context, writes: false, async source =>
            {
                var output = result.InvocationConfiguration.Output;
                var events = new List<JsonElement>();
                var documents = new List<JsonDocument>();
                try
                {
                    await ReadEventsAsync(source, sessionKey, afterSeq, max, documents, page =>
                    {
                        events.AddRange(page);
                        return Task.CompletedTask;
                    }, ct);
                    if (result.GetValue(json))
                    {
                        await output.WriteLineAsync(RpcCall.Indented(Wrap("events", events).RootElement));
                    }
                    else if (events.Count == 0)
                    {
                        await output.WriteLineAsync(afterSeq == 0 ? "No events." : $"No events after seq {afterSeq}.");
                    }
                    else
                    {
                        foreach (var e in events)
                        {
                            await output.WriteLineAsync(SessionFormat.EventLine(e));
                        }
                    }

                    return CliExit.Success;
                }
                finally
                {
                    documents.ForEach(d => d.Dispose());
                }
            }, ct);
        }));
        return command;
    }

    private static Command Replay(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var command = new Command(
            "replay",
            "Step through a session event by event (Enter or → next, ← or b back, q quit); without a terminal, print every step.") { key };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            return await WithSourceAsync(result, connection, context, writes: false, async source =>
            {
                var output = result.InvocationConfiguration.Output;
                var documents = new List<JsonDocument>();
                try
                {
                    var events = new List<JsonElement>();
                    await ReadEventsAsync(source, sessionKey, 0, int.MaxValue, documents, page =>
                    {
                        events.AddRange(page);
                        return Task.CompletedTask;
                    }, ct);
                    return context.Terminal.IsInteractive(output)
                        ? await SessionReplay.InteractiveAsync(events, context.Terminal, output, ct)
                        : await SessionReplay.PrintAsync(events, output, ct);
                }
                finally
                {
                    documents.ForEach(d => d.Dispose());
                }
            }, ct);
        }));
        return command;
    }

    private static Command Export(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var format = new Option<string>("--format") { Description = "jsonl: every event as stored, one per line; md: a readable transcript.", Required = true, HelpName = "jsonl|md" };
        var file = new Option<string?>("--output", "-o") { Description = "Write to this file (created private, 0600) instead of standard output.", HelpName = "FILE" };
        var command = new Command("export", "Export a session: its events as JSON Lines, or a Markdown transcript.") { key, format, file };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            var kind = result.GetRequiredValue(format);
            if (kind is not ("jsonl" or "md"))
            {
                return await UsageAsync(error, "--format must be jsonl or md.");
            }

            var path = result.GetValue(file);
            return await WithSourceAsync(result, connection, context, writes: false, async source =>
            {
                // The session is checked before a file is created, so a wrong key leaves no empty file behind; the
                // file appears under its name only once complete (a failure half-way leaves any earlier file as it was).
                using var projection = await source.GetAsync(sessionKey, null, ct);
                var full = path is null ? null : Path.GetFullPath(path);
                var temporary = full is null ? null : $"{full}.{Guid.NewGuid():N}.tmp";
                try
                {
                    await using (var target = temporary is null ? null : OpenPrivate(temporary))
                    {
                        var output = target ?? result.InvocationConfiguration.Output;
                        var count = await WriteExportAsync(source, sessionKey, kind, projection.RootElement, output, error, ct);
                        await output.FlushAsync(ct);
                        if (full is not null)
                        {
                            await error.WriteLineAsync(kind == "md" ? $"exported the transcript to {path}." : $"exported {count} events to {path}.");
                        }
                    }

                    if (temporary is not null)
                    {
                        File.Move(temporary, full!, overwrite: true);
                        temporary = null;
                    }
                }
                finally
                {
                    if (temporary is not null)
                    {
                        File.Delete(temporary);
                    }
                }

                return CliExit.Success;
            }, ct);
        }));
        return command;
    }

    private static async Task<long> WriteExportAsync(
        ISessionSource source, SessionKey key, string kind, JsonElement projection, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (kind == "md")
        {
            await output.WriteAsync(SessionFormat.Markdown(projection));
            return 0;
        }

        var count = 0L;
        var documents = new List<JsonDocument>();
        // No progress when the export itself goes to this terminal: it would be mixed into the events.
        var toTerminal = CliStyle.IsTerminal(output);
        using var progress = toTerminal ? CliProgress.None : CliProgress.For(error);
        await ReadEventsAsync(source, key, 0, int.MaxValue, documents, async page =>
        {
            foreach (var e in page)
            {
                await output.WriteLineAsync(SessionJson.Compact(e));
            }

            count += page.Count;
            documents.ForEach(d => d.Dispose());
            documents.Clear();
            if (progress.Live)
            {
                progress.Update($"exporting: {count} events…");
            }
            else if (count >= EventsPage && !toTerminal)
            {
                // Redirected: a line per page of a long export, so a log shows it moving.
                await error.WriteLineAsync($"exporting: {count} events…");
            }
        }, cancellationToken);
        return count;
    }

    private static Command Fork(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var at = new Option<long>("--at") { Description = "Copy the events up to and including this seq.", Required = true, HelpName = "SEQ" };
        var json = JsonOption();
        var command = new Command("fork", "Start a new session from a session's events up to a seq; prints the new key.") { key, at, json };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            if (result.GetValue(at) < 1)
            {
                return await UsageAsync(error, "--at must be 1 or more (a seq from `openclaw sessions events`).");
            }

            return await WithSourceAsync(result, connection, context, writes: true, async source =>
            {
                using var fork = await source.ForkAsync(sessionKey, result.GetValue(at), ct);
                await result.InvocationConfiguration.Output.WriteLineAsync(result.GetValue(json)
                    ? RpcCall.Indented(fork.RootElement)
                    : fork.RootElement.GetProperty("sessionKey").GetString());
                return CliExit.Success;
            }, ct);
        }));
        return command;
    }

    private static Command End(Context context)
    {
        var connection = new GatewayConnectionOptions();
        var key = KeyArgument();
        var reason = new Option<string?>("--reason") { Description = "Why it ended (kept in its session_ended event)." };
        var json = JsonOption();
        var command = new Command("end", "End a session: nothing more is added to it, and its running turns stop.") { key, reason, json };
        connection.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!TryKey(result.GetRequiredValue(key), out var sessionKey, out var problem))
            {
                return await UsageAsync(error, problem, KeyRules);
            }

            return await WithSourceAsync(result, connection, context, writes: true, async source =>
            {
                using var ended = await source.EndAsync(sessionKey, result.GetValue(reason), ct);
                var root = ended.RootElement;
                await result.InvocationConfiguration.Output.WriteLineAsync(result.GetValue(json)
                    ? RpcCall.Indented(root)
                    : $"ended {root.GetProperty("sessionKey").GetString()} at seq {root.GetProperty("seq").GetInt64()}.");
                return CliExit.Success;
            }, ct);
        }));
        return command;
    }

    /// <summary>
    /// Runs <paramref name="body"/> against the gateway; when no gateway answers on this machine before anything was
    /// read, against the state directory's event store instead (saying so on standard error).
    /// </summary>
    private static async Task<int> WithSourceAsync(
        ParseResult result, GatewayConnectionOptions connection, Context context, bool writes, Func<ISessionSource, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var error = result.InvocationConfiguration.Error;
        var target = await connection.ResolveAsync(result, context.Environment, cancellationToken);
        var online = new TrackingSource(new RpcSessionSource(target, context.Options, error));
        try
        {
            return await body(online);
        }
        catch (GatewayNotRunningException) when (!online.Answered && IsLoopback(target.BaseUrl))
        {
            // No gateway runs here, so nothing else owns the state directory: its store is opened as its owner (the
            // exclusive lock), which fails rather than touch a store some other process still holds.
            var environment = GatewayCommands.WithOverrides(context.Environment, result.GetValue(connection.StateDir), result.GetValue(connection.ConfigFile));
            var paths = StatePaths.FromEnvironment(environment);
            await using var offline = await StoreSessionSource.OpenAsync(paths, $"no gateway answered at {target.Display}", context.Time, cancellationToken);
            await error.WriteLineAsync(
                $"note: no gateway answered at {target.Display}; {(writes ? "writing to" : "reading")} the event store {paths.EventStoreFile} directly.");
            try
            {
                return await body(offline);
            }
            catch (SessionFailureReportedException)
            {
                return CliExit.Failure;
            }
        }
        catch (SessionFailureReportedException)
        {
            return CliExit.Failure;
        }
    }

    /// <summary>Reads up to <paramref name="max"/> events after <paramref name="afterSeq"/>, a page (≤ 1000) at a time.</summary>
    private static async Task ReadEventsAsync(
        ISessionSource source, SessionKey key, long afterSeq, int max, List<JsonDocument> documents, Func<IReadOnlyList<JsonElement>, Task> onPage,
        CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < max)
        {
            var want = Math.Min(EventsPage, max - read);
            var page = await source.EventsAsync(key, afterSeq, want, cancellationToken);
            documents.Add(page);
            var events = page.RootElement.GetProperty("events").EnumerateArray().ToList();
            if (events.Count == 0)
            {
                return;
            }

            read += events.Count;
            afterSeq = events[^1].GetProperty("seq").GetInt64();
            await onPage(events);
            if (events.Count < want)
            {
                return;
            }
        }
    }

    private static JsonDocument Wrap(string name, List<JsonElement> items) => SessionJson.Build(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            item.WriteTo(w);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static bool TryKey(string text, out SessionKey key, out string problem)
    {
        if (SessionKey.TryParse(text, out key, out var error))
        {
            problem = "";
            return true;
        }

        problem = CliText.Printable(error, keepNewlines: false);
        return false;
    }

    private static async Task<int> UsageAsync(TextWriter error, string problem, string? hint = null)
    {
        await error.WriteLineAsync("error: " + problem);
        if (hint is not null)
        {
            await error.WriteLineAsync(hint);
        }

        return CliExit.Usage;
    }

    private static StreamWriter OpenPrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // conversations are private
        }

        return new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options) { NewLine = "\n" };
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Remembers whether the gateway answered anything, so a later failure never falls back half-way.</summary>
    private sealed class TrackingSource(ISessionSource inner) : ISessionSource
    {
        public bool Answered { get; private set; }

        public Task<JsonDocument> ListAsync(int limit, string? cursor, string? agent, string? channel, string? state, CancellationToken cancellationToken) =>
            Track(inner.ListAsync(limit, cursor, agent, channel, state, cancellationToken));

        public Task<JsonDocument> GetAsync(SessionKey key, long? atSeq, CancellationToken cancellationToken) => Track(inner.GetAsync(key, atSeq, cancellationToken));

        public Task<JsonDocument> EventsAsync(SessionKey key, long afterSeq, int limit, CancellationToken cancellationToken) =>
            Track(inner.EventsAsync(key, afterSeq, limit, cancellationToken));

        public Task<JsonDocument> ForkAsync(SessionKey key, long atSeq, CancellationToken cancellationToken) => Track(inner.ForkAsync(key, atSeq, cancellationToken));

        public Task<JsonDocument> EndAsync(SessionKey key, string? reason, CancellationToken cancellationToken) => Track(inner.EndAsync(key, reason, cancellationToken));

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private async Task<JsonDocument> Track(Task<JsonDocument> call)
        {
            var answer = await call;
            Answered = true;
            return answer;
        }
    }
}

/// <summary><c>sessions replay</c>: the conversation as of each event, in turn.</summary>
internal static class SessionReplay
{
    /// <summary>Prints every step: the event, and for a message its whole text.</summary>
    public static async Task<int> PrintAsync(IReadOnlyList<JsonElement> events, TextWriter output, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            await output.WriteLineAsync("No events.");
            return CliExit.Success;
        }

        for (var i = 0; i < events.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var e = events[i];
            await output.WriteLineAsync($"step {i + 1}/{events.Count}  {SessionFormat.EventLine(e).TrimStart()}");
            if (e.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
            {
                await output.WriteLineAsync("    " + CliText.Printable(text.GetString()!, keepNewlines: true).Replace("\n", "\n    ", StringComparison.Ordinal));
            }
        }

        return CliExit.Success;
    }

    /// <summary>Shows the conversation as of one event at a time; keys move between events.</summary>
    public static async Task<int> InteractiveAsync(IReadOnlyList<JsonElement> events, SessionTerminal terminal, TextWriter output, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            await output.WriteLineAsync("No events.");
            return CliExit.Success;
        }

        var parsed = events.Select(e => JsonSerializer.Deserialize(e, EventJsonContext.Default.SessionEvent)!).ToList();
        var step = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var projection = SessionProjector.Project(parsed.Take(step + 1))!;
            using var json = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(projection, EventJsonContext.Default.SessionProjection));
            await output.WriteAsync("\u001b[H\u001b[2J"); // a terminal only: clear the screen
            await output.WriteLineAsync(SessionFormat.Conversation(json.RootElement));
            await output.WriteLineAsync();
            await output.WriteLineAsync($"── step {step + 1}/{events.Count} · {SessionFormat.EventLine(events[step]).TrimStart()}");
            await output.WriteLineAsync("Enter/→ next · ←/b back · q quit");
            await output.FlushAsync(cancellationToken);
            var key = terminal.ReadKey();
            switch (key?.Key)
            {
                case null or ConsoleKey.Q or ConsoleKey.Escape:
                    return CliExit.Success;
                case ConsoleKey.Enter or ConsoleKey.RightArrow or ConsoleKey.Spacebar or ConsoleKey.N:
                    if (step == events.Count - 1)
                    {
                        return CliExit.Success;
                    }

                    step++;
                    break;
                case ConsoleKey.LeftArrow or ConsoleKey.B or ConsoleKey.P:
                    step = Math.Max(0, step - 1);
                    break;
            }
        }
    }
}
