using System.Text.Json;
using OpenClaw.Core.Events;
using OpenClaw.Core.Identifiers;
using OpenClaw.Gateway.Tests.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Tests.Methods;

public sealed class SessionsMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_NoParams_StartsADefaultAgentWebChatSessionThatIsStoredBeforeTheAnswer()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var key = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;

        Assert.StartsWith("agent:default:webchat:gateway-token:", key, StringComparison.Ordinal);
        var summary = await gateway.Service<IEventStore>().GetSessionAsync(SessionKey.Parse(key), Ct);
        Assert.NotNull(summary);
        Assert.Equal(SessionState.Active, summary.State);
    }

    [Fact]
    public async Task Create_GivenIds_UsesThem()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var key = (await rpc.ResultAsync("sessions.create", """{"agentId":"default","channel":"telegram","peerId":"alice"}""", Ct))
            .GetProperty("sessionKey").GetString()!;

        Assert.StartsWith("agent:default:telegram:alice:", key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"agentId":"nobody"}""", "agentId")]
    [InlineData("""{"agentId":"bad agent"}""", "agentId")]
    [InlineData("""{"channel":"tele:gram"}""", "channel")]
    [InlineData("""{"peerId":""}""", "peerId")]
    [InlineData("""{"peerId":7}""", "peerId")]
    [InlineData("""{"agent":"default"}""", "agent")]
    public async Task Create_BadParams_InvalidParamsNamingTheField(string paramsJson, string field)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("sessions.create", paramsJson, Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesWithCursorAndFiltersByState()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add((await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!);
        }

        await rpc.ResultAsync("sessions.end", $$"""{"sessionKey":"{{keys[0]}}"}""", Ct);

        var first = await rpc.ResultAsync("sessions.list", """{"limit":2}""", Ct);
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await rpc.ResultAsync("sessions.list", $$"""{"limit":2,"cursor":"{{cursor}}"}""", Ct);
        var listed = Keys(first).Concat(Keys(second)).ToList();
        Assert.Equal(2, Keys(first).Count);
        Assert.False(second.TryGetProperty("nextCursor", out _));
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var ended = await rpc.ResultAsync("sessions.list", """{"state":"ended"}""", Ct);
        Assert.Equal([keys[0]], Keys(ended));
        Assert.Equal("ended", ended.GetProperty("sessions")[0].GetProperty("state").GetString());
        var active = await rpc.ResultAsync("sessions.list", """{"state":"active","agentId":"default","channel":"webchat"}""", Ct);
        Assert.Equal(keys.Skip(1).Order(StringComparer.Ordinal), Keys(active).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"limit":0}""", "limit")]
    [InlineData("""{"limit":501}""", "limit")]
    [InlineData("""{"state":"paused"}""", "state")]
    [InlineData("""{"cursor":"not-a-cursor"}""", "cursor")]
    [InlineData("""{"agentId":"a/b"}""", "agentId")]
    public async Task List_BadParams_InvalidParamsNamingTheField(string paramsJson, string field)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("sessions.list", paramsJson, Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Get_AtSeq_ShowsTheSessionAsItWasThen()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = await CreateWithMessagesAsync(gateway, rpc, "first question", "second question");
        var events = (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{key}}"}""", Ct)).GetProperty("events");
        var firstMessageSeq = events[1].GetProperty("seq").GetInt64();

        var now = await rpc.ResultAsync("sessions.get", $$"""{"sessionKey":"{{key}}"}""", Ct);
        var then = await rpc.ResultAsync("sessions.get", $$"""{"sessionKey":"{{key}}","atSeq":{{firstMessageSeq}}}""", Ct);

        Assert.Equal(["first question", "second question"], Texts(now));
        Assert.Equal(["first question"], Texts(then));
        Assert.Equal(firstMessageSeq, then.GetProperty("lastSeq").GetInt64());
        Assert.Equal(key, now.GetProperty("sessionKey").GetString());
        Assert.Equal("active", now.GetProperty("state").GetString());
        Assert.Equal("user", now.GetProperty("messages")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Get_UnknownOrMalformedKey_NotFoundOrInvalidParams()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var missing = await rpc.ErrorAsync("sessions.get", """{"sessionKey":"agent:default:web:alice:nope"}""", Ct);
        var malformed = await rpc.ErrorAsync("sessions.get", """{"sessionKey":"not a key"}""", Ct);
        var absent = await rpc.ErrorAsync("sessions.get", "{}", Ct);

        Assert.Equal(RpcErrorCodes.NotFound, missing.Code);
        Assert.Equal(RpcErrorCodes.InvalidParams, malformed.Code);
        Assert.Equal("sessionKey", malformed.Field);
        Assert.Equal("sessionKey", absent.Field);
    }

    [Fact]
    public async Task Get_AtSeqBeforeTheSessionStarted_InvalidParamsNamingAtSeq()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        await rpc.ResultAsync("sessions.create", "{}", Ct);
        var later = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString();

        var error = await rpc.ErrorAsync("sessions.get", $$"""{"sessionKey":"{{later}}","atSeq":1}""", Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal("atSeq", error.Field);
    }

    [Fact]
    public async Task Events_AfterSeqAndLimit_ReturnsThatSliceInOrder()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = await CreateWithMessagesAsync(gateway, rpc, "a", "b", "c");
        var all = (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{key}}"}""", Ct)).GetProperty("events");
        var seqs = all.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();

        var slice = (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{key}}","afterSeq":{{seqs[1]}},"limit":1}""", Ct)).GetProperty("events");

        Assert.Equal(4, seqs.Count);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal("session_started", all[0].GetProperty("type").GetString());
        var only = Assert.Single(slice.EnumerateArray());
        Assert.Equal(seqs[2], only.GetProperty("seq").GetInt64());
        Assert.Equal("message_received", only.GetProperty("type").GetString());
        Assert.Equal("b", only.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"limit":1001}""", "limit")]
    [InlineData("""{"limit":0}""", "limit")]
    [InlineData("""{"afterSeq":-1}""", "afterSeq")]
    public async Task Events_BadParams_InvalidParamsNamingTheField(string extra, string field)
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString();

        var error = await rpc.ErrorAsync("sessions.events", $$"""{"sessionKey":"{{key}}",{{extra[1..]}}""", Ct);

        Assert.Equal(RpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Events_UnknownSession_NotFound()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("sessions.events", """{"sessionKey":"agent:default:web:alice:nope"}""", Ct);

        Assert.Equal(RpcErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public async Task Search_FindsTheSessionWithTheWordAndRefusesAnEmptyQuery()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var banana = await CreateWithMessagesAsync(gateway, rpc, "I like banana bread");
        await CreateWithMessagesAsync(gateway, rpc, "something else entirely");

        var hits = (await rpc.ResultAsync("sessions.search", """{"query":"banana","limit":5}""", Ct)).GetProperty("hits");
        var empty = await rpc.ErrorAsync("sessions.search", """{"query":"  "}""", Ct);
        var badLimit = await rpc.ErrorAsync("sessions.search", """{"query":"banana","limit":0}""", Ct);

        var hit = Assert.Single(hits.EnumerateArray());
        Assert.Equal(banana, hit.GetProperty("session").GetProperty("sessionKey").GetString());
        Assert.Contains("banana", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal("query", empty.Field);
        Assert.Equal("limit", badLimit.Field);
    }

    [Fact]
    public async Task Stats_CountsSessionsByStateAndMessages()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = await CreateWithMessagesAsync(gateway, rpc, "one", "two");
        await rpc.ResultAsync("sessions.create", "{}", Ct);
        await rpc.ResultAsync("sessions.end", $$"""{"sessionKey":"{{key}}","reason":"done"}""", Ct);

        var stats = await rpc.ResultAsync("sessions.stats", null, Ct);

        Assert.Equal(2, stats.GetProperty("total").GetInt64());
        Assert.Equal(1, stats.GetProperty("active").GetInt64());
        Assert.Equal(1, stats.GetProperty("ended").GetInt64());
        Assert.Equal(2, stats.GetProperty("messageCount").GetInt64());
    }

    [Fact]
    public async Task Fork_AtSeq_NewActiveSessionHoldingThatPrefix()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = await CreateWithMessagesAsync(gateway, rpc, "keep me", "drop me");
        var events = (await rpc.ResultAsync("sessions.events", $$"""{"sessionKey":"{{key}}"}""", Ct)).GetProperty("events");
        var atSeq = events[1].GetProperty("seq").GetInt64();
        await rpc.ResultAsync("sessions.end", $$"""{"sessionKey":"{{key}}"}""", Ct);

        var fork = (await rpc.ResultAsync("sessions.fork", $$"""{"sessionKey":"{{key}}","atSeq":{{atSeq}}}""", Ct)).GetProperty("sessionKey").GetString();
        var projection = await rpc.ResultAsync("sessions.get", $$"""{"sessionKey":"{{fork}}"}""", Ct);

        Assert.NotEqual(key, fork);
        Assert.Equal(["keep me"], Texts(projection));
        Assert.Equal(key, projection.GetProperty("forkedFrom").GetProperty("sessionKey").GetString());
        Assert.Equal(atSeq, projection.GetProperty("forkedFrom").GetProperty("atSeq").GetInt64());
        await rpc.ResultAsync("sessions.end", $$"""{"sessionKey":"{{fork}}"}""", Ct); // active: it can be ended
    }

    [Fact]
    public async Task Fork_UnknownSessionOrBadSeq_NotFoundOrInvalidParams()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        await rpc.ResultAsync("sessions.create", "{}", Ct);
        var later = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString();

        var missing = await rpc.ErrorAsync("sessions.fork", """{"sessionKey":"agent:default:web:alice:nope","atSeq":1}""", Ct);
        var zero = await rpc.ErrorAsync("sessions.fork", $$"""{"sessionKey":"{{later}}","atSeq":0}""", Ct);
        var before = await rpc.ErrorAsync("sessions.fork", $$"""{"sessionKey":"{{later}}","atSeq":1}""", Ct);
        var absent = await rpc.ErrorAsync("sessions.fork", $$"""{"sessionKey":"{{later}}"}""", Ct);

        Assert.Equal(RpcErrorCodes.NotFound, missing.Code);
        Assert.Equal("atSeq", zero.Field);
        Assert.Equal("atSeq", before.Field);
        Assert.Equal("atSeq", absent.Field);
    }

    [Fact]
    public async Task End_Twice_SecondIsAConflict()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();
        var key = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString();

        var ended = await rpc.ResultAsync("sessions.end", $$"""{"sessionKey":"{{key}}","reason":"user left"}""", Ct);
        var again = await rpc.ErrorAsync("sessions.end", $$"""{"sessionKey":"{{key}}"}""", Ct);
        var projection = await rpc.ResultAsync("sessions.get", $$"""{"sessionKey":"{{key}}"}""", Ct);

        Assert.Equal(key, ended.GetProperty("sessionKey").GetString());
        Assert.True(ended.GetProperty("seq").GetInt64() > 0);
        Assert.Equal(RpcErrorCodes.Conflict, again.Code);
        Assert.Equal("user left", projection.GetProperty("endedReason").GetString());
        Assert.Equal("ended", projection.GetProperty("state").GetString());
    }

    [Fact]
    public async Task End_UnknownSession_NotFound()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc();

        var error = await rpc.ErrorAsync("sessions.end", """{"sessionKey":"agent:default:web:alice:nope"}""", Ct);

        Assert.Equal(RpcErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public async Task Create_WithoutCredential_Unauthenticated()
    {
        await using var gateway = await TestGateway.StartAsync();
        using var rpc = gateway.Rpc(token: null);

        var error = await rpc.ErrorAsync("sessions.create", "{}", Ct);

        Assert.Equal(RpcErrorCodes.Unauthenticated, error.Code);
        Assert.Equal(401, rpc.LastStatus);
    }

    // A session created over RPC, then messages appended as a channel would (straight to the store).
    private static async Task<string> CreateWithMessagesAsync(TestGateway gateway, RpcTestClient rpc, params string[] texts)
    {
        var key = (await rpc.ResultAsync("sessions.create", "{}", Ct)).GetProperty("sessionKey").GetString()!;
        var store = gateway.Service<IEventStore>();
        foreach (var text in texts)
        {
            await store.AppendAsync(new MessageReceived { SessionKey = SessionKey.Parse(key), Text = text }, Ct);
        }

        return key;
    }

    private static List<string> Keys(JsonElement page) =>
        [.. page.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionKey").GetString()!)];

    private static List<string> Texts(JsonElement projection) =>
        [.. projection.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];
}
