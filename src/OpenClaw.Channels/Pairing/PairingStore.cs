using System.Diagnostics.CodeAnalysis;
using OpenClaw.Core;
using OpenClaw.Core.State;

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

    /// <summary>The sender is already approved on the channel (approved meanwhile): deliver the message; no code.</summary>
    AlreadyApproved,
}

/// <summary>The outcome of a pairing request.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Pending">The code issued or repeated; <see langword="null"/> when <see cref="PairingRequestKind.Full"/> or <see cref="PairingRequestKind.AlreadyApproved"/>.</param>
public sealed record PairingRequestResult(PairingRequestKind Kind, PendingPairing? Pending);

/// <summary>
/// DM pairing state of every channel: pending codes (at most <see cref="MaxPendingPerChannel"/> per channel, valid for
/// <see cref="CodeLifetime"/>) and approved senders, kept in one private JSON file written atomically.
/// </summary>
/// <remarks>
/// Thread-safe. Reads (<see cref="IsApproved"/> runs on every direct message) take an immutable snapshot without
/// locking or allocating; changes are serialised, written to the file (temp file, flush, rename; mode 0600, folder
/// 0700) and only then published. Expired codes are dropped on the next read or write (<see cref="Changed"/> is
/// raised when that removes any). A damaged file is reported by <see cref="LoadAsync"/> and left untouched, never
/// reset: until a later <see cref="LoadAsync"/> succeeds, every change throws instead of writing.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle, so there is nothing to dispose.")]
public sealed class PairingStore
{
    /// <summary>The most codes waiting per channel.</summary>
    public const int MaxPendingPerChannel = 3;

    /// <summary>How long a code is valid.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromHours(1);

    private const int NotLoaded = 0;
    private const int Loaded = 1;
    private const int LoadFailed = 2;

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Snapshot _snapshot = Snapshot.Empty;
    private int _loadState = NotLoaded;

    /// <summary>Creates a store over <paramref name="filePath"/> (e.g. <c>&lt;state&gt;/channels/pairing.json</c>); call <see cref="LoadAsync"/> first.</summary>
    public PairingStore(string filePath, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = Path.GetFullPath(filePath);
        _time = time;
    }

    /// <summary>The pairing file's location in a state directory: <c>&lt;state&gt;/channels/pairing.json</c>.</summary>
    public static string PathFor(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.Root, "channels", "pairing.json");
    }

    /// <summary>Raised after any change (issued, approved, rejected, revoked, expired).</summary>
    public event Action? Changed;

    /// <summary>The pairing file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Reads the file (a missing file is an empty store).</summary>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file is damaged or unreadable; the message names it and how to fix it.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PendingPairing[] pending;
            PairedSender[] approved;
            try
            {
                (pending, approved) = await PairingFile.ReadAsync(FilePath, cancellationToken).ConfigureAwait(false);
            }
            catch (OpenClawException)
            {
                Volatile.Write(ref _loadState, LoadFailed);
                throw;
            }

            var snapshot = new Snapshot(pending, approved).WithoutExpired(_time.GetUtcNow());
            Volatile.Write(ref _snapshot, snapshot);
            Volatile.Write(ref _loadState, Loaded);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Whether <paramref name="senderId"/> was approved on <paramref name="channel"/>.</summary>
    public bool IsApproved(string channel, string senderId)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(senderId);
        return Current().IsApproved(channel, senderId);
    }

    /// <summary>Issues a code for an unknown sender, repeats a valid one, or refuses when the channel has too many pending.</summary>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file cannot be written, or failed to load (nothing is written over it).</exception>
    public Task<PairingRequestResult> RequestAsync(string channel, string senderId, string chatId, string? senderName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(senderId);
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        return MutateAsync(
            (state, now) =>
            {
                if (state.IsApproved(channel, senderId))
                {
                    return (state, new PairingRequestResult(PairingRequestKind.AlreadyApproved, null));
                }

                var onChannel = 0;
                foreach (var pending in state.Pending)
                {
                    if (pending.Channel == channel)
                    {
                        if (pending.SenderId == senderId)
                        {
                            return (state, new PairingRequestResult(PairingRequestKind.Existing, pending));
                        }

                        onChannel++;
                    }
                }

                if (onChannel >= MaxPendingPerChannel)
                {
                    return (state, new PairingRequestResult(PairingRequestKind.Full, null));
                }

                string code;
                do
                {
                    code = PairingCode.New();
                }
                while (state.Pending.Any(p => p.Code == code));

                var issued = new PendingPairing(channel, code, senderId, chatId, senderName, now, now + CodeLifetime);
                return (new Snapshot([.. state.Pending, issued], state.Approved), new PairingRequestResult(PairingRequestKind.Issued, issued));
            },
            cancellationToken);
    }

    /// <summary>The valid pending codes, optionally of one channel, oldest first.</summary>
    public IReadOnlyList<PendingPairing> ListPending(string? channel = null) =>
        [.. Current().Pending.Where(p => channel is null || p.Channel == channel).OrderBy(p => p.CreatedAt)];

    /// <summary>The approved senders, optionally of one channel.</summary>
    public IReadOnlyList<PairedSender> ListApproved(string? channel = null) =>
        [.. Current().Approved.Where(a => channel is null || a.Channel == channel)];

    /// <summary>Approves a pending code: its sender becomes paired. <see langword="null"/> when no valid code matches.</summary>
    /// <remarks>The code matches case-insensitively, ignoring spaces and hyphens, only on <paramref name="channel"/>, only before it expires.</remarks>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file cannot be written, or failed to load (nothing is written over it).</exception>
    public Task<PendingPairing?> ApproveAsync(string channel, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(code);
        var canonical = PairingCode.Normalize(code);
        return MutateAsync(
            (state, now) =>
            {
                if (Find(state, channel, canonical) is not { } match)
                {
                    return (state, (PendingPairing?)null);
                }

                var pending = state.Pending.Where(p => !(p.Channel == channel && p.SenderId == match.SenderId)).ToArray();
                var approved = state.IsApproved(channel, match.SenderId)
                    ? state.Approved
                    : [.. state.Approved, new PairedSender(channel, match.SenderId, match.SenderName, now)];
                return (new Snapshot(pending, approved), match);
            },
            cancellationToken);
    }

    /// <summary>Rejects a pending code (the sender may ask again later). <see langword="null"/> when no valid code matches.</summary>
    /// <remarks>The code matches as for <see cref="ApproveAsync"/>.</remarks>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file cannot be written, or failed to load (nothing is written over it).</exception>
    public Task<PendingPairing?> RejectAsync(string channel, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(code);
        var canonical = PairingCode.Normalize(code);
        return MutateAsync(
            (state, _) => Find(state, channel, canonical) is { } match
                ? (new Snapshot([.. state.Pending.Where(p => !ReferenceEquals(p, match))], state.Approved), match)
                : (state, (PendingPairing?)null),
            cancellationToken);
    }

    /// <summary>Unpairs <paramref name="senderId"/> on <paramref name="channel"/>; false when it was not approved there.</summary>
    /// <remarks>Its next direct message goes through the channel's policy again (under pairing: a new code).</remarks>
    /// <exception cref="OpenClaw.Core.OpenClawException">The file cannot be written, or failed to load (nothing is written over it).</exception>
    public Task<bool> RevokeAsync(string channel, string senderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(senderId);
        return MutateAsync(
            (state, _) => state.IsApproved(channel, senderId)
                ? (new Snapshot(state.Pending, [.. state.Approved.Where(a => !(a.Channel == channel && a.SenderId == senderId))]), true)
                : (state, false),
            cancellationToken);
    }

    private static PendingPairing? Find(Snapshot state, string channel, string? canonicalCode)
    {
        if (canonicalCode is null)
        {
            return null;
        }

        foreach (var pending in state.Pending)
        {
            if (pending.Channel == channel && pending.Code == canonicalCode)
            {
                return pending;
            }
        }

        return null;
    }

    /// <summary>The current state without expired codes; publishes the pruned state (and raises <see cref="Changed"/>) when it dropped any.</summary>
    private Snapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var now = _time.GetUtcNow();
        if (now < snapshot.NextExpiry)
        {
            return snapshot;
        }

        var pruned = snapshot.WithoutExpired(now);
        if (Interlocked.CompareExchange(ref _snapshot, pruned, snapshot) == snapshot)
        {
            OnChanged(); // the file keeps the expired codes until the next write; loading drops them too
        }

        return pruned;
    }

    /// <summary>Applies <paramref name="change"/> to the current (pruned) state under the write lock; writes and publishes a changed state.</summary>
    private async Task<T> MutateAsync<T>(Func<Snapshot, DateTimeOffset, (Snapshot Next, T Result)> change, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        T result;
        bool changed;
        try
        {
            EnsureWritable();
            var now = _time.GetUtcNow();
            var current = Volatile.Read(ref _snapshot);
            (var next, result) = change(current.WithoutExpired(now), now);
            changed = !ReferenceEquals(next, current);
            if (changed)
            {
                await PairingFile.WriteAsync(FilePath, next.Pending, next.Approved, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _snapshot, next);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        if (changed)
        {
            OnChanged();
        }

        return result;
    }

    private void EnsureWritable()
    {
        switch (Volatile.Read(ref _loadState))
        {
            case NotLoaded:
                throw new InvalidOperationException("Call PairingStore.LoadAsync before changing pairings.");
            case LoadFailed:
                throw new OpenClawException(
                    $"The pairing file {FilePath} could not be loaded, so no pairing change is saved (the file is left as it is). " +
                    "Fix it or move it away to start with no pairings, then restart the gateway.");
            default:
                return;
        }
    }

    private void OnChanged() => Changed?.Invoke();

    /// <summary>An immutable state: pending codes, approved senders and a lookup of the latter.</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([], []);

        private readonly Dictionary<string, HashSet<string>> _approvedByChannel = new(StringComparer.Ordinal);

        public Snapshot(PendingPairing[] pending, PairedSender[] approved)
        {
            Pending = pending;
            Approved = approved;
            foreach (var sender in approved)
            {
                if (!_approvedByChannel.TryGetValue(sender.Channel, out var senders))
                {
                    _approvedByChannel[sender.Channel] = senders = new HashSet<string>(StringComparer.Ordinal);
                }

                senders.Add(sender.SenderId);
            }

            NextExpiry = DateTimeOffset.MaxValue;
            foreach (var code in pending)
            {
                if (code.ExpiresAt < NextExpiry)
                {
                    NextExpiry = code.ExpiresAt;
                }
            }
        }

        public PendingPairing[] Pending { get; }

        public PairedSender[] Approved { get; }

        /// <summary>When the first pending code expires (<see cref="DateTimeOffset.MaxValue"/> when none is pending).</summary>
        public DateTimeOffset NextExpiry { get; }

        public bool IsApproved(string channel, string senderId) =>
            _approvedByChannel.TryGetValue(channel, out var senders) && senders.Contains(senderId);

        /// <summary>This state without the codes expired at <paramref name="now"/>; itself when none is.</summary>
        public Snapshot WithoutExpired(DateTimeOffset now) =>
            now < NextExpiry ? this : new Snapshot([.. Pending.Where(p => now < p.ExpiresAt)], Approved);
    }
}
