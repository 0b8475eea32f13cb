using Microsoft.Extensions.Time.Testing;

namespace OpenClaw.Channels.Tests.Telegram;

/// <summary>A fake clock that says when a timer (a delay) has been set, so a test advances time only once the adapter waits.</summary>
internal sealed class SignalingTimeProvider : FakeTimeProvider
{
    private readonly global::System.Threading.Channels.Channel<TimeSpan> _timers = global::System.Threading.Channels.Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Waits until a timer of <paramref name="dueTime"/> is set (others are passed over).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OpenClaw.Testing.TestTimeouts.Default);
        while (await _timers.Reader.ReadAsync(timeout.Token) != dueTime)
        {
        }
    }
}
