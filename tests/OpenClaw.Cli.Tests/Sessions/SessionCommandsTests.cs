using System.Text.Json;
using OpenClaw.Cli.Sessions;
using OpenClaw.Cli.Tests.Rpc;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Sessions;

/// <summary><c>openclaw sessions</c> against a real gateway whose store holds seeded sessions.</summary>
public sealed class SessionCommandsTests : IAsyncLifetime
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private RpcTestGateway _gateway = null!;
    private SessionSeed.Seeded _seeded = null!;
    private string? _gatewayState;

    public SessionCommandsTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path; // the CLI's own (empty) state directory: everything goes over RPC
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
    }

    public async ValueTask InitializeAsync() =>
        _gateway = await RpcTestGateway.StartAsync(prepare: async paths =>
        {
            _gatewayState = paths.Root;
            _seeded = await SessionSeed.WriteAsync(paths);
        });

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task List_prints_a_table_newest_activity_first()
    {
        var run = await InvokeAsync("list");

        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Error);
        var lines = run.Lines;
        Assert.Equal(["KEY", "AGENT", "CHANNEL", "STATE", "MESSAGES", "TOKENS", "LAST", "ACTIVITY", "(UTC)"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith(_seeded.Ended, lines[1], StringComparison.Ordinal); // ended last, so its activity is newest
        Assert.Equal([_seeded.Chat, "default", "telegram", "active", "3", "15"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..6]);
    }

    [Fact]
    public async Task List_json_with_filters_returns_only_the_matching_sessions()
    {
        var ended = await InvokeAsync("list", "--state", "ended", "--json");
        var telegram = await InvokeAsync("list", "--channel", "telegram", "--limit", "1", "--json");

        Assert.Equal(0, ended.Exit);
        using var endedJson = JsonDocument.Parse(ended.Output);
        Assert.Equal([_seeded.Ended], endedJson.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionKey").GetString()));
        using var telegramJson = JsonDocument.Parse(telegram.Output);
        Assert.Equal([_seeded.Chat], telegramJson.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionKey").GetString()));
    }

    [Theory]
    [InlineData("--state", "paused", "--state must be active or ended")]
    [InlineData("--limit", "0", "--limit must be 1 or more")]
    [InlineData("--agent", "no way", "agent id")]
    public async Task List_with_a_bad_option_is_a_usage_error(string option, string value, string message)
    {
        var run = await InvokeAsync("list", option, value);

        Assert.Equal(2, run.Exit);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Show_renders_messages_and_tool_calls_with_no_terminal_escapes()
    {
        var run = await InvokeAsync("show", _seeded.Chat);

        Assert.Equal(0, run.Exit);
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.DoesNotContain('\u0007', run.Output);
        Assert.Contains("user (Ada?]0;pwned?):", run.Output, StringComparison.Ordinal);
        Assert.Contains("    Hello ?[31mthere\n    second line", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("tool read_file {\"path\":\"notes.txt\"}", run.Output, StringComparison.Ordinal);
        Assert.Contains("→ ok {\"content\":\"buy milk\"}", run.Output, StringComparison.Ordinal);
        Assert.Contains("assistant (fake-model):", run.Output, StringComparison.Ordinal);
        Assert.Contains("    You wrote: buy milk?", run.Output, StringComparison.Ordinal); // a direction override shown as ?
        Assert.DoesNotContain('\u202E', run.Output);
        Assert.True(
            run.Output.IndexOf("Hello", StringComparison.Ordinal) < run.Output.IndexOf("read_file", StringComparison.Ordinal)
            && run.Output.IndexOf("read_file", StringComparison.Ordinal) < run.Output.IndexOf("assistant", StringComparison.Ordinal),
            "messages and tool calls are in seq order");
    }

    [Fact]
    public async Task Show_at_a_seq_is_the_conversation_as_of_that_event()
    {
        var run = await InvokeAsync("show", _seeded.Chat, "--at", "2");
        var json = await InvokeAsync("show", _seeded.Chat, "--at", "2", "--json");

        Assert.Equal(0, run.Exit);
        Assert.Contains("as of seq 2", run.Output, StringComparison.Ordinal);
        Assert.Contains("Hello", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("read_file", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("You wrote", run.Output, StringComparison.Ordinal);
        using var projection = JsonDocument.Parse(json.Output);
        Assert.Equal(1, projection.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(2, projection.RootElement.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task Show_of_an_unknown_session_is_one_line_and_exit_1()
    {
        var run = await InvokeAsync("show", "agent:default:webchat:web:nosuchsess");

        Assert.Equal(1, run.Exit);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("events")]
    [InlineData("replay")]
    [InlineData("end")]
    public async Task A_malformed_key_is_exit_2_with_the_id_rules(string command)
    {
        var run = await InvokeAsync(command, "agent:default:web chat:web:x");

        Assert.Equal(2, run.Exit);
        Assert.StartsWith("error: invalid session key: channel id", run.Error, StringComparison.Ordinal);
        Assert.Contains("A–Z a–z 0–9 . _ - @ +", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Events_prints_one_line_per_event_in_seq_order()
    {
        var run = await InvokeAsync("events", _seeded.Chat);

        Assert.Equal(0, run.Exit);
        Assert.Equal(6, run.Lines.Length);
        for (var i = 0; i < 6; i++)
        {
            var fields = run.Lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), fields[0]);
            Assert.Equal(SessionSeed.ChatTypes[i], fields[3]);
        }

        Assert.Contains("read_file {\"path\":\"notes.txt\"}", run.Lines[2], StringComparison.Ordinal);
        Assert.Contains("call-1 ok", run.Lines[3], StringComparison.Ordinal);
        Assert.Contains("fake-model (15 tokens): You wrote: buy milk", run.Lines[4], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Output);
    }

    [Fact]
    public async Task Events_after_and_limit_select_a_window_and_json_is_the_stored_events()
    {
        var run = await InvokeAsync("events", _seeded.Chat, "--after", "3", "--limit", "2", "--json");

        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal([4L, 5L], json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal("tool_result", json.RootElement.GetProperty("events")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Replay_without_a_terminal_prints_every_step_in_turn()
    {
        var run = await InvokeAsync("replay", _seeded.Chat);

        Assert.Equal(0, run.Exit);
        var steps = run.Lines.Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, steps.Count);
        for (var i = 0; i < 6; i++)
        {
            Assert.StartsWith($"step {i + 1}/6  {i + 1}  ", steps[i], StringComparison.Ordinal);
            Assert.Contains(SessionSeed.ChatTypes[i], steps[i], StringComparison.Ordinal);
        }

        Assert.Contains("    Hello ?[31mthere\n    second line", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Output);
    }

    [Fact]
    public async Task Replay_at_a_terminal_moves_with_the_keys_and_shows_the_conversation_as_of_each_event()
    {
        var keys = new Queue<ConsoleKey>([ConsoleKey.Enter, ConsoleKey.RightArrow, ConsoleKey.LeftArrow, ConsoleKey.B, ConsoleKey.Q, ConsoleKey.Enter]);
        var screens = new List<string>();
        var output = new StringWriter();
        var terminal = new SessionTerminal(_ => true, () =>
        {
            screens.Add(output.ToString());
            output.GetStringBuilder().Clear();
            var key = keys.Dequeue();
            return new ConsoleKeyInfo('\0', key, shift: false, alt: false, control: false);
        });

        var exit = await SessionReplay.InteractiveAsync(await EventsOfChatAsync(), terminal, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Single(keys); // q stopped it: the last key was never read
        Assert.Equal(["step 1/6", "step 2/6", "step 3/6", "step 2/6", "step 1/6"], screens.Select(s => s[s.IndexOf("step ", StringComparison.Ordinal)..][..8]));
        Assert.DoesNotContain("Hello", screens[0], StringComparison.Ordinal);
        Assert.Contains("Hello ?[31mthere", screens[1], StringComparison.Ordinal);
        Assert.Contains("read_file", screens[2], StringComparison.Ordinal);
        Assert.Contains("(running)", screens[2], StringComparison.Ordinal); // as of the call, its result has not come
        Assert.DoesNotContain("read_file", screens[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_jsonl_is_every_stored_event_one_per_line_in_seq_order()
    {
        var run = await InvokeAsync("export", _seeded.Chat, "--format", "jsonl");
        var events = await InvokeAsync("events", _seeded.Chat, "--json");

        Assert.Equal(0, run.Exit);
        var lines = run.Lines;
        Assert.Equal(6, lines.Length);
        using var stored = JsonDocument.Parse(events.Output);
        var seqs = new List<long>();
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            seqs.Add(line.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(SessionSeed.ChatTypes[i], line.RootElement.GetProperty("type").GetString());
            Assert.True(JsonElement.DeepEquals(stored.RootElement.GetProperty("events")[i], line.RootElement), "the line is the stored event");
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], seqs);
    }

    [Fact]
    public async Task Export_and_events_page_through_a_long_session_over_rpc()
    {
        SessionSeed.Seeded seeded = null!;
        await using var gateway = await RpcTestGateway.StartAsync(prepare: async paths => seeded = await SessionSeed.WriteAsync(paths, longMessages: 2200));

        var export = await SessionSeed.InvokeAsync(["sessions", "export", seeded.Long!, "--format", "jsonl", "--url", gateway.Url], _environment.GetValueOrDefault);
        var events = await SessionSeed.InvokeAsync(["sessions", "events", seeded.Long!, "--after", "500", "--limit", "1500", "--url", gateway.Url], _environment.GetValueOrDefault);

        Assert.Equal(0, export.Exit);
        Assert.Equal(2201, export.Lines.Length); // more than two calls' worth (sessions.events returns at most 1,000)
        Assert.Equal(
            Enumerable.Range(0, 2201).Select(i => 10L + i),
            export.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()));
        Assert.Contains("exporting: 2000 events…", export.Error, StringComparison.Ordinal);
        Assert.Equal(0, events.Exit);
        Assert.Equal(1500, events.Lines.Length);
        Assert.StartsWith("   501  ", events.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  2000  ", events.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_md_to_a_file_is_a_readable_transcript()
    {
        var file = _state.Combine("chat.md");

        var run = await InvokeAsync("export", _seeded.Chat, "--format", "md", "--output", file);

        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Output);
        Assert.Empty(Directory.GetFiles(_state.Path, "*.tmp")); // written under a temporary name, then moved into place
        var markdown = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.StartsWith("# Session " + _seeded.Chat, markdown, StringComparison.Ordinal);
        Assert.Contains("## User (Ada?]0;pwned?)", markdown, StringComparison.Ordinal);
        Assert.Contains("> Hello ?[31mthere\n> second line", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("## Tool `read_file`", markdown, StringComparison.Ordinal);
        Assert.Contains("## Assistant (fake-model)", markdown, StringComparison.Ordinal);
        Assert.Contains("You wrote: buy milk", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', markdown);
        Assert.DoesNotContain('\u202E', markdown);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Export_with_a_bad_format_is_a_usage_error_and_writes_no_file()
    {
        var file = _state.Combine("chat.txt");

        var run = await InvokeAsync("export", _seeded.Chat, "--format", "txt", "--output", file);

        Assert.Equal(2, run.Exit);
        Assert.Contains("--format must be jsonl or md", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Export_of_an_unknown_session_fails_without_creating_the_file()
    {
        var file = _state.Combine("none.jsonl");

        var run = await InvokeAsync("export", "agent:default:webchat:web:nosuchsess", "--format", "jsonl", "--output", file);

        Assert.Equal(1, run.Exit);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Fork_prints_a_new_key_whose_session_holds_the_events_up_to_the_seq()
    {
        var run = await InvokeAsync("fork", _seeded.Chat, "--at", "2");

        Assert.Equal(0, run.Exit);
        var forked = run.Output.Trim();
        Assert.StartsWith("agent:default:telegram:4242:", forked, StringComparison.Ordinal);
        Assert.NotEqual(_seeded.Chat, forked);
        var show = await InvokeAsync("show", forked, "--json");
        using var projection = JsonDocument.Parse(show.Output);
        Assert.Equal("Hello \u001b[31mthere\nsecond line", projection.RootElement.GetProperty("messages")[0].GetProperty("text").GetString());
        Assert.Equal(1, projection.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(_seeded.Chat, projection.RootElement.GetProperty("forkedFrom").GetProperty("sessionKey").GetString());
    }

    [Fact]
    public async Task Fork_without_at_is_refused_by_the_parser()
    {
        var run = await InvokeAsync("fork", _seeded.Chat);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("--at", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_ends_the_session_and_ending_it_again_fails()
    {
        var run = await InvokeAsync("end", _seeded.Chat, "--reason", "finished");

        Assert.Equal(0, run.Exit);
        Assert.Matches(@"^ended agent:default:telegram:4242:\w+ at seq 10\.$", run.Output.Trim());
        var list = await InvokeAsync("list", "--state", "ended", "--json");
        using var json = JsonDocument.Parse(list.Output);
        var chat = Assert.Single(json.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionKey").GetString() == _seeded.Chat);
        Assert.Equal("finished", chat.GetProperty("endedReason").GetString());

        var again = await InvokeAsync("end", _seeded.Chat);
        Assert.Equal(1, again.Exit);
        Assert.StartsWith("error -32005: ", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_gateway_still_holding_its_store_is_a_clear_message()
    {
        await _gateway.StopAsync(); // stopped, but this process still holds the store's lock until disposal
        var environment = new Dictionary<string, string>(_environment) { ["OPENCLAW_STATE_DIR"] = GatewayStateDir() };

        var run = await SessionSeed.InvokeAsync(["sessions", "list", "--url", _gateway.Url], environment.GetValueOrDefault);

        Assert.Equal(1, run.Exit);
        Assert.StartsWith($"error: no gateway answered at {_gateway.Url}, and another process (a gateway?) holds the event store", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    private string GatewayStateDir() => _gatewayState ?? throw new InvalidOperationException("no state directory");

    private async Task<List<JsonElement>> EventsOfChatAsync()
    {
        var run = await InvokeAsync("events", _seeded.Chat, "--json");
        using var json = JsonDocument.Parse(run.Output);
        return [.. json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    private Task<SessionSeed.Run> InvokeAsync(params string[] args) =>
        SessionSeed.InvokeAsync(["sessions", .. args, "--url", _gateway.Url], _environment.GetValueOrDefault);
}
