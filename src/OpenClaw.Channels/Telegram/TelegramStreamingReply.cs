using System.Globalization;
using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>
/// A reply streamed into one Telegram message: the first text is sent as a message, then that message is edited at most
/// once per <see cref="TelegramChannelLimits.EditInterval"/> (plain text while streaming); the final text replaces it,
/// formatted and split.
/// </summary>
/// <remarks><see cref="Append"/> never waits: a background loop does the sending. One writer, in order.</remarks>
internal sealed class TelegramStreamingReply : IStreamingReply
{
    private readonly TelegramChannel _channel;
    private readonly string _chatKey;
    private readonly long? _replyTo;
    private readonly StringBuilder _text = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _abort;
    private Task? _loop;
    private long? _messageId;
    private bool _completed;

    public TelegramStreamingReply(TelegramChannel channel, string chatKey, long? replyTo)
    {
        _channel = channel;
        _chatKey = chatKey;
        _replyTo = replyTo;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(channel.DisposedToken);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
    }

    public void Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (delta.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _text.Append(delta);
            _loop ??= Task.Run(RunAsync, CancellationToken.None);
        }

        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public async Task<IReadOnlyList<string>> CompleteAsync(string finalMarkdown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finalMarkdown);
        Task? loop;
        lock (_gate)
        {
            _completed = true;
            loop = _loop;
        }

        // Stop previews; an initial send in flight finishes (its message id is what the final text goes into).
        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var chunks = _channel.FormatReply(finalMarkdown);
        var ids = new List<string>(chunks.Count + 1);
        var delivered = 0;
        try
        {
            if (_messageId is { } streamed)
            {
                ids.Add(streamed.ToString(CultureInfo.InvariantCulture));
                if (chunks.Count > 0)
                {
                    await _channel.EditAsync(_chatKey, streamed, chunks[0], TelegramChannel.Html, cancellationToken).ConfigureAwait(false);
                    delivered = 1;
                }
            }

            for (var i = delivered; i < chunks.Count; i++)
            {
                var id = await _channel.SendHtmlChunkAsync(_chatKey, chunks[i], ids.Count == 0 ? _replyTo : null, cancellationToken).ConfigureAwait(false);
                ids.Add(id.ToString(CultureInfo.InvariantCulture));
                delivered++;
            }
        }
        catch (TelegramCallException ex)
        {
            throw TelegramChannel.Delivery(ex, delivered, chunks.Count);
        }

        _channel.LogOutbound(_chatKey, finalMarkdown);
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _completed = true;
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        _abort.Dispose();
        _changed.Dispose();
    }

    private async Task RunAsync()
    {
        var limits = _channel.Limits;
        var time = _channel.Time;
        var shown = "";
        var shownAt = DateTimeOffset.MinValue;
        try
        {
            while (true)
            {
                await _changed.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (_messageId is null)
                {
                    var first = Snapshot();
                    if (first.Trim().Length == 0)
                    {
                        continue;
                    }

                    first = first.Length > TelegramChunker.MaxLength ? first[..TelegramChunker.MaxLength] : first;

                    // Not cancelled by completion: once sent, its id must be known so the final text replaces it.
                    _messageId = await _channel.SendPlainAsync(_chatKey, first, _replyTo, _abort.Token).ConfigureAwait(false);
                    shown = first;
                    shownAt = time.GetUtcNow();
                    continue;
                }

                var due = shownAt + limits.EditInterval - time.GetUtcNow();
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, _stop.Token).ConfigureAwait(false);
                }

                var text = Snapshot();
                if (text.Length > TelegramChunker.MaxLength)
                {
                    return; // too long for one message: the final text is split, previews stop here
                }

                if (text == shown || text.Trim().Length == 0)
                {
                    continue;
                }

                try
                {
                    await _channel.EditAsync(_chatKey, _messageId.Value, text, null, _stop.Token).ConfigureAwait(false);
                }
                catch (TelegramCallException ex)
                {
                    TelegramLog.StreamEditFailed(_channel.Logger, _chatKey, _messageId.Value, ex.Message);
                }

                shown = text;
                shownAt = time.GetUtcNow();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (TelegramCallException ex)
        {
            // The preview could not be sent; the final text is sent as new messages.
            TelegramLog.StreamEditFailed(_channel.Logger, _chatKey, 0, ex.Message);
        }
    }

    private string Snapshot()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}
