using System.Text.Json;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Cli.Tests.Rpc;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Sessions;

/// <summary>
/// <c>openclaw sessions</c> when no gateway answers: on the state directory's store directly (a stopped gateway's
/// directory), in-process and as the built binary.
/// </summary>
public sealed class SessionCommandsOfflineTests : IAsyncLifetime
{
    private readonly TempDirectory _state = new();
    private SessionSeed.Seeded _seeded = null!;

    public async ValueTask InitializeAsync() => _seeded = await SessionSeed.WriteAsync(new StatePaths(_state.Path), longMessages: 2500);

    public ValueTask DisposeAsync()
    {
        _state.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task List_reads_the_store_directly_and_says_so()
    {
        var run = await InvokeAsync("list");

        Assert.Equal(0, run.Exit);
        Assert.StartsWith($"note: no gateway answered at {SessionSeed.DeadUrl}; reading the event store ", run.Error, StringComparison.Ordinal);
        Assert.Equal(4, run.Lines.Length);
        Assert.Contains(run.Lines, l => l.StartsWith(_seeded.Chat, StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith(_seeded.Long!, StringComparison.Ordinal) && l.Contains(" 2500 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_events_and_replay_read_the_same_conversation_offline()
    {
        var show = await InvokeAsync("show", _seeded.Chat, "--at", "4");
        var events = await InvokeAsync("events", _seeded.Chat, "--json");
        var replay = await InvokeAsync("replay", _seeded.Chat);

        Assert.Equal(0, show.Exit);
        Assert.Contains("→ ok {\"content\":\"buy milk\"}", show.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("You wrote", show.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', show.Output);
        using var json = JsonDocument.Parse(events.Output);
        Assert.Equal(SessionSeed.ChatTypes, json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(6, replay.Lines.Count(l => l.StartsWith("step ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_of_a_long_session_pages_through_every_event_and_notes_progress()
    {
        var file = _state.Combine("long.jsonl");

        var run = await InvokeAsync("export", _seeded.Long!, "--format", "jsonl", "--output", file);

        Assert.Equal(0, run.Exit);
        Assert.Contains("exporting: 1000 events…", run.Error, StringComparison.Ordinal);
        Assert.Contains($"exported 2501 events to {file}.", run.Error, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(2501, lines.Length);
        var previous = 0L;
        foreach (var line in lines)
        {
            using var e = JsonDocument.Parse(line);
            var seq = e.RootElement.GetProperty("seq").GetInt64();
            Assert.True(seq > previous, $"seq {seq} after {previous}");
            previous = seq;
        }

        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("message 2499", last.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Unknown_session_offline_is_one_line_and_exit_1()
    {
        var run = await InvokeAsync("events", "agent:default:webchat:web:nosuchsess");

        Assert.Equal(1, run.Exit);
        Assert.Equal("error: session agent:default:webchat:web:nosuchsess does not exist (`openclaw sessions list` shows the sessions there are).", run.Error.ReplaceLineEndings("\n").Split('\n')[1]);
    }

    [Fact]
    public async Task Fork_and_end_offline_write_through_the_store()
    {
        var fork = await InvokeAsync("fork", _seeded.Chat, "--at", "5");
        var end = await InvokeAsync("end", _seeded.Chat, "--reason", "offline");

        Assert.Equal(0, fork.Exit);
        Assert.Contains("writing to the event store", fork.Error, StringComparison.Ordinal);
        var forked = fork.Output.Trim();
        Assert.Equal(0, end.Exit);
        var ended = await InvokeAsync("list", "--state", "ended", "--json");
        using var json = JsonDocument.Parse(ended.Output);
        Assert.Contains(json.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionKey").GetString() == _seeded.Chat);
        var show = await InvokeAsync("show", forked);
        Assert.Contains("You wrote: buy milk", show.Output, StringComparison.Ordinal); // the agent's answer (seq 5) came along
        Assert.Contains("active", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_directory_without_a_store_is_exit_3_and_no_store_is_created()
    {
        using var empty = new TempDirectory();

        var run = await SessionSeed.InvokeAsync(
            ["sessions", "list", "--url", SessionSeed.DeadUrl, "--state-dir", empty.Path], _ => null);

        Assert.Equal(3, run.Exit);
        Assert.Contains("there is no event store at", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(new StatePaths(empty.Path).EventStoreFile));
    }

    [Fact]
    public async Task A_gateway_started_afterwards_sees_what_was_written_offline()
    {
        var end = await InvokeAsync("end", _seeded.Chat);
        Assert.Equal(0, end.Exit);

        // The store was closed cleanly (its lock released, nothing half-written): a gateway can own it again.
        using var cli = new TempDirectory();
        await using var gateway = await RpcTestGateway.StartAsync(prepare: paths =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths.EventStoreFile)!);
            File.Copy(new StatePaths(_state.Path).EventStoreFile, paths.EventStoreFile);
            return Task.CompletedTask;
        });
        var environment = new Dictionary<string, string> { ["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token, ["OPENCLAW_STATE_DIR"] = cli.Path };

        var run = await SessionSeed.InvokeAsync(["sessions", "list", "--state", "ended", "--json", "--url", gateway.Url], environment.GetValueOrDefault);

        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Error);
        Assert.Contains(_seeded.Chat, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_lists_sessions_as_json_from_a_stopped_gateways_state_directory()
    {
        var (exit, output, standardOutput) = await GatewayProcess.RunCapturingAsync(_state.Path, "sessions", "list", "--json", "--url", SessionSeed.DeadUrl);

        Assert.Equal(0, exit);
        Assert.Contains("reading the event store", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(standardOutput);
        Assert.Equal(
            new[] { _seeded.Long, _seeded.Ended, _seeded.Chat }.Order(StringComparer.Ordinal),
            json.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionKey").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_binary_refuses_a_malformed_key_with_exit_2_and_the_id_rules()
    {
        var (exit, output, standardOutput) = await GatewayProcess.RunCapturingAsync(_state.Path, "sessions", "show", "agent:default:webchat", "--url", SessionSeed.DeadUrl);

        Assert.Equal(2, exit);
        Assert.Equal("", standardOutput);
        Assert.Contains("error: session key must have 5 parts", output, StringComparison.Ordinal);
        Assert.Contains("A–Z a–z 0–9 . _ - @ +", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_exports_markdown_offline()
    {
        var (exit, _, standardOutput) = await GatewayProcess.RunCapturingAsync(_state.Path, "sessions", "export", _seeded.Chat, "--format", "md", "--url", SessionSeed.DeadUrl);

        Assert.Equal(0, exit);
        Assert.Contains("## User (Ada?]0;pwned?)", standardOutput, StringComparison.Ordinal);
        Assert.Contains("You wrote: buy milk", standardOutput, StringComparison.Ordinal);
    }

    private Task<SessionSeed.Run> InvokeAsync(params string[] args) =>
        SessionSeed.InvokeAsync(["sessions", .. args, "--url", SessionSeed.DeadUrl, "--state-dir", _state.Path], _ => null);
}
