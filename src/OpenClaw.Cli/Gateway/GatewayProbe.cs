using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;

namespace OpenClaw.Cli.Gateway;

/// <summary>What <c>gateway status</c> found: a gateway that is up (run file, live process, answering health), or why not.</summary>
/// <param name="StateDirectory">The state directory looked at.</param>
/// <param name="Info">The run file's content, when there is one.</param>
/// <param name="BaseUrl">The URL a local client reaches the gateway on (wildcard binds become loopback), when known.</param>
/// <param name="Version">The version <c>/health</c> reported.</param>
/// <param name="UptimeSeconds">The uptime <c>/health</c> reported.</param>
/// <param name="Problem">Why the gateway counts as not running; null when it runs.</param>
internal sealed record GatewayState(
    string StateDirectory, GatewayRunInfo? Info, Uri? BaseUrl, string? Version, long? UptimeSeconds, string? Problem)
{
    /// <summary>Whether a gateway of this state directory runs and answers.</summary>
    public bool Running => Problem is null;
}

/// <summary>Finds the gateway of a state directory through its run file, never trusting a pid the file names blindly.</summary>
internal static class GatewayProbe
{
    /// <summary>How long <c>/health</c> may take to answer.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    // The process must have started before the gateway wrote its run file; a recycled pid belongs to a later process.
    // The slack covers the coarse start time the OS reports.
    private static readonly TimeSpan s_startSlack = TimeSpan.FromSeconds(2);

    /// <summary>Reads the run file of <paramref name="paths"/>, checks its process and asks its <c>/health</c>.</summary>
    public static async Task<GatewayState> ProbeAsync(StatePaths paths, TimeProvider time, CancellationToken cancellationToken)
    {
        var root = paths.Root;
        var info = GatewayRunFile.TryRead(GatewayRunFile.PathFor(paths));
        if (info is null)
        {
            return new GatewayState(root, null, null, null, null, $"no gateway is running for the state directory {root}");
        }

        if (!Uri.TryCreate(info.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttp)
        {
            return new GatewayState(root, info, null, null, null, $"the run file {GatewayRunFile.PathFor(paths)} names no usable address");
        }

        var baseUrl = LocalUrl(address);
        if (!IsOurProcess(info))
        {
            return new GatewayState(root, info, baseUrl, null, null,
                $"no gateway is running for the state directory {root} (process {Pid(info)} from its run file has exited)");
        }

        var health = await GetHealthAsync(baseUrl, cancellationToken);
        if (health is not var (version, uptime))
        {
            return new GatewayState(root, info, baseUrl, null, null,
                $"the gateway process {Pid(info)} of the state directory {root} does not answer at {Display(baseUrl)}");
        }

        // The gateway's clock starts before it listens: an uptime shorter than the time since the run file was written
        // means another gateway answers at that address.
        var sinceStart = time.GetUtcNow() - info.StartedAt;
        if (uptime + s_startSlack.TotalSeconds < sinceStart.TotalSeconds)
        {
            return new GatewayState(root, info, baseUrl, null, null,
                $"the gateway answering at {Display(baseUrl)} is not the one that wrote {GatewayRunFile.PathFor(paths)}");
        }

        return new GatewayState(root, info, baseUrl, version, uptime, null);
    }

    /// <summary>Whether the run file's process still lives and started before the file was written (not a recycled pid).</summary>
    public static bool IsOurProcess(GatewayRunInfo info)
    {
        if (!ProcessSignals.IsAlive(info.Pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(info.Pid);
            return process.StartTime.ToUniversalTime() <= info.StartedAt.UtcDateTime + s_startSlack;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // gone meanwhile
        }
    }

    /// <summary>The address as a local client reaches it: a wildcard bind becomes the loopback address.</summary>
    public static Uri LocalUrl(Uri address)
    {
        var host = address.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            _ => address.Host,
        };
        return new UriBuilder(address) { Host = host.Trim('[', ']'), Path = "/" }.Uri;
    }

    /// <summary>The base URL without its trailing slash, as shown to users.</summary>
    public static string Display(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>Uptime in words, e.g. <c>2h 5m</c>.</summary>
    public static string Uptime(long seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s"
            : $"{span.Seconds}s";
    }

    private static string Pid(GatewayRunInfo info) => info.Pid.ToString(CultureInfo.InvariantCulture);

    private static async Task<(string Version, long Uptime)?> GetHealthAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = HealthTimeout };
        using var http = new HttpClient(handler) { Timeout = HealthTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri(baseUrl, "health"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("status", out var status) && status.ValueEquals("ok")
                && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
                && root.TryGetProperty("uptimeSeconds", out var uptime) && uptime.TryGetInt64(out var seconds)
                ? (version.GetString()!, seconds)
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
