using Microsoft.Extensions.Time.Testing;
using OpenClaw.Gateway.Auth;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class RequestRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_BeyondTheMinutesAllowance_IsRefusedWithAWait()
    {
        var limiter = new RequestRateLimiter(60, _time);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire("user:alice", out _));
        }

        Assert.False(limiter.TryAcquire("user:alice", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
    }

    [Fact]
    public void TryAcquire_AsTimePasses_Refills()
    {
        var limiter = new RequestRateLimiter(60, _time);
        while (limiter.TryAcquire("user:alice", out _))
        {
        }

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(limiter.TryAcquire("user:alice", out _));
        Assert.True(limiter.TryAcquire("user:alice", out _));
        Assert.True(limiter.TryAcquire("user:alice", out _));
        Assert.False(limiter.TryAcquire("user:alice", out _));

        _time.Advance(TimeSpan.FromMinutes(5)); // refills to a full minute's allowance, no more
        var granted = 0;
        while (limiter.TryAcquire("user:alice", out _))
        {
            granted++;
        }

        Assert.Equal(60, granted);
    }

    [Fact]
    public void TryAcquire_SubjectsHaveSeparateAllowances()
    {
        var limiter = new RequestRateLimiter(1, _time);

        Assert.True(limiter.TryAcquire("user:alice", out _));
        Assert.False(limiter.TryAcquire("user:alice", out _));
        Assert.True(limiter.TryAcquire("gateway-token", out _));
    }

    [Fact]
    public void Limit_LoweredAtRunTime_CapsTheNextCall()
    {
        var limiter = new RequestRateLimiter(600, _time);
        Assert.True(limiter.TryAcquire("user:alice", out _));

        limiter.Limit = 1;

        Assert.True(limiter.TryAcquire("user:alice", out _));
        Assert.False(limiter.TryAcquire("user:alice", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), retryAfter);
    }

    [Fact]
    public void TryAcquire_FromManyThreads_GrantsExactlyTheAllowance()
    {
        var limiter = new RequestRateLimiter(1000, _time);
        var granted = 0;

        Parallel.For(0, 5000, i =>
        {
            if (limiter.TryAcquire("user:alice", out _))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(1000, granted);
    }

    [Fact]
    public void TryAcquire_ManySubjects_StaysBoundedAndStillLimits()
    {
        var limiter = new RequestRateLimiter(2, _time, maxSubjects: 10);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(limiter.TryAcquire($"user:{i}", out _));
        }

        Assert.True(limiter.TryAcquire("user:49", out _));
        Assert.False(limiter.TryAcquire("user:49", out _));
    }
}
