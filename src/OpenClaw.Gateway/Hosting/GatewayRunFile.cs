using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.State;

namespace OpenClaw.Gateway.Hosting;

/// <summary>What a running gateway says about itself in its state directory (<c>gateway.json</c>); no secret.</summary>
/// <param name="Pid">The gateway's process id.</param>
/// <param name="Address">The first address it actually listens on, e.g. <c>http://127.0.0.1:18789</c>.</param>
/// <param name="Version">The gateway's version.</param>
/// <param name="StartedAt">When it began listening.</param>
public sealed record GatewayRunInfo(int Pid, string Address, string Version, DateTimeOffset StartedAt);

/// <summary>
/// <c>&lt;state&gt;/gateway.json</c>: written (atomically, mode 0600) once the gateway listens, removed when it stops;
/// <c>openclaw gateway status</c>, <c>stop</c>, <c>status</c> and <c>dashboard</c> read it.
/// </summary>
public static class GatewayRunFile
{
    /// <summary>The file's name in the state directory.</summary>
    public const string FileName = "gateway.json";

    /// <summary>The run file of the state directory <paramref name="paths"/>.</summary>
    public static string PathFor(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.Root, FileName);
    }

    /// <summary>Writes <paramref name="info"/> to <paramref name="path"/>: a private temp file renamed over the target.</summary>
    public static void Write(string path, GatewayRunInfo info)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("pid", info.Pid);
            writer.WriteString("address", info.Address);
            writer.WriteString("version", info.Version);
            writer.WriteString("startedAt", info.StartedAt.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        var temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(buffer.WrittenSpan);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The run file's content, or <see langword="null"/> when there is none or it is not a run file.</summary>
    public static GatewayRunInfo? TryRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("pid", out var pid) && pid.TryGetInt32(out var pidValue) && pidValue > 0
                && root.TryGetProperty("address", out var address) && address.ValueKind == JsonValueKind.String
                && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
                && root.TryGetProperty("startedAt", out var startedAt) && startedAt.TryGetDateTimeOffset(out var startedAtValue))
            {
                return new GatewayRunInfo(pidValue, address.GetString()!, version.GetString()!, startedAtValue);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>Removes the run file when it is still the one process <paramref name="pid"/> wrote (a newer gateway's stays).</summary>
    public static void DeleteIfOwn(string path, int pid)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (TryRead(path) is { } info && info.Pid == pid)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A run file left behind reads as "not running" once this process has gone.
            }
        }
    }
}
