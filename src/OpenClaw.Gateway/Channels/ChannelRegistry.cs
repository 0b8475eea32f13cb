using OpenClaw.Channels;
using OpenClaw.Channels.Pairing;
using OpenClaw.Channels.Telegram;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Gateway.Channels;

/// <summary>The channel adapters this gateway runs (web chat always; Telegram when enabled at start-up).</summary>
internal sealed class ChannelRegistry(IEnumerable<IChannelAdapter> adapters, PairingGate pairing)
{
    private readonly IReadOnlyList<IChannelAdapter> _all = [.. adapters];

    /// <summary>Every adapter.</summary>
    public IReadOnlyList<IChannelAdapter> All => _all;

    /// <summary>The Telegram adapter, when Telegram is enabled.</summary>
    public TelegramChannel? Telegram => _all.OfType<TelegramChannel>().FirstOrDefault();

    /// <summary>The adapter with that id, or <see langword="null"/>.</summary>
    public IChannelAdapter? Find(string id) => _all.FirstOrDefault(a => string.Equals(a.Id.Value, id, StringComparison.Ordinal));

    /// <summary>Every channel's status, including configured channels that are switched off.</summary>
    public IReadOnlyList<ChannelStatus> Statuses(OpenClawConfig current)
    {
        var list = new List<ChannelStatus>(_all.Count + 1);
        foreach (var adapter in _all)
        {
            list.Add(WithPairingProblem(adapter.Status));
        }

        if (Telegram is null)
        {
            list.Add(Disabled("telegram", current.Channels.Telegram.Enabled));
        }

        return list;
    }

    /// <summary>The status of a channel that has no running adapter.</summary>
    public static ChannelStatus Disabled(string id, bool enabledInFile) => new()
    {
        Id = id,
        Enabled = false,
        Connected = false,
        Error = enabledInFile
            ? $"{id} was enabled after the gateway started; restart the gateway to connect it"
            : $"disabled; set channels.{id}.enabled to true and restart the gateway",
    };

    private ChannelStatus WithPairingProblem(ChannelStatus status) =>
        pairing.Problem is { } problem && status.Id != "webchat" && status.Error is null
            ? status with { Error = "pairing is unavailable, so unknown senders are refused: " + problem }
            : status;
}

/// <summary>The pairing store as the gateway uses it: loaded at start-up, and closed (everyone unknown is refused) when its file is damaged.</summary>
internal sealed partial class PairingGate(PairingStore store, ILogger<PairingGate> logger)
{
    private volatile bool _loaded;

    /// <summary>The store.</summary>
    public PairingStore Store => store;

    /// <summary>Why the store could not be loaded, or <see langword="null"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>Whether codes can be issued and approved.</summary>
    public bool IsAvailable => _loaded && Problem is null;

    /// <summary>Loads the file; a damaged one leaves pairing closed and is reported, never replaced.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.LoadAsync(cancellationToken);
            _loaded = true;
        }
        catch (OpenClawException ex)
        {
            Problem = ex.Message;
            LogUnavailable(logger, ex.Message);
        }
    }

    /// <summary>Whether the sender was approved by pairing (false while the store is unavailable).</summary>
    public bool IsApproved(string channel, string senderId) => IsAvailable && store.IsApproved(channel, senderId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pairing is unavailable, so unknown senders are refused: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string problem);
}
