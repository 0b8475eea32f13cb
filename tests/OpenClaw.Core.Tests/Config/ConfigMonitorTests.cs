using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Core.Config;
using OpenClaw.Core.Hosting;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigMonitorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StatePaths _paths;
    private readonly ConfigLoader _loader;
    private readonly RecordingLogger<ConfigMonitor> _log = new();

    public ConfigMonitorTests()
    {
        _paths = new StatePaths(_dir.Path);
        _loader = new ConfigLoader(_paths, _ => null);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_FileEditedInPlace_SubscriberSeesOldThenNew()
    {
        await using var monitor = await StartedMonitorAsync("{ agents: { default: { model: 'anthropic/old' } } }");
        var changed = NextChange(monitor);

        await File.WriteAllTextAsync(_paths.ConfigFile, "{ agents: { default: { model: 'anthropic/new' } } }", Ct);

        var change = await changed.WaitAsync(TestTimeouts.Default, Ct);
        Assert.Equal("anthropic/old", change.Previous.Agents["default"].Model);
        Assert.Equal("anthropic/new", change.Current.Agents["default"].Model);
        Assert.Equal(["agents.default.model"], change.ChangedKeys);
        Assert.Same(change.Current, monitor.Current);
    }

    [Fact]
    public async Task Start_FileReplacedByAtomicRename_NewConfigApplied()
    {
        await using var monitor = await StartedMonitorAsync("{ gateway: { limits: { maxBatch: 10 } } }");
        var changed = NextChange(monitor);

        var temp = _dir.Combine("openclaw.json.tmp-edit");
        await File.WriteAllTextAsync(temp, "{ gateway: { limits: { maxBatch: 20 } } }", Ct);
        File.Move(temp, _paths.ConfigFile, overwrite: true);

        var change = await changed.WaitAsync(TestTimeouts.Default, Ct);
        Assert.Equal(20, change.Current.Gateway.Limits.MaxBatch);
        Assert.Equal(20, monitor.Current.Gateway.Limits.MaxBatch);
    }

    [Fact]
    public async Task ReloadAsync_AfterConfigEditorSet_AppliedAtOnceAndWatcherReloadIsNoOp()
    {
        var clock = new FakeTimeProvider();
        var monitor = await MonitorAsync("{ agents: { default: { maxTurns: 5 } } }", clock);
        var changes = 0;
        using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref changes));

        await new ConfigEditor(_loader).SetAsync("agents.default.maxTurns", "7", Ct);
        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Applied, result.Status);
        Assert.Equal(["agents.default.maxTurns"], result.ChangedKeys);
        Assert.Equal(7, monitor.Current.Agents["default"].MaxTurns);

        // The watcher sees the same write and reloads after the quiet period: the same bytes change nothing.
        monitor.OnFileEvent();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await monitor.DisposeAsync(); // waits for the watcher's reload
        Assert.Equal(1, changes);
        Assert.Single(_log.Entries, e => e.Message.StartsWith("Config reloaded", StringComparison.Ordinal));
        Assert.Same(result.Config, monitor.Current);
    }

    [Fact]
    public async Task Start_FileCreatedAfterStart_Applied()
    {
        await using var monitor = await StartedMonitorAsync(text: null);
        Assert.Equal(18789, monitor.Current.Gateway.Port);
        var changed = NextChange(monitor);

        await File.WriteAllTextAsync(_paths.ConfigFile, "{ logging: { level: 'debug' } }", Ct);

        var change = await changed.WaitAsync(TestTimeouts.Default, Ct);
        Assert.Equal(LogLevel.Debug, change.Current.Logging.Level);
    }

    [Fact]
    public async Task Start_ConfigDirectoryMissing_ThrowsSayingWhichDirectory()
    {
        var missing = _dir.Combine("not-there");
        var loader = new ConfigLoader(new StatePaths(_dir.Path, Path.Combine(missing, "openclaw.json")), _ => null);
        await using var monitor = new ConfigMonitor(loader, await loader.LoadAsync(Ct), logger: _log);

        var ex = Assert.Throws<ConfigException>(monitor.Start);

        Assert.Contains(missing + " does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidEdit_LoggedWithErrorsAndLastGoodKept()
    {
        await using var monitor = await StartedMonitorAsync("{ agents: { default: { maxTokens: 100 } } }");
        var good = monitor.Current;
        var logged = _log.WaitForAsync(e => e.Level == LogLevel.Error);

        await File.WriteAllTextAsync(_paths.ConfigFile, "{ agents: { default: { maxTokens: 'many' } } }", Ct);

        var entry = await logged.WaitAsync(TestTimeouts.Default, Ct);
        Assert.Contains("agents.default.maxTokens", entry.Message, StringComparison.Ordinal);
        Assert.Contains("last good config stays in force", entry.Message, StringComparison.Ordinal);
        Assert.Same(good, monitor.Current);
    }

    [Fact]
    public async Task ReloadAsync_InvalidEdit_EveryErrorReportedAndLastGoodKept()
    {
        await using var monitor = await MonitorAsync("{ agents: { default: { maxTokens: 100 } } }");
        var good = monitor.Current;
        var calls = 0;
        using var subscription = monitor.OnChange(_ => calls++);
        await File.WriteAllTextAsync(_paths.ConfigFile,
            "{\n  agents: { default: { maxTokens: 'many' } },\n  logging: { level: 'loud' },\n}", Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Invalid, result.Status);
        Assert.Equal(["agents.default.maxTokens", "logging.level"], result.Errors.Select(e => e.Path));
        Assert.Same(good, result.Config);
        Assert.Same(good, monitor.Current);
        Assert.Equal(0, calls);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("agents.default.maxTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("logging.level", error.Message, StringComparison.Ordinal);

        // The same broken bytes again (a second watcher event) report the same errors without logging them twice.
        var again = await monitor.ReloadAsync(Ct);
        Assert.Equal(ConfigReloadStatus.Invalid, again.Status);
        Assert.Equal(2, again.Errors.Count);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task ReloadAsync_FileNotUtf8_InvalidWithProblemAndLastGoodKept()
    {
        await using var monitor = await MonitorAsync("{ gateway: { port: 1234 } }");
        await File.WriteAllBytesAsync(_paths.ConfigFile, [(byte)'{', 0xFF, (byte)'}'], Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Invalid, result.Status);
        Assert.Contains("not valid UTF-8", result.Problem, StringComparison.Ordinal);
        Assert.Equal(1234, monitor.Current.Gateway.Port);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("not valid UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReloadAsync_FileDeleted_LastGoodKeptNotDefaultsAndWarnedOnce()
    {
        await using var monitor = await MonitorAsync("{ agents: { default: { model: 'openai/gpt-x' } } }");
        File.Delete(_paths.ConfigFile);

        var result = await monitor.ReloadAsync(Ct);
        var again = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Missing, result.Status);
        Assert.Equal(ConfigReloadStatus.Missing, again.Status);
        Assert.Equal("openai/gpt-x", monitor.Current.Agents["default"].Model);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("was deleted", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_FileRecreatedAfterDelete_Applied()
    {
        await using var monitor = await MonitorAsync("{ gateway: { limits: { maxBatch: 3 } } }");
        File.Delete(_paths.ConfigFile);
        await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { limits: { maxBatch: 4 } } }", Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Applied, result.Status);
        Assert.Equal(4, monitor.Current.Gateway.Limits.MaxBatch);
    }

    [Fact]
    public async Task ReloadAsync_PortAndModelChanged_WarnsRestartForPortAndAppliesModel()
    {
        await using var monitor = await MonitorAsync("{ gateway: { port: 18789 }, agents: { default: { model: 'anthropic/a' } } }");
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { port: 19000 }, agents: { default: { model: 'anthropic/b' } } }", Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Applied, result.Status);
        Assert.Equal(["agents.default.model", "gateway.port"], result.ChangedKeys);
        Assert.Equal(["gateway.port"], result.RestartRequiredKeys);
        Assert.Equal("anthropic/b", monitor.Current.Agents["default"].Model);
        Assert.Equal(["gateway.port"], monitor.PendingRestartKeys);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.StartsWith("gateway.port changed; restart the gateway to apply it", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_PortChangedBack_NoRestartPending()
    {
        await using var monitor = await MonitorAsync("{ gateway: { port: 18789 } }");
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { port: 19000 } }", Ct);
        await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { port: 18789 } }", Ct);

        await monitor.ReloadAsync(Ct);

        Assert.Empty(monitor.PendingRestartKeys);
    }

    [Fact]
    public async Task ReloadAsync_CommentOnlyEdit_UnchangedAndNoSubscriberCall()
    {
        await using var monitor = await MonitorAsync("{ gateway: { port: 1234 } }");
        var calls = 0;
        using var subscription = monitor.OnChange(_ => calls++);
        var before = monitor.Current;
        await File.WriteAllTextAsync(_paths.ConfigFile, "// the port the family uses\n{ gateway: { port: 1234, } }", Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Unchanged, result.Status);
        Assert.Same(before, monitor.Current);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task OnFileEvent_RapidWrites_OneReloadWithFinalContentAfterQuietPeriod()
    {
        var clock = new FakeTimeProvider();
        await using var monitor = await MonitorAsync("{ agents: { default: { maxTurns: 1 } } }", clock, TimeSpan.FromMilliseconds(250));
        var changes = new List<ConfigChange>();
        var applied = new TaskCompletionSource<ConfigChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }

            applied.TrySetResult(c);
        });

        foreach (var turns in new[] { 2, 3, 4 })
        {
            await File.WriteAllTextAsync(_paths.ConfigFile, $"{{ agents: {{ default: {{ maxTurns: {turns} }} }} }}", Ct);
            monitor.OnFileEvent();
            clock.Advance(TimeSpan.FromMilliseconds(200)); // each write lands inside the previous one's quiet period
        }

        lock (changes)
        {
            Assert.Empty(changes);
        }

        clock.Advance(TimeSpan.FromMilliseconds(50));
        var change = await applied.Task.WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(1, change.Previous.Agents["default"].MaxTurns);
        Assert.Equal(4, change.Current.Agents["default"].MaxTurns);
        await monitor.DisposeAsync(); // waits for the watcher's reload, so the count below is final
        lock (changes)
        {
            Assert.Single(changes);
        }
    }

    [Fact]
    public async Task ReloadAsync_LiteralApiKeyEdited_NoSecretInLogsOrResults()
    {
        const string OldKey = "sk-live-OLDSECRET1234567890";
        const string NewKey = "sk-live-NEWSECRET0987654321";
        const string BrokenKey = "sk-live-BROKENSECRET555555";
        await using var monitor = await MonitorAsync($"{{ providers: {{ openai: {{ apiKey: '{OldKey}' }} }} }}");

        await File.WriteAllTextAsync(_paths.ConfigFile, $"{{ providers: {{ openai: {{ apiKey: '{NewKey}' }} }} }}", Ct);
        var applied = await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, $"{{ providers: {{ openai: {{ apiKey: {BrokenKey} }} }} }}", Ct); // unquoted: a syntax error
        var syntax = await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ providers: { openai: { apiKey: 98765432109876 } } }", Ct); // not a string
        var type = await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ providers: { openai: { apikey: 'sk-live-MISSPELTSECRET' } } }", Ct); // unknown key
        var misspelt = await monitor.ReloadAsync(Ct);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ providers: { openai: { apiKey: 'sk-live-TEMPLATESECRET${' } } }", Ct); // a broken ${
        var template = await monitor.ReloadAsync(Ct);

        Assert.Equal(["providers.openai.apiKey"], applied.ChangedKeys);
        Assert.Equal(ConfigReloadStatus.Invalid, syntax.Status);
        Assert.Equal(ConfigReloadStatus.Invalid, type.Status);
        Assert.Equal(ConfigReloadStatus.Invalid, misspelt.Status);
        Assert.Equal(ConfigReloadStatus.Invalid, template.Status);
        Assert.Equal(4, _log.Entries.Count(e => e.Level == LogLevel.Error));
        var everything = string.Join("\n", _log.Entries.Select(e => e.FullText))
            + string.Join("\n", syntax.Errors.Concat(type.Errors).Concat(misspelt.Errors).Concat(template.Errors)) + string.Join("\n", applied.ChangedKeys);
        Assert.Contains("providers.openai.apiKey", everything, StringComparison.Ordinal);
        foreach (var secret in new[] { OldKey, NewKey, BrokenKey, "OLDSECRET", "NEWSECRET", "BROKENSECRET", "98765432109876", "MISSPELTSECRET", "TEMPLATESECRET" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OnChange_ListenerThrows_OthersStillCalledAndChangeKept()
    {
        await using var monitor = await MonitorAsync("{ gateway: { limits: { maxBatch: 1 } } }");
        using var failing = monitor.OnChange(_ => throw new InvalidOperationException("listener bug"));
        var seen = 0;
        using var working = monitor.OnChange(c => seen = c.Current.Gateway.Limits.MaxBatch);
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { limits: { maxBatch: 2 } } }", Ct);

        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(ConfigReloadStatus.Applied, result.Status);
        Assert.Equal(2, seen);
        Assert.Equal(2, monitor.Current.Gateway.Limits.MaxBatch);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task OnChange_SubscriptionDisposed_NoLongerCalled()
    {
        await using var monitor = await MonitorAsync("{ gateway: { limits: { maxBatch: 1 } } }");
        var calls = 0;
        var subscription = monitor.OnChange(_ => calls++);
        subscription.Dispose();
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { limits: { maxBatch: 2 } } }", Ct);

        await monitor.ReloadAsync(Ct);

        Assert.Equal(0, calls);
        Assert.Equal(2, monitor.Current.Gateway.Limits.MaxBatch);
    }

    [Fact]
    public async Task AddConfigReload_Resolved_StartsFromRegisteredConfigAndReloadsItsFile()
    {
        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { limits: { maxBatch: 5 } } }", Ct);
        var initial = await _loader.LoadAsync(Ct);
        var services = new ServiceCollection()
            .AddOpenClawCore(_paths, initial, _ => null)
            .AddConfigReload(o => o.Debounce = TimeSpan.FromMilliseconds(50), _ => null);
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<ConfigMonitor>();
        Assert.Same(initial, monitor.Current);

        await File.WriteAllTextAsync(_paths.ConfigFile, "{ gateway: { limits: { maxBatch: 6 } } }", Ct);
        var result = await monitor.ReloadAsync(Ct);

        Assert.Equal(6, result.Config.Gateway.Limits.MaxBatch);
    }

    private async Task<ConfigMonitor> MonitorAsync(string? text, TimeProvider? clock = null, TimeSpan? debounce = null)
    {
        if (text is not null)
        {
            await File.WriteAllTextAsync(_paths.ConfigFile, text, Ct);
        }

        var initial = await _loader.LoadAsync(Ct);
        return new ConfigMonitor(_loader, initial, clock, _log, new ConfigMonitorOptions { Debounce = debounce ?? TimeSpan.FromMilliseconds(100) });
    }

    private async Task<ConfigMonitor> StartedMonitorAsync(string? text)
    {
        var monitor = await MonitorAsync(text);
        monitor.Start();
        return monitor;
    }

    private static Task<ConfigChange> NextChange(ConfigMonitor monitor)
    {
        var seen = new TaskCompletionSource<ConfigChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = monitor.OnChange(c => seen.TrySetResult(c));
        return seen.Task.ContinueWith(t => { subscription.Dispose(); return t.Result; }, TaskScheduler.Default);
    }
}
