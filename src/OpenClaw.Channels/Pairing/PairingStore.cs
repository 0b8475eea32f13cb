namespace OpenClaw.Channels.Pairing;

/// <summary>A pairing code waiting for the owner's approval.</summary>
/// <param name="Channel">The channel id.</param>
/// <param name="Code">The one-time code (8 characters, unambiguous alphabet); matched case-insensitively.</param>
/// <param name="SenderId">The sender's user id.</param>
/// <param name="ChatId">Where to tell the sender the outcome.</param>
/// <param name="SenderName">The sender's display name, when known (shown to the owner; not trusted).</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops being valid (an hour later).</param>
public sealed record PendingPairing(
    string Channel, string Code, string SenderId, string ChatId, string? SenderName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A sender approved by pairing.</summary>
/// <param name="Channel">The channel id.</param>
/// <param name="SenderId">The sender's user id.</param>
/// <param name="SenderName">The display name at approval, when known.</param>
/// <param name="ApprovedAt">When the owner approved.</param>
public sealed record PairedSender(string Channel, string SenderId, string? SenderName, DateTimeOffset ApprovedAt);

/// <summary>What <see cref="PairingStore.RequestAsync"/> did.</summary>
public enum PairingRequestKind
{
    /// <summary>A new code was issued.</summary>
    Issued,

    /// <summary>The sender already has a valid code; it is returned again (no new one).</summary>
    Existing,

    /// <summary>The channel already has the most pending codes allowed; none was issued.</summary>
    Full,
}

/// <summary>The outcome of a pairing request.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Pending">The code issued or repeated; <see langword="null"/> when <see cref="PairingRequestKind.Full"/>.</param>
public sealed record PairingRequestResult(PairingRequestKind Kind, PendingPairing? Pending);

/// <summary>
/// DM pairing state of every channel: pending codes (at most <see cref="MaxPendingPerChannel"/> per channel, valid for
/// <see cref="CodeLifetime"/>) and approved senders, kept in one private JSON file written atomically.
/// </summary>
/// <remarks>Thread-safe. A damaged file is reported by <see cref="LoadAsync"/> and left untouched, never reset.</remarks>
public sealed class PairingStore
{
    /// <summary>The most codes waiting per channel.</summary>
    public const int MaxPendingPerChannel = 3;

    /// <summary>How long a code is valid.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromHours(1);

    /// <summary>Creates a store over <paramref name="filePath"/> (e.g. <c>&lt;state&gt;/channels/pairing.json</c>); call <see cref="LoadAsync"/> first.</summary>
    public PairingStore(string filePath, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(time);
        throw new NotImplementedException("The access helper writes this.");
    }

    /// <summary>Raised after any change (issued, approved, rejected, expired).</summary>
    public event Action? Changed;

    /// <summary>Reads the file (a missing file is an empty store).</summary>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file is damaged or unreadable; the message names it and how to fix it.</exception>
    public Task LoadAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Whether <paramref name="senderId"/> was approved on <paramref name="channel"/>.</summary>
    public bool IsApproved(string channel, string senderId) => throw new NotImplementedException();

    /// <summary>Issues a code for an unknown sender, repeats a valid one, or refuses when the channel has too many pending.</summary>
    public Task<PairingRequestResult> RequestAsync(string channel, string senderId, string chatId, string? senderName, CancellationToken cancellationToken)
        => throw new NotImplementedException();

    /// <summary>The valid pending codes, optionally of one channel, oldest first.</summary>
    public IReadOnlyList<PendingPairing> ListPending(string? channel = null) => throw new NotImplementedException();

    /// <summary>The approved senders, optionally of one channel.</summary>
    public IReadOnlyList<PairedSender> ListApproved(string? channel = null) => throw new NotImplementedException();

    /// <summary>Approves a pending code: its sender becomes paired. <see langword="null"/> when no valid code matches.</summary>
    public Task<PendingPairing?> ApproveAsync(string channel, string code, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Rejects a pending code (the sender may ask again later). <see langword="null"/> when no valid code matches.</summary>
    public Task<PendingPairing?> RejectAsync(string channel, string code, CancellationToken cancellationToken) => throw new NotImplementedException();

    private void OnChanged() => Changed?.Invoke();
}
