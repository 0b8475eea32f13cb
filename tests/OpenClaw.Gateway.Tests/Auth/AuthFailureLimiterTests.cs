using System.Net;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Gateway.Auth;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class AuthFailureLimiterTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("203.0.113.7");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Check_AfterTheLimitOfFailures_BlocksUntilTheWindowFrees()
    {
        var limiter = new AuthFailureLimiter(3, _time);
        limiter.RecordFailure(s_client);
        _time.Advance(TimeSpan.FromSeconds(10));
        limiter.RecordFailure(s_client);
        Assert.True(limiter.Check(s_client, out _));
        limiter.RecordFailure(s_client);

        Assert.False(limiter.Check(s_client, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);

        _time.Advance(TimeSpan.FromSeconds(49));
        Assert.False(limiter.Check(s_client, out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.Check(s_client, out retryAfter));
        Assert.Equal(TimeSpan.Zero, retryAfter);
    }

    [Fact]
    public void RecordFailure_Ipv6AddressesOfOneSlash64_CountTogether()
    {
        var limiter = new AuthFailureLimiter(2, _time);
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2::10"));
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::99"));

        Assert.False(limiter.Check(IPAddress.Parse("2001:db8:1:2::abcd"), out _)); // a fresh address in the same /64
        Assert.True(limiter.Check(IPAddress.Parse("2001:db8:1:3::10"), out _)); // the next /64 is someone else
    }

    [Fact]
    public void TryBeginAttempt_AttemptsStillRunning_CountAgainstTheLimit()
    {
        var limiter = new AuthFailureLimiter(2, _time);

        Assert.True(limiter.TryBeginAttempt(s_client, out _));
        Assert.True(limiter.TryBeginAttempt(s_client, out _));
        Assert.False(limiter.TryBeginAttempt(s_client, out var retryAfter)); // two password checks still running
        Assert.True(retryAfter > TimeSpan.Zero);

        limiter.EndAttempt(s_client, failed: false);
        Assert.True(limiter.TryBeginAttempt(s_client, out _)); // a success frees its slot and counts nothing
        limiter.EndAttempt(s_client, failed: true);
        limiter.EndAttempt(s_client, failed: true);
        Assert.False(limiter.Check(s_client, out _)); // two failures: blocked
    }

    [Fact]
    public void Check_OtherAddress_IsNotAffected()
    {
        var limiter = new AuthFailureLimiter(1, _time);
        limiter.RecordFailure(s_client);

        Assert.False(limiter.Check(s_client, out _));
        Assert.True(limiter.Check(IPAddress.Parse("203.0.113.8"), out _));
    }

    [Fact]
    public void RecordFailure_Ipv4MappedIpv6_CountsAsItsIpv4Address()
    {
        var limiter = new AuthFailureLimiter(2, _time);
        limiter.RecordFailure(s_client.MapToIPv6());
        limiter.RecordFailure(s_client);

        Assert.False(limiter.Check(s_client, out _));
        Assert.False(limiter.Check(s_client.MapToIPv6(), out _));
        Assert.Equal(1, limiter.TrackedAddresses);
    }

    [Fact]
    public void RecordFailure_Loopback_IsCountedLikeAnyAddress()
    {
        var limiter = new AuthFailureLimiter(2, _time);
        limiter.RecordFailure(IPAddress.Loopback);
        limiter.RecordFailure(IPAddress.IPv6Loopback);
        Assert.True(limiter.Check(IPAddress.Loopback, out _));

        limiter.RecordFailure(IPAddress.Loopback);

        Assert.False(limiter.Check(IPAddress.Loopback, out _));
        Assert.False(limiter.Check(IPAddress.Parse("::ffff:127.0.0.1"), out _));
    }

    [Fact]
    public void Limit_ChangedAtRunTime_AppliesToTheNextCheck()
    {
        var limiter = new AuthFailureLimiter(5, _time);
        limiter.RecordFailure(s_client);
        limiter.RecordFailure(s_client);
        Assert.True(limiter.Check(s_client, out _));

        limiter.Limit = 2;

        Assert.False(limiter.Check(s_client, out _));
    }

    [Fact]
    public void RecordFailure_BeyondTheAddressCap_EvictsTheOldestAndKeepsMemoryBounded()
    {
        var limiter = new AuthFailureLimiter(1, _time, maxAddresses: 10);
        for (var i = 1; i <= 25; i++)
        {
            limiter.RecordFailure(IPAddress.Parse($"198.51.100.{i}"));
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(limiter.TrackedAddresses, 1, 10);
        Assert.False(limiter.Check(IPAddress.Parse("198.51.100.25"), out _)); // the newest is still blocked
        Assert.True(limiter.Check(IPAddress.Parse("198.51.100.1"), out _)); // the oldest was dropped
    }

    [Fact]
    public void RecordFailure_FromManyThreads_CountsEveryFailure()
    {
        var limiter = new AuthFailureLimiter(1000, _time);

        Parallel.For(0, 999, _ => limiter.RecordFailure(s_client));

        Assert.True(limiter.Check(s_client, out _));
        limiter.RecordFailure(s_client);
        Assert.False(limiter.Check(s_client, out _));
    }

    [Fact]
    public void RateLimitedError_CarriesTheWaitRoundedUpToWholeSeconds()
    {
        var limiter = new AuthFailureLimiter(1, _time);
        limiter.RecordFailure(s_client);
        _time.Advance(TimeSpan.FromSeconds(30.5));
        Assert.False(limiter.Check(s_client, out var retryAfter));

        var error = AuthException.RateLimited(retryAfter);

        Assert.Equal(AuthErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(29.5), error.RetryAfter);
        Assert.Equal("Too many attempts; retry in 30 s.", error.Message);
    }
}
