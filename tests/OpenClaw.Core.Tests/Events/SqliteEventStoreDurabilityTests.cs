using OpenClaw.Core.Events;
using OpenClaw.Testing;
using static OpenClaw.Core.Tests.Events.EventTestData;

namespace OpenClaw.Core.Tests.Events;

public sealed class SqliteEventStoreDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_CommittedWhileAnEarlierFsyncFails_IsNeverAcknowledged()
    {
        using var dir = new TempDirectory();
        await using var store = await OpenAsync(dir.Combine("events.db"));
        var key = await StartAsync(store);

        // The next fsync blocks until released, then fails, as a disk with a writeback error would.
        var flushing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        store.FlushWal = wal =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                flushing.SetResult();
                release.Task.Wait(TestTimeouts.Default);
                throw new IOException("Input/output error");
            }

            wal.Flush(flushToDisk: true); // a later fsync "succeeds": Linux reports a writeback error only once
        };

        var first = store.AppendAsync(new MessageReceived { SessionKey = key, Text = "first" }, Ct);
        await flushing.Task.WaitAsync(TestTimeouts.Default, Ct);

        // While the first fsync hangs, a second append is committed (visible to readers) behind it.
        var second = store.AppendAsync(new MessageReceived { SessionKey = key, Text = "second" }, Ct);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            deadline.CancelAfter(TestTimeouts.Default);
            while ((await store.ReadEventsAsync(key, 0, 10, deadline.Token)).Count < 3)
            {
                await Task.Yield();
            }
        }

        release.SetResult();

        var firstError = await Assert.ThrowsAsync<EventStoreException>(() => first.WaitAsync(TestTimeouts.Default, Ct));
        var secondError = await Assert.ThrowsAsync<EventStoreException>(() => second.WaitAsync(TestTimeouts.Default, Ct));
        Assert.Equal(EventStoreErrorKind.Unavailable, firstError.Kind);
        Assert.Equal(EventStoreErrorKind.Unavailable, secondError.Kind);
        Assert.Contains("may not have been saved", secondError.Message, StringComparison.Ordinal);

        // And the store refuses further writes until it is reopened.
        await Assert.ThrowsAsync<EventStoreException>(
            () => store.AppendAsync(new MessageReceived { SessionKey = key, Text = "third" }, Ct).WaitAsync(TestTimeouts.Default, Ct));
    }
}
