using System.Collections.Concurrent;
using System.Text.Json;
using OpenClaw.Agents.Tools;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class StateToolsTests
{
    [Fact]
    public async Task StateSet_ThenGet_RoundTripsAnyJson()
    {
        using var h = new ToolHarness { State = new FakeSessionState() };

        var set = (await h.RunAsync("state_set", """{"key":"todo","value":{"items":["a","b"],"n":2}}""")).AssertOk();
        var got = (await h.RunAsync("state_get", """{"key":"todo"}""")).AssertOk();

        Assert.False(set.Bool("cleared"));
        Assert.Equal("""{"items":["a","b"],"n":2}""", got.GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task StateSet_Null_ClearsTheKey()
    {
        var state = new FakeSessionState();
        using var h = new ToolHarness { State = state };
        (await h.RunAsync("state_set", """{"key":"k","value":1}""")).AssertOk();

        var cleared = (await h.RunAsync("state_set", """{"key":"k","value":null}""")).AssertOk();
        var got = (await h.RunAsync("state_get", """{"key":"k"}""")).AssertOk();

        Assert.True(cleared.Bool("cleared"));
        Assert.Equal(JsonValueKind.Null, got.GetProperty("value").ValueKind);
        Assert.False(state.Values.ContainsKey("k"));
    }

    [Theory]
    [InlineData("run.status")]
    [InlineData("approval.x")]
    [InlineData("context.summary")]
    [InlineData("channel.telegram")]
    public async Task StateSet_ReservedPrefix_IsRefused(string key)
    {
        var state = new FakeSessionState();
        using var h = new ToolHarness { State = state };

        (await h.RunAsync("state_set", $$"""{"key":{{ToolHarness.Q(key)}},"value":1}""")).AssertFailed("reserved prefix");

        Assert.Empty(state.Values);
    }

    [Fact]
    public async Task StateTools_WithoutASession_Fail()
    {
        using var h = new ToolHarness();

        (await h.RunAsync("state_get", """{"key":"k"}""")).AssertFailed("no session");
        (await h.RunAsync("state_set", """{"key":"k","value":1}""")).AssertFailed("no session");
    }

    [Fact]
    public async Task StateSet_ControlCharacterKey_IsRefused()
    {
        var state = new FakeSessionState();
        using var h = new ToolHarness { State = state };

        (await h.RunAsync("state_set", """{"key":"a\u0001b","value":1}""")).AssertFailed("control characters");

        Assert.Empty(state.Values);
    }

    [Fact]
    public void StateKey_OverTheLimit_IsRejectedByTheSchema()
    {
        using var document = JsonDocument.Parse($$"""{"key":"{{new string('k', 201)}}","value":1}""");

        Assert.False(ToolHarness.Tool("state_set").Schema.Validate(document.RootElement).IsValid);
    }

    private sealed class FakeSessionState : IToolSessionState
    {
        public ConcurrentDictionary<string, JsonElement> Values { get; } = new(StringComparer.Ordinal);

        public ValueTask<JsonElement?> GetAsync(string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Values.TryGetValue(key, out var value) ? value : (JsonElement?)null);

        public ValueTask SetAsync(string key, JsonElement? value, CancellationToken cancellationToken)
        {
            if (value is { } element)
            {
                Values[key] = element.Clone();
            }
            else
            {
                Values.TryRemove(key, out _);
            }

            return ValueTask.CompletedTask;
        }
    }
}
