using System.Text.Json;
using OpenClaw.Agents.Approvals;
using OpenClaw.Agents.Runtime;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;
using OpenClaw.Core.Events;
using OpenClaw.Core.Events.Sqlite;
using OpenClaw.Core.Identifiers;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Runtime;

/// <summary>A real SQLite store in a temp directory, an agent, a scripted model and the runtime over them.</summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private AgentRuntime? _runtime;

    private RuntimeHarness(TempDirectory dir, SqliteEventStore store, AgentOptions agent)
    {
        _dir = dir;
        Store = store;
        Agent = agent;
    }

    public SqliteEventStore Store { get; private set; }

    public AgentOptions Agent { get; set; }

    public ScriptedChatClient Model { get; } = new();

    public List<ChatRunEvent> Events { get; } = [];

    public AgentRuntime Runtime => _runtime ??= new AgentRuntime(
        Store,
        () => new OpenClawConfig { Agents = new Dictionary<string, AgentOptions> { [Agent.Id] = Agent } },
        _ => Model,
        new ToolRegistry([]),
        new ApprovalBroker(TimeProvider.System),
        new UnusedSandboxes(),
        maxConcurrentRuns: 2,
        broadcast: new Sink(Events));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<RuntimeHarness> StartAsync(TempDirectory? dir = null)
    {
        dir ??= new TempDirectory();
        var paths = new StatePaths(dir.Path);
        var store = await SqliteEventStore.OpenAsync(EventStoreOptions.For(paths), TimeProvider.System, null, Ct);
        return new RuntimeHarness(dir, store, AgentOptions.CreateDefault(AgentOptions.DefaultId, paths));
    }

    /// <summary>Closes the store as a crash would leave it (no runtime shutdown) and opens it again.</summary>
    public async Task ReopenAsync()
    {
        _runtime = null;
        await Store.DisposeAsync();
        Store = await SqliteEventStore.OpenAsync(EventStoreOptions.For(new StatePaths(_dir.Path)), TimeProvider.System, null, Ct);
    }

    public async Task<SessionKey> NewSessionAsync()
    {
        var started = await Store.AppendAsync(new SessionStarted { SessionKey = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("me")) }, Ct);
        return started.SessionKey;
    }

    public async Task<RunResult> ChatAsync(SessionKey key, string message)
    {
        var run = await Runtime.SendAsync(key, message, null, null, null, Ct);
        return await run.Completion.WaitAsync(TestTimeouts.Default, Ct);
    }

    public Task<IReadOnlyList<SessionEvent>> EventsAsync(SessionKey key) => Store.ReadAllEventsAsync(key, null, Ct);

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await Store.DisposeAsync();
        _dir.Dispose();
    }

    private sealed class Sink(List<ChatRunEvent> events) : IChatEventSink
    {
        public void OnEvent(ChatRunEvent chatEvent)
        {
            lock (events)
            {
                events.Add(chatEvent);
            }
        }
    }

    private sealed class UnusedSandboxes : ISandboxProvider
    {
        public ISandbox ForLevel(SandboxLevel level) => throw new SandboxUnavailableException("not in these tests");
    }
}
