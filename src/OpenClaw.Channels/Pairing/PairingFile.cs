using System.Text.Json;
using OpenClaw.Core;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Channels.Pairing;

/// <summary>Reads, validates and atomically writes the pairing file.</summary>
internal static class PairingFile
{
    /// <summary>Far beyond any real pairing list; a bigger file is not ours.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    private const string TempPrefix = ".tmp-";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;

    /// <summary>The pending codes and approved senders in <paramref name="path"/>; both empty when it does not exist.</summary>
    /// <exception cref="OpenClawException">The file cannot be read or is damaged (the message says how to fix it).</exception>
    public static async Task<(PendingPairing[] Pending, PairedSender[] Approved)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return ([], []);
            }

            if (info.Length > MaxBytes)
            {
                throw Damaged(path, $"it is larger than {MaxBytes / (1024 * 1024)} MiB");
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ([], []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenClawException(
                $"The pairing file {path} cannot be read ({ex.GetType().Name}). Check that it is a file that belongs to the " +
                "user running OpenClaw (`chmod 600` it), or move it away to start with no pairings.", ex);
        }

        PairingFileModel? model;
        try
        {
            model = JsonSerializer.Deserialize(bytes, PairingJsonContext.Default.PairingFileModel);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw Damaged(path, $"not valid pairing JSON{where}", ex);
        }

        return Validate(path, model);
    }

    private static (PendingPairing[] Pending, PairedSender[] Approved) Validate(string path, PairingFileModel? model)
    {
        if (model is null)
        {
            throw Damaged(path, "it holds null instead of an object");
        }

        if (model.Version > PairingFileModel.CurrentVersion)
        {
            throw new OpenClawException(
                $"The pairing file {path} was written by a newer OpenClaw (format {model.Version}; this version understands " +
                $"{PairingFileModel.CurrentVersion}). Upgrade OpenClaw, or move the file away to start with no pairings; it was left untouched.");
        }

        if (model.Version != PairingFileModel.CurrentVersion)
        {
            throw Damaged(path, "its \"version\" is missing or not 1");
        }

        var pending = new List<PendingPairing>(model.Pending?.Count ?? 0);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (model.Pending?.Count ?? 0); i++)
        {
            var entry = model.Pending![i];
            var at = $"pending[{i}]";
            if (entry is null)
            {
                throw Damaged(path, $"{at} is null");
            }

            var channel = CheckChannel(path, at, entry.Channel);
            if (!PairingCode.IsCanonical(entry.Code))
            {
                throw Damaged(path, $"{at}.code is not an 8-character pairing code");
            }

            if (!codes.Add(entry.Code!))
            {
                throw Damaged(path, $"{at}.code appears twice");
            }

            var senderId = CheckRequired(path, at + ".senderId", entry.SenderId);
            var chatId = CheckRequired(path, at + ".chatId", entry.ChatId);
            if (entry.CreatedAt is not { } createdAt || entry.ExpiresAt is not { } expiresAt)
            {
                throw Damaged(path, $"{at} lacks createdAt or expiresAt");
            }

            if (expiresAt <= createdAt)
            {
                throw Damaged(path, $"{at}.expiresAt is not after createdAt");
            }

            pending.Add(new PendingPairing(channel, entry.Code!, senderId, chatId, entry.SenderName, createdAt, expiresAt));
        }

        var approved = new List<PairedSender>(model.Approved?.Count ?? 0);
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < (model.Approved?.Count ?? 0); i++)
        {
            var entry = model.Approved![i];
            var at = $"approved[{i}]";
            if (entry is null)
            {
                throw Damaged(path, $"{at} is null");
            }

            var channel = CheckChannel(path, at, entry.Channel);
            var senderId = CheckRequired(path, at + ".senderId", entry.SenderId);
            if (entry.ApprovedAt is not { } approvedAt)
            {
                throw Damaged(path, $"{at} lacks approvedAt");
            }

            if (seen.Add((channel, senderId)))
            {
                approved.Add(new PairedSender(channel, senderId, entry.SenderName, approvedAt));
            }
        }

        return ([.. pending], [.. approved]);
    }

    private static string CheckChannel(string path, string at, string? channel)
    {
        if (!ChannelId.TryParse(channel, null, out _))
        {
            throw Damaged(path, $"{at}.channel is missing or not a channel id");
        }

        return channel!;
    }

    private static string CheckRequired(string path, string at, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Damaged(path, $"{at} is missing or empty");
        }

        return value;
    }

    private static OpenClawException Damaged(string path, string reason, Exception? inner = null)
    {
        var message = $"The pairing file {path} is damaged: {reason}. It was left untouched; fix it, or move it away to " +
            "start with no pairings (approved senders then have to pair again), and restart the gateway.";
        return inner is null ? new OpenClawException(message) : new OpenClawException(message, inner);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically with the given state: a temp file in the same folder (mode 0600 from
    /// creation), flushed to disk, then renamed over it. A missing folder is created with mode 0700.
    /// </summary>
    /// <exception cref="OpenClawException">The file or its folder cannot be written (the message says what to check).</exception>
    public static async Task WriteAsync(string path, IReadOnlyList<PendingPairing> pending, IReadOnlyList<PairedSender> approved, CancellationToken cancellationToken)
    {
        var model = new PairingFileModel
        {
            Version = PairingFileModel.CurrentVersion,
            Pending = [.. pending.Select(p => new PendingEntry
            {
                Channel = p.Channel, Code = p.Code, SenderId = p.SenderId, ChatId = p.ChatId, SenderName = p.SenderName,
                CreatedAt = p.CreatedAt, ExpiresAt = p.ExpiresAt,
            })],
            Approved = [.. approved.Select(a => new ApprovedEntry
            {
                Channel = a.Channel, SenderId = a.SenderId, SenderName = a.SenderName, ApprovedAt = a.ApprovedAt,
            })],
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(model, PairingJsonContext.Default.PairingFileModel);

        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, OwnerOnlyDirectory);
                }
            }

            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite; // private from the first byte
            }

            var stream = new FileStream(temp, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new OpenClawException(
                $"Cannot write the pairing file {path} ({ex.GetType().Name}). Check that the disk is not full or read-only " +
                "and that the file and its folder belong to the user running OpenClaw; the change was not saved.", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temp file is harmless and never read.
        }
    }
}
