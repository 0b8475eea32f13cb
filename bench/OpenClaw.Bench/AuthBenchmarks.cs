using System.Net;
using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Auth;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Bench;

/// <summary>
/// The gateway's per-request auth costs: checking a bearer (a user access token, the gateway token), taking one request
/// from the rate limiter and checking an address with no recent failures; plus one sign-in with the default Argon2id cost.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class AuthBenchmarks
{
    private static readonly IPAddress s_client = IPAddress.Parse("203.0.113.7");
    private string _root = null!;
    private CredentialStore _credentials = null!;
    private GatewayToken _gatewayToken = null!;
    private UserStore _users = null!;
    private TokenService _tokens = null!;
    private string _accessToken = null!;
    private string _gatewayTokenValue = null!;
    private RequestRateLimiter _rateLimiter = null!;
    private AuthFailureLimiter _failureLimiter = null!;

    /// <summary>A state directory with one user signed in; the services warmed (key loaded, user and family cached).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
        var paths = new StatePaths(_root);
        _credentials = new CredentialStore(paths);
        var hasher = new PasswordHasher();
        _gatewayToken = new GatewayToken(_credentials, _ => null);
        _users = UserStore.Open(UserStore.PathFor(paths), hasher);
        _tokens = new TokenService(_users, hasher, _gatewayToken, _credentials);
        _users.CreateAsync("alice", "bench password 1", Role.Operator).GetAwaiter().GetResult();
        _accessToken = _tokens.LoginAsync("alice", "bench password 1").GetAwaiter().GetResult().AccessToken;
        _gatewayTokenValue = _gatewayToken.RevealAsync().GetAwaiter().GetResult().Reveal();
        _ = _tokens.AuthenticateAsync(_accessToken).AsTask().GetAwaiter().GetResult() ?? throw new InvalidOperationException("setup");

        // A limit that is never reached: the benchmark measures the bookkeeping, not refusals.
        _rateLimiter = new RequestRateLimiter(int.MaxValue);
        _failureLimiter = new AuthFailureLimiter(20);
    }

    /// <summary>Closes the stores and removes the state directory.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _tokens.Dispose();
        _users.Dispose();
        _gatewayToken.Dispose();
        _credentials.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A user access token: gateway-token digest check, base64url decode, HMAC-SHA256, cache lookups. Target: no allocation.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<Principal?> Authenticate_AccessToken() => _tokens.AuthenticateAsync(_accessToken);

    /// <summary>The gateway token: one SHA-256 and a constant-time compare.</summary>
    [Benchmark]
    public ValueTask<Principal?> Authenticate_GatewayToken() => _tokens.AuthenticateAsync(_gatewayTokenValue);

    /// <summary>One request taken from a principal's allowance.</summary>
    [Benchmark]
    public bool RateLimiter_TryAcquire() => _rateLimiter.TryAcquire("user:alice", out _);

    /// <summary>An address with no recent failures (the common case).</summary>
    [Benchmark]
    public bool FailureLimiter_Check() => _failureLimiter.Check(s_client, out _);

    /// <summary>A sign-in: Argon2id at the default cost (19 MiB, t=2, p=1), a refresh family insert and a token.</summary>
    [Benchmark]
    public string Login() => _tokens.LoginAsync("alice", "bench password 1").GetAwaiter().GetResult().AccessToken;
}
