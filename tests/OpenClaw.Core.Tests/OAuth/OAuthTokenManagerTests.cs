using Microsoft.Extensions.Time.Testing;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.OAuth;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.OAuth;

public sealed class OAuthTokenManagerTests : IAsyncLifetime
{
    private const string Name = "anthropic-oauth";
    private const string InitialAccess = "initial-access-token-0001";
    private const string InitialRefresh = "initial-refresh-token-0001";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new() { Timeout = TestTimeouts.Default };
    private readonly List<IDisposable> _disposables = [];
    private FakeOAuthTokenServer _server = null!;
    private CredentialStore _store = null!;
    private OAuthTokenManager _manager = null!;

    private OAuthClientOptions Options => new() { TokenUrl = _server.TokenUrl, ClientId = _server.ClientId };

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOAuthTokenServer.StartAsync(_ct);
        _server.AcceptRefreshToken(InitialRefresh);
        _store = new CredentialStore(new StatePaths(_temp.Path));
        _manager = NewManager();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _store.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task GetAccessTokenAsync_TokenValidBeyondTheSkew_ReturnsItWithoutARequest()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(30));

        var token = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        Assert.Equal(InitialAccess, token.Reveal());
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_TokenExpired_RefreshesWithTheRfc6749FormAndStoresTheResult()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-5));

        var token = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        Assert.Equal(_server.LastAccessToken, token.Reveal());
        var form = Assert.Single(_server.Requests);
        Assert.Equal("refresh_token", form["grant_type"]);
        Assert.Equal(InitialRefresh, form["refresh_token"]);
        Assert.Equal(_server.ClientId, form["client_id"]);

        // A fresh process reads the refreshed token from the store and needs no request of its own.
        var again = await NewManager().GetAccessTokenAsync(Name, Options, _ct);
        Assert.Equal(token, again);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_RefreshedToken_ExpiresAfterTheServersExpiresIn()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.Zero);
        var first = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        _time.Advance(TimeSpan.FromSeconds(3600 - 61));
        Assert.Equal(first, await _manager.GetAccessTokenAsync(Name, Options, _ct));
        Assert.Equal(1, _server.RequestCount);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotEqual(first, await _manager.GetAccessTokenAsync(Name, Options, _ct));
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ExpiryWithinTheSkew_RefreshesEarly()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromSeconds(90));

        Assert.Equal(InitialAccess, (await _manager.GetAccessTokenAsync(Name, Options, _ct)).Reveal());
        Assert.Equal(0, _server.RequestCount);

        _time.Advance(TimeSpan.FromSeconds(31)); // 59 s left: inside the 60 s skew
        var token = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        Assert.NotEqual(InitialAccess, token.Reveal());
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_CustomSkew_IsHonoured()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(4));
        var wideSkew = new OAuthClientOptions
        {
            TokenUrl = _server.TokenUrl,
            ClientId = _server.ClientId,
            RefreshSkew = TimeSpan.FromMinutes(5),
        };

        await _manager.GetAccessTokenAsync(Name, wideSkew, _ct);

        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ManyConcurrentCallersOnAnExpiredToken_SendOneRequest()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.HoldResponsesUntil = release.Task;

        var callers = Enumerable.Range(0, 16).Select(_ => _manager.GetAccessTokenAsync(Name, Options, _ct)).ToList();
        await _server.FirstRequestReceived.WaitAsync(TestTimeouts.Default, _ct);
        release.SetResult();
        var tokens = await Task.WhenAll(callers).WaitAsync(TestTimeouts.Default, _ct);

        Assert.Equal(1, _server.RequestCount);
        Assert.All(tokens, t => Assert.Equal(_server.LastAccessToken, t.Reveal()));
    }

    [Fact]
    public async Task GetAccessTokenAsync_ServerRotatesTheRefreshToken_TheNewOneIsKeptAndUsedNext()
    {
        _server.RotateRefreshTokens = true;
        await SaveInitialAsync(expiresIn: TimeSpan.Zero);

        await _manager.GetAccessTokenAsync(Name, Options, _ct);
        var rotated = _server.LastRefreshToken;
        _time.Advance(TimeSpan.FromHours(2));
        // A new process, so the rotated token must have come from the store, not from memory.
        await NewManager().GetAccessTokenAsync(Name, Options, _ct);

        Assert.Equal(2, _server.RequestCount);
        Assert.Equal(rotated, _server.Requests[1]["refresh_token"]);
        Assert.NotEqual(InitialRefresh, rotated);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ServerDoesNotRotate_TheOldRefreshTokenIsKept()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.Zero);

        await _manager.GetAccessTokenAsync(Name, Options, _ct);
        _time.Advance(TimeSpan.FromHours(2));
        await NewManager().GetAccessTokenAsync(Name, Options, _ct);

        Assert.Equal(2, _server.RequestCount);
        Assert.All(_server.Requests, r => Assert.Equal(InitialRefresh, r["refresh_token"]));
    }

    [Theory]
    [InlineData(FakeOAuthFailure.ServerError, "answered HTTP 500")]
    [InlineData(FakeOAuthFailure.InvalidGrant, "rejected the refresh token (invalid_grant: refresh token revoked)")]
    [InlineData(FakeOAuthFailure.InvalidGrantEchoingToken, "rejected the refresh token (invalid_grant)")]
    [InlineData(FakeOAuthFailure.MalformedJson, "without a valid token")]
    [InlineData(FakeOAuthFailure.MissingAccessToken, "without a valid token")]
    [InlineData(FakeOAuthFailure.DropConnection, "token endpoint")]
    public async Task GetAccessTokenAsync_RefreshFails_KeepsTheStoredTokenAndExplainsWithoutTokens(
        FakeOAuthFailure failure, string expected)
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var before = (await _store.GetAsync(Name, _ct))!.Reveal();
        _server.EnqueueFailure(failure);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));

        Assert.StartsWith($"refreshing the OAuth token in credential '{Name}' failed:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("The stored token was kept.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(InitialAccess, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(InitialRefresh, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await _store.GetAsync(Name, _ct))!.Reveal());

        // The kept refresh token still works once the server recovers.
        var token = await _manager.GetAccessTokenAsync(Name, Options, _ct);
        Assert.Equal(_server.LastAccessToken, token.Reveal());
    }

    [Fact]
    public async Task GetAccessTokenAsync_InvalidGrant_TellsTheUserToLogInAgain()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        _server.EnqueueFailure(FakeOAuthFailure.InvalidGrant);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));

        Assert.EndsWith("Log in to the provider again.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_EndpointUnreachable_SaysSoAndKeepsTheToken()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var url = _server.TokenUrl;
        await _server.DisposeAsync();
        _server = await FakeOAuthTokenServer.StartAsync(_ct); // DisposeAsync needs a live one
        var options = new OAuthClientOptions { TokenUrl = url, ClientId = "c" };

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, options, _ct));

        Assert.Contains("could not reach the token endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The stored token was kept.", ex.Message, StringComparison.Ordinal);
        Assert.Contains(InitialRefresh, (await _store.GetAsync(Name, _ct))!.Reveal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_EndpointNeverAnswers_TimesOutWithAClearMessage()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.HoldResponsesUntil = never.Task;
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        using var manager = new OAuthTokenManager(_store, impatient, _time);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => manager.GetAccessTokenAsync(Name, Options, _ct));
        never.SetResult();

        Assert.Contains("did not answer in time", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The stored token was kept.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_BodyStallsAfterTheHeaders_TimesOutWithAClearMessage()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        _server.EnqueueFailure(FakeOAuthFailure.StallMidBody);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        using var manager = new OAuthTokenManager(_store, impatient, _time);

        var ex = await Assert.ThrowsAsync<OpenClawException>(
            () => manager.GetAccessTokenAsync(Name, Options, _ct).WaitAsync(TestTimeouts.Default, _ct));

        Assert.Contains("did not answer in time", ex.Message, StringComparison.Ordinal);
        Assert.Contains(InitialRefresh, (await _store.GetAsync(Name, _ct))!.Reveal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_RotatedTokenCannotBeSaved_KeepsUsingTheNewOneInsteadOfTheRetiredOne()
    {
        _server.RotateRefreshTokens = true;
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        _store.BeforeReplace = _ => throw new UnauthorizedAccessException("Access to the path is denied.");

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));
        _store.BeforeReplace = null;

        Assert.StartsWith($"refreshed the OAuth token for credential '{Name}' but could not save it", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_server.LastAccessToken, (await _manager.GetAccessTokenAsync(Name, Options, _ct)).Reveal());

        // The next refresh sends the rotated refresh token (the server retired the old one) and is saved.
        var refreshed = await _manager.ForceRefreshAsync(Name, Options, cancellationToken: _ct);
        Assert.Equal(_server.LastAccessToken, refreshed.Reveal());
        Assert.Equal(2, _server.RequestCount);
        Assert.Contains(_server.LastRefreshToken!, (await _store.GetAsync(Name, _ct))!.Reveal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_TokenUrlWithUserInfo_IsRefusedWithoutPrintingIt()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var url = new UriBuilder(_server.TokenUrl) { UserName = "client", Password = "s3cr3t-pw" }.Uri;

        var ex = await Assert.ThrowsAsync<OpenClawException>(
            () => _manager.GetAccessTokenAsync(Name, new OAuthClientOptions { TokenUrl = url, ClientId = _server.ClientId }, _ct));

        Assert.Contains("contains a user name or password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-pw", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("client:", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_HugeExpiresIn_TokenIsKeptAndTreatedAsNotExpiring()
    {
        _server.ExpiresInSeconds = long.MaxValue / 2;
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));

        var token = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        Assert.Equal(_server.LastAccessToken, token.Reveal());
        _time.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(token, await NewManager().GetAccessTokenAsync(Name, Options, _ct));
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_CallerCancels_ThrowsCancellationNotARefreshError()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.HoldResponsesUntil = never.Task;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);

        var call = _manager.GetAccessTokenAsync(Name, Options, cts.Token);
        await _server.FirstRequestReceived.WaitAsync(TestTimeouts.Default, _ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        never.SetResult();
        Assert.Contains(InitialRefresh, (await _store.GetAsync(Name, _ct))!.Reveal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForceRefreshAsync_ValidTokenRejectedByTheProvider_RefreshesAnyway()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromHours(1));

        var token = await _manager.ForceRefreshAsync(Name, Options, new Secret(InitialAccess), _ct);

        Assert.Equal(_server.LastAccessToken, token.Reveal());
        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(token, await _manager.GetAccessTokenAsync(Name, Options, _ct));
    }

    [Fact]
    public async Task ForceRefreshAsync_ManyCallersHitByTheSame401_SendOneRequest()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromHours(1));
        var rejected = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => _manager.ForceRefreshAsync(Name, Options, rejected, _ct)));

        Assert.Equal(1, _server.RequestCount);
        Assert.All(tokens, t => Assert.Equal(_server.LastAccessToken, t.Reveal()));
    }

    [Fact]
    public async Task GetAccessTokenAsync_NothingStored_SaysToLogInFirst()
    {
        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));

        Assert.Contains("no OAuth login is stored under credential 'anthropic-oauth'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ExpiredWithoutRefreshToken_SaysToLogInAgainWithoutARequest()
    {
        await _manager.SaveTokenAsync(Name, new OAuthToken(new Secret(InitialAccess), null, _time.GetUtcNow()), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));

        Assert.Contains("holds no refresh token. Log in to the provider again.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_CredentialIsNotAnOAuthLogin_SaysSo()
    {
        await _store.SetAsync(Name, new Secret("sk-plain-api-key"), _ct);

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, Options, _ct));

        Assert.Contains("does not hold an OAuth login", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-plain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_PlainHttpTokenUrlOffLoopback_IsRefusedBeforeSendingTheRefreshToken()
    {
        await SaveInitialAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var options = new OAuthClientOptions { TokenUrl = new Uri("http://auth.example.invalid/token"), ClientId = "c" };

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _manager.GetAccessTokenAsync(Name, options, _ct));

        Assert.Contains("must use https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ServerOmitsExpiresIn_TokenIsUsedUntilTheProviderRejectsIt()
    {
        _server.ExpiresInSeconds = null;
        await SaveInitialAsync(expiresIn: TimeSpan.Zero);
        var first = await _manager.GetAccessTokenAsync(Name, Options, _ct);

        _time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(first, await _manager.GetAccessTokenAsync(Name, Options, _ct));
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public void OAuthToken_ToString_ShowsNoTokens()
    {
        var token = new OAuthToken(new Secret(InitialAccess), new Secret(InitialRefresh), null, "Bearer", "chat");

        var text = token.ToString();

        Assert.DoesNotContain(InitialAccess, text, StringComparison.Ordinal);
        Assert.DoesNotContain(InitialRefresh, text, StringComparison.Ordinal);
        Assert.Contains("***", text, StringComparison.Ordinal);
    }

    private OAuthTokenManager NewManager()
    {
        var manager = new OAuthTokenManager(_store, _http, _time);
        _disposables.Add(manager);
        return manager;
    }

    private Task SaveInitialAsync(TimeSpan expiresIn) =>
        _manager.SaveTokenAsync(
            Name,
            new OAuthToken(new Secret(InitialAccess), new Secret(InitialRefresh), _time.GetUtcNow() + expiresIn, "Bearer", "chat"),
            _ct);
}
