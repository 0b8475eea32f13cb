using System.Globalization;
using System.Net;

namespace OpenClaw.Bench.Gateway;

/// <summary>Thrown for a problem the person running the driver must fix (bad option, target down); printed without a stack.</summary>
internal sealed class BenchException(string message) : Exception(message);

/// <summary><c>--name value</c> options of the gateway drivers, with the loopback-only rule and the result file.</summary>
internal sealed class DriverArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public DriverArgs(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                throw new BenchException($"unexpected argument '{args[i]}'; options look like --name value");
            }

            var name = args[i][2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                _values[name[..equals]] = name[(equals + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[name] = args[++i];
            }
            else
            {
                _values[name] = "true";
            }
        }
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new BenchException($"--{name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new BenchException($"--{name} must be a number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    public bool Flag(string name) => String(name) is "true" or "1" or "yes";

    /// <summary>The token from <c>--token</c>, else <c>OPENCLAW_GATEWAY_TOKEN</c>; null sends no Authorization header.</summary>
    public string? Token() => String("token") ?? NullIfEmpty(Environment.GetEnvironmentVariable("OPENCLAW_GATEWAY_TOKEN"));

    /// <summary>The gateway base URL (<c>--url</c>, else <c>OPENCLAW_BENCH_URL</c>, else the default port), loopback only.</summary>
    public Uri BaseUrl(string fallback = "http://127.0.0.1:18789")
    {
        var text = String("url") ?? NullIfEmpty(Environment.GetEnvironmentVariable("OPENCLAW_BENCH_URL")) ?? fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "ws"))
        {
            throw new BenchException($"--url must be an absolute http:// URL such as http://127.0.0.1:18789, not '{text}'");
        }

        RequireLoopback(uri);
        return new UriBuilder(uri) { Scheme = "http", Path = "/" }.Uri;
    }

    /// <summary>Fails on options nobody read, so a typo is not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new BenchException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }

    public static void RequireLoopback(Uri uri)
    {
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) || !IPAddress.IsLoopback(address))
        {
            throw new BenchException($"the drivers only talk to loopback (127.0.0.1), not '{uri.Host}'");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Appends <c>key=value</c> lines to the file given by <c>--record</c> (read by bench/run-gateway.sh).</summary>
internal sealed class ResultRecord(string? path, string label)
{
    public void Add(string key, double value)
    {
        if (path is not null && !double.IsNaN(value))
        {
            File.AppendAllText(path, $"{label}.{key}={value.ToString("0.###", CultureInfo.InvariantCulture)}\n");
        }
    }

    public static ResultRecord From(DriverArgs args, string defaultLabel) => new(args.String("record"), args.String("label", defaultLabel));
}

/// <summary>Runs a driver body, turning <see cref="BenchException"/> and a dead target into one clear line and exit code 2.</summary>
internal static class DriverMain
{
    public static async Task<int> RunAsync(string name, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (BenchException ex)
        {
            await Console.Error.WriteLineAsync($"{name}: error: {ex.Message}");
            return 2;
        }
    }

    public static string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Prints a goal line; returns 1 when missed, 0 when met or when no goal was given.</summary>
    public static int Goal(string name, string what, double value, string unit, double? goal, bool higherIsBetter, string format = "N1")
    {
        if (goal is not { } target)
        {
            return 0;
        }

        var ok = higherIsBetter ? value >= target : value <= target;
        Console.WriteLine($"{name}: {what} {F(value, format)} {unit} (goal {(higherIsBetter ? ">=" : "<")} {F(target, "N0")} {unit}) {(ok ? "OK" : "MISSED")}");
        return ok ? 0 : 1;
    }
}
