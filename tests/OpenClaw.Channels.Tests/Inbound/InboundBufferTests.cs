using OpenClaw.Testing;
using OpenClaw.Channels.Inbound;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.Tests.Inbound;

public sealed class InboundBufferTests
{
    private static InboundMessage Message(int n) => new()
    {
        Channel = ChannelId.From("telegram"), ChatId = "1", PeerKind = PeerKind.Direct, SenderId = "1", Text = "m" + n,
    };

    [Fact]
    public async Task EnqueueAsync_Full_WaitsUntilTheDispatcherTakesOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = new InboundBuffer(capacity: 2);
        await queue.EnqueueAsync(Message(1), ct);
        await queue.EnqueueAsync(Message(2), ct);

        var third = queue.EnqueueAsync(Message(3), ct).AsTask();
        Assert.False(third.IsCompleted);
        Assert.False(queue.TryEnqueue(Message(4), out _));

        await using var reader = queue.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("m1", reader.Current.Message.Text);
        await third.WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task Processed_CompletesWithTheDispatchersOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = new InboundBuffer();
        Assert.True(queue.TryEnqueue(Message(1), out var item));
        Assert.False(item.Processed.IsCompleted);
        await foreach (var taken in queue.ReadAllAsync(ct))
        {
            taken.Complete(InboundOutcome.Dispatched);
            break;
        }

        Assert.Equal(InboundOutcome.Dispatched, await item.Processed.WaitAsync(TestTimeouts.Default, ct));
    }
}
