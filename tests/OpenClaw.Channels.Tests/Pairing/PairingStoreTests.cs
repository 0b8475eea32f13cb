using Microsoft.Extensions.Time.Testing;
using OpenClaw.Channels.Pairing;
using OpenClaw.Core;
using OpenClaw.Testing;

namespace OpenClaw.Channels.Tests.Pairing;

public sealed class PairingStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private string FilePath => _dir.Combine("channels", "pairing.json");

    public void Dispose() => _dir.Dispose();

    private async Task<PairingStore> OpenAsync()
    {
        var store = new PairingStore(FilePath, _time);
        await store.LoadAsync(TestContext.Current.CancellationToken);
        return store;
    }

    private static Task<PairingRequestResult> RequestAsync(PairingStore store, string senderId, string channel = "telegram") =>
        store.RequestAsync(channel, senderId, chatId: senderId, senderName: "User " + senderId, TestContext.Current.CancellationToken);

    [Fact]
    public async Task LoadAsync_MissingFile_IsAnEmptyStoreAndCreatesNothing()
    {
        var store = await OpenAsync();

        Assert.Empty(store.ListPending());
        Assert.Empty(store.ListApproved());
        Assert.False(store.IsApproved("telegram", "12345"));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public async Task RequestAsync_UnknownSender_IssuesAnUnambiguousCodeValidForAnHour()
    {
        var store = await OpenAsync();

        var result = await RequestAsync(store, "12345");

        Assert.Equal(PairingRequestKind.Issued, result.Kind);
        var pending = Assert.IsType<PendingPairing>(result.Pending);
        Assert.Equal(8, pending.Code.Length);
        Assert.All(pending.Code, c => Assert.Contains(c, PairingCode.Alphabet));
        Assert.Equal(("telegram", "12345", "12345", "User 12345"), (pending.Channel, pending.SenderId, pending.ChatId, pending.SenderName));
        Assert.Equal(_time.GetUtcNow(), pending.CreatedAt);
        Assert.Equal(_time.GetUtcNow().AddHours(1), pending.ExpiresAt);
        Assert.Equal([pending], store.ListPending("telegram"));
        Assert.False(store.IsApproved("telegram", "12345"));
    }

    [Fact]
    public void PairingCode_New_NeverUsesLookAlikeCharacters()
    {
        for (var i = 0; i < 2000; i++)
        {
            var code = PairingCode.New();
            Assert.Equal(8, code.Length);
            Assert.DoesNotContain(code, c => c is '0' or 'O' or '1' or 'I' or 'L' or 'o' or 'i' or 'l');
            Assert.True(PairingCode.IsCanonical(code));
        }
    }

    [Fact]
    public async Task RequestAsync_SenderWithAValidCode_GetsTheSameCodeAgain()
    {
        var store = await OpenAsync();
        var first = await RequestAsync(store, "12345");
        _time.Advance(TimeSpan.FromMinutes(59));

        var again = await RequestAsync(store, "12345");

        Assert.Equal(PairingRequestKind.Existing, again.Kind);
        Assert.Equal(first.Pending, again.Pending);
        Assert.Single(store.ListPending());
    }

    [Fact]
    public async Task RequestAsync_FourthSender_IsRefusedWhileThreePend_AndServedOnceOneExpires()
    {
        var store = await OpenAsync();
        await RequestAsync(store, "1");
        _time.Advance(TimeSpan.FromMinutes(10));
        await RequestAsync(store, "2");
        await RequestAsync(store, "3");

        var refused = await RequestAsync(store, "4");
        var otherChannel = await RequestAsync(store, "4", channel: "webchat");

        Assert.Equal(PairingRequestKind.Full, refused.Kind);
        Assert.Null(refused.Pending);
        Assert.Equal(PairingRequestKind.Issued, otherChannel.Kind);

        _time.Advance(TimeSpan.FromMinutes(50)); // sender 1's code (issued 60 minutes ago) has expired
        var served = await RequestAsync(store, "4");

        Assert.Equal(PairingRequestKind.Issued, served.Kind);
        Assert.Equal(["2", "3", "4"], store.ListPending("telegram").Select(p => p.SenderId));
    }

    [Fact]
    public async Task RequestAsync_ManySendersAtOnce_NeverMoreThanThreePending()
    {
        var store = await OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() => RequestAsync(store, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));

        Assert.Equal(PairingStore.MaxPendingPerChannel, results.Count(r => r.Kind == PairingRequestKind.Issued));
        Assert.Equal(40 - PairingStore.MaxPendingPerChannel, results.Count(r => r.Kind == PairingRequestKind.Full));
        Assert.Equal(PairingStore.MaxPendingPerChannel, store.ListPending().Count);
        Assert.Equal(PairingStore.MaxPendingPerChannel, (await OpenAsync()).ListPending().Count);
    }

    [Fact]
    public async Task ApproveAsync_ValidCode_PairsTheSender_AndSurvivesAReload()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;
        _time.Advance(TimeSpan.FromMinutes(5));

        var approved = await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken);

        Assert.Equal("12345", approved?.SenderId);
        Assert.True(store.IsApproved("telegram", "12345"));
        Assert.False(store.IsApproved("webchat", "12345"));
        Assert.Empty(store.ListPending());
        var reloaded = await OpenAsync();
        Assert.True(reloaded.IsApproved("telegram", "12345"));
        var paired = Assert.Single(reloaded.ListApproved("telegram"));
        Assert.Equal(new PairedSender("telegram", "12345", "User 12345", _time.GetUtcNow()), paired);
        Assert.Empty(reloaded.ListPending());
    }

    [Fact]
    public async Task ApproveAsync_TheSameCodeTwice_PairsOnceAndThenFindsNothing()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;

        Assert.NotNull(await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken));
        Assert.Null(await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken));
        Assert.Single(store.ListApproved());
        Assert.Equal(PairingRequestKind.AlreadyApproved, (await RequestAsync(store, "12345")).Kind);
        Assert.Empty(store.ListPending());
    }

    [Fact]
    public async Task ApproveAsync_CodeTypedCarelessly_StillMatches()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;
        var typed = "  " + code[..4].ToLowerInvariant() + "-" + code[4..] + " \n";

        Assert.NotNull(await store.ApproveAsync("telegram", typed, TestContext.Current.CancellationToken));
        Assert.True(store.IsApproved("telegram", "12345"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABC")]
    [InlineData("ABCDEFGHJ")]
    public async Task ApproveAsync_NotACode_FindsNothing(string code)
    {
        var store = await OpenAsync();
        await RequestAsync(store, "12345");

        Assert.Null(await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken));
        Assert.Single(store.ListPending());
    }

    [Fact]
    public async Task ApproveAsync_CodeOfAnotherChannel_FindsNothing()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;

        Assert.Null(await store.ApproveAsync("webchat", code, TestContext.Current.CancellationToken));
        Assert.False(store.IsApproved("webchat", "12345"));
        Assert.False(store.IsApproved("telegram", "12345"));
        Assert.Single(store.ListPending("telegram"));
    }

    [Fact]
    public async Task ApproveAsync_ExpiredCode_IsRefused()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;
        _time.Advance(PairingStore.CodeLifetime);

        Assert.Null(await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken));
        Assert.False(store.IsApproved("telegram", "12345"));
        Assert.Empty(store.ListPending());
    }

    [Fact]
    public async Task RejectAsync_RemovesTheCode_AndTheSenderMayAskAgain()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;

        var rejected = await store.RejectAsync("telegram", code.ToLowerInvariant(), TestContext.Current.CancellationToken);

        Assert.Equal("12345", rejected?.SenderId);
        Assert.False(store.IsApproved("telegram", "12345"));
        Assert.Empty((await OpenAsync()).ListPending());
        Assert.Null(await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken));
        var again = await RequestAsync(store, "12345");
        Assert.Equal(PairingRequestKind.Issued, again.Kind);
        Assert.NotEqual(code, again.Pending!.Code);
    }

    [Fact]
    public async Task RejectAsync_WrongChannelOrUnknownCode_FindsNothing()
    {
        var store = await OpenAsync();
        var code = (await RequestAsync(store, "12345")).Pending!.Code;

        Assert.Null(await store.RejectAsync("webchat", code, TestContext.Current.CancellationToken));
        Assert.Null(await store.RejectAsync("telegram", "AAAAAAAA", TestContext.Current.CancellationToken));
        Assert.Single(store.ListPending());
    }

    [Fact]
    public async Task RevokeAsync_UnpairsTheSender_OnThatChannelOnly()
    {
        var store = await OpenAsync();
        await store.ApproveAsync("telegram", (await RequestAsync(store, "12345")).Pending!.Code, TestContext.Current.CancellationToken);
        await store.ApproveAsync("webchat", (await RequestAsync(store, "12345", "webchat")).Pending!.Code, TestContext.Current.CancellationToken);

        Assert.True(await store.RevokeAsync("telegram", "12345", TestContext.Current.CancellationToken));
        Assert.False(await store.RevokeAsync("telegram", "12345", TestContext.Current.CancellationToken));

        Assert.False(store.IsApproved("telegram", "12345"));
        Assert.True(store.IsApproved("webchat", "12345"));
        var reloaded = await OpenAsync();
        Assert.False(reloaded.IsApproved("telegram", "12345"));
        Assert.True(reloaded.IsApproved("webchat", "12345"));
    }

    [Fact]
    public async Task Changed_IsRaisedAfterEachChange_AndWhenACodeExpires()
    {
        var store = await OpenAsync();
        var changes = 0;
        store.Changed += () => Interlocked.Increment(ref changes);

        var code = (await RequestAsync(store, "1")).Pending!.Code;
        Assert.Equal(1, changes);
        await RequestAsync(store, "1"); // repeats the code: no change
        Assert.Equal(1, changes);
        await store.ApproveAsync("telegram", code, TestContext.Current.CancellationToken);
        Assert.Equal(2, changes);
        await RequestAsync(store, "2");
        Assert.Equal(3, changes);

        _time.Advance(PairingStore.CodeLifetime);
        Assert.Empty(store.ListPending());
        Assert.Equal(4, changes);
        Assert.Empty(store.ListPending());
        Assert.Equal(4, changes);
    }

    [Fact]
    public async Task WrittenFile_IsPrivate_InAPrivateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }

        var store = await OpenAsync();
        await RequestAsync(store, "12345");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(FilePath)!));
        Assert.Equal(["pairing.json"], Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName));
    }

    public static TheoryData<string> DamagedFiles => new()
    {
        "",
        "{ not json",
        "[]",
        "null",
        "{\"pending\":[],\"approved\":[]}",
        "{\"version\":1,\"pending\":{}}",
        "{\"version\":1,\"pending\":[null]}",
        "{\"version\":1,\"pending\":[{\"channel\":\"telegram\",\"code\":\"O0O0O0O0\",\"senderId\":\"1\",\"chatId\":\"1\",\"createdAt\":\"2026-11-25T08:00:00Z\",\"expiresAt\":\"2026-11-25T09:00:00Z\"}]}",
        "{\"version\":1,\"pending\":[{\"channel\":\"telegram\",\"code\":\"ABCDEFGH\",\"chatId\":\"1\",\"createdAt\":\"2026-11-25T08:00:00Z\",\"expiresAt\":\"2026-11-25T09:00:00Z\"}]}",
        "{\"version\":1,\"approved\":[{\"channel\":\"telegram\",\"senderId\":\"1\",\"approvedAt\":\"yesterday\"}]}",
        "{\"version\":1,\"approved\":[{\"channel\":\"Bad Channel!\",\"senderId\":\"1\",\"approvedAt\":\"2026-11-25T08:00:00Z\"}]}",
        "{\"version\":1,\"approved\":[{\"channel\":\"telegram\",\"senderId\":\"\",\"approvedAt\":\"2026-11-25T08:00:00Z\"}]}",
        "{\"version\":1,\"approved\":[{\"channel\":\"telegram\",\"senderId\":\"1\"}]}",
        "{\"version\":1,\"approved\":[{\"channel\":\"telegram\",\"senderId\":1,\"approvedAt\":\"2026-11-25T08:00:00Z\"}]}",
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public async Task LoadAsync_DamagedFile_SaysWhichAndHowToFix_AndNothingIsEverWrittenOverIt(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await File.WriteAllTextAsync(FilePath, content, TestContext.Current.CancellationToken);
        var store = new PairingStore(FilePath, _time);

        var error = await Assert.ThrowsAsync<OpenClawException>(() => store.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains(FilePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("move it away to start with no pairings", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OpenClawException>(() => RequestAsync(store, "12345"));
        await Assert.ThrowsAsync<OpenClawException>(() => store.RevokeAsync("telegram", "1", TestContext.Current.CancellationToken));
        Assert.Equal(content, await File.ReadAllTextAsync(FilePath, TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(FilePath)!));
    }

    [Fact]
    public async Task LoadAsync_FileFromANewerVersion_AsksForAnUpgrade_AndLeavesItUntouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        const string content = "{\"version\":2,\"pending\":[],\"approved\":[]}";
        await File.WriteAllTextAsync(FilePath, content, TestContext.Current.CancellationToken);
        var store = new PairingStore(FilePath, _time);

        var error = await Assert.ThrowsAsync<OpenClawException>(() => store.LoadAsync(TestContext.Current.CancellationToken));

        Assert.Contains("newer OpenClaw", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OpenClawException>(() => RequestAsync(store, "12345"));
        Assert.Equal(content, await File.ReadAllTextAsync(FilePath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoadAsync_AfterTheDamagedFileIsMovedAway_WritesAgain()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await File.WriteAllTextAsync(FilePath, "{ broken", TestContext.Current.CancellationToken);
        var store = new PairingStore(FilePath, _time);
        await Assert.ThrowsAsync<OpenClawException>(() => store.LoadAsync(TestContext.Current.CancellationToken));

        File.Move(FilePath, FilePath + ".bad");
        await store.LoadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(PairingRequestKind.Issued, (await RequestAsync(store, "12345")).Kind);
        Assert.Equal("{ broken", await File.ReadAllTextAsync(FilePath + ".bad", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoadAsync_DropsCodesThatExpiredWhileTheGatewayWasDown()
    {
        var store = await OpenAsync();
        await RequestAsync(store, "1");
        _time.Advance(TimeSpan.FromMinutes(30));
        var fresh = (await RequestAsync(store, "2")).Pending!;
        _time.Advance(TimeSpan.FromMinutes(45));

        var reloaded = await OpenAsync();

        Assert.Equal([fresh], reloaded.ListPending());
    }

    [Fact]
    public async Task FailedWrite_ReportsTheFile_AndChangesNothing()
    {
        var store = await OpenAsync();
        var changes = 0;
        store.Changed += () => changes++;
        Directory.CreateDirectory(FilePath); // a folder where the file should be: the rename fails

        var error = await Assert.ThrowsAsync<OpenClawException>(() => RequestAsync(store, "12345"));

        Assert.Contains(FilePath, error.Message, StringComparison.Ordinal);
        Assert.Empty(store.ListPending());
        Assert.Equal(0, changes);
        Assert.Equal(["pairing.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task RequestAsync_BeforeLoadAsync_IsAProgrammingError()
    {
        var store = new PairingStore(FilePath, _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RequestAsync(store, "12345"));
        Assert.False(File.Exists(FilePath));
    }
}
