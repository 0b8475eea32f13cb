using System.Globalization;
using OpenClaw.Core.Config;

namespace OpenClaw.Providers.Resilience;

/// <summary>How long the HTTP layer waits for one provider: to connect, for the response headers, and between reads of a started body.</summary>
/// <param name="Connect">Time to open the connection (TCP and TLS); <c>timeouts.connectSeconds</c>.</param>
/// <param name="FirstByte">Time from sending the request to the response headers; <c>timeouts.firstByteSeconds</c>.</param>
/// <param name="Stall">Time any single read of a started body may wait; <c>timeouts.stallSeconds</c>.</param>
internal sealed record ProviderTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan Stall)
{
    /// <summary>The timeouts that <c>providers.&lt;name&gt;.timeouts</c> configures.</summary>
    public static ProviderTimeouts From(ProviderTimeoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(
            TimeSpan.FromSeconds(options.ConnectSeconds),
            TimeSpan.FromSeconds(options.FirstByteSeconds),
            TimeSpan.FromSeconds(options.StallSeconds));
    }

    /// <summary>A duration as a user reads it in a message: "60 s", "0.25 s".</summary>
    internal static string Describe(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
