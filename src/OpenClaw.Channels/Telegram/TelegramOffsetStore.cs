using System.Text;
using System.Text.Json;

namespace OpenClaw.Channels.Telegram;

/// <summary>
/// The long-poll offset in <c>&lt;stateDirectory&gt;/offset.json</c> (<c>{"offset":N}</c>, N = the last processed
/// update id + 1): written atomically (a temp file renamed over it, mode 0600), so a crash leaves the old or the new value.
/// </summary>
/// <remarks>A damaged file is an error, never a silent reset to 0 (that would replay or drop updates); deleting it resets.</remarks>
internal sealed class TelegramOffsetStore
{
    public const string FileName = "offset.json";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _directory;

    public TelegramOffsetStore(string directory)
    {
        _directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The stored offset (0 when there is no file yet).</summary>
    /// <exception cref="ChannelDeliveryException">The file cannot be read or is not an offset (the message says how to reset it).</exception>
    public long Read()
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(Path))
            {
                return 0;
            }

            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Damaged($"it cannot be read ({ex.GetType().Name})");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("offset", out var offset)
                && offset.TryGetInt64(out var value) && value >= 0)
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }

        throw Damaged("it is not {\"offset\": <number>}");
    }

    /// <summary>
    /// Stores <paramref name="offset"/> atomically (a new file renamed over the old); <paramref name="durable"/> also
    /// flushes it to the disk first, which survives a power loss and not just a crash of the process.
    /// </summary>
    public void Write(long offset, bool durable = true)
    {
        if (!Directory.Exists(_directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, OwnerOnlyDirectory);
            }
        }

        var temp = System.IO.Path.Combine(_directory, ".tmp-" + FileName + "-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes("{\"offset\":" + offset.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}\n"));
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, Path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    private ChannelDeliveryException Damaged(string why) => new(
        $"The Telegram update offset file {Path} is damaged: {why}. Polling is paused so that no update is replayed or " +
        "lost; delete the file to start again from Telegram's oldest unconfirmed update, then restart the gateway.");
}
