using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenClaw.Cli.Gateway;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.OAuth;
using OpenClaw.Core.State;
using OpenClaw.Providers.Registry;

namespace OpenClaw.Cli.Status;

/// <summary>
/// <c>openclaw status</c>: one screen on the gateway, agents, providers, channels, sessions and today's usage; over RPC
/// when the gateway runs, else what the config file and the credential store say (exit 3).
/// </summary>
internal static class StatusCommand
{
    /// <summary>Builds <c>status</c>; <paramref name="getEnvironmentVariable"/> replaces the process environment (tests).</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, RpcClientOptions? options = null, TimeProvider? time = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        options ??= new RpcClientOptions();
        time ??= TimeProvider.System;
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the summary." };
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var configFile = new Option<string?>("--config") { Description = "Config file (default: OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)." };
        var tokenEnv = new Option<string?>("--token-env") { Description = "Read the gateway token from this environment variable (default: the stored credential gateway-token)." };
        var command = new Command("status", "One screen: the gateway, agents, providers (key present or missing), channels, sessions and usage today (exit 3 when the gateway is not running).")
        {
            json, stateDir, configFile, tokenEnv,
        };
        command.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, () =>
        {
            var environment = GatewayCommands.WithOverrides(env, result.GetValue(stateDir), result.GetValue(configFile));
            return RunAsync(environment, result.GetValue(tokenEnv), result.GetValue(json), options, time,
                result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        }));
        return command;
    }

    /// <summary>Gathers and prints the status; 0 when the gateway runs and answered, 1 when it refused a call, 3 when it is not running.</summary>
    public static async Task<int> RunAsync(
        Func<string, string?> environment, string? tokenEnv, bool json, RpcClientOptions options, TimeProvider time, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var paths = StatePaths.FromEnvironment(environment);
        var gateway = await GatewayProbe.ProbeAsync(paths, time, cancellationToken);
        var report = gateway.Running
            ? await OnlineAsync(gateway, environment, tokenEnv, options, time, error, cancellationToken)
            : await OfflineAsync(gateway, paths, environment, time, cancellationToken);
        await output.WriteAsync(json ? Json(report) : Text(report, CliStyle.Enabled(output)));
        return !gateway.Running ? CliExit.GatewayNotRunning : report.Complete ? CliExit.Success : CliExit.Failure;
    }

    private static async Task<StatusReport> OnlineAsync(
        GatewayState gateway, Func<string, string?> environment, string? tokenEnv, RpcClientOptions options, TimeProvider time, TextWriter error,
        CancellationToken cancellationToken)
    {
        var target = await GatewayTarget.ResolveAsync(environment, gateway.BaseUrl!.ToString(), tokenEnv, error, cancellationToken);
        using var status = await RpcCall.CallAsync(target, "system.status", null, options, error, cancellationToken);
        using var agents = await RpcCall.CallAsync(target, "agents.list", null, options, error, cancellationToken);
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        using var since = JsonDocument.Parse($$"""{"since":"{{midnight.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}""");
        using var usage = await RpcCall.CallAsync(target, "usage.summary", since.RootElement, options, error, cancellationToken);

        var report = new StatusReport(gateway) { Complete = status is not null && agents is not null && usage is not null };
        if (agents is not null)
        {
            foreach (var agent in Array(agents.RootElement, "agents"))
            {
                report.Agents.Add(new AgentLine(
                    String(agent, "id") ?? "?", String(agent, "model") ?? "?",
                    agent.TryGetProperty("sandbox", out var sandbox) ? String(sandbox, "level") ?? "?" : "?"));
            }
        }

        if (status is not null)
        {
            var root = status.RootElement;
            report.MemoryBytes = Long(root, "memoryBytes");
            if (root.TryGetProperty("sessions", out var sessions))
            {
                report.Sessions = (Long(sessions, "total") ?? 0, Long(sessions, "active") ?? 0);
            }

            foreach (var provider in Array(root, "providers"))
            {
                report.Providers.Add(new ProviderLine(
                    String(provider, "name") ?? "?", String(provider, "auth") ?? "?",
                    provider.TryGetProperty("hasKey", out var hasKey) && hasKey.ValueKind == JsonValueKind.True,
                    String(provider, "problem")));
            }

            report.Channels = [];
            foreach (var channel in Array(root, "channels"))
            {
                report.Channels.Add(new ChannelLine(
                    String(channel, "id") ?? "?",
                    !channel.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
                    channel.TryGetProperty("connected", out var connected) && connected.ValueKind == JsonValueKind.True,
                    String(channel, "error")));
            }
        }

        if (usage is not null && usage.RootElement.TryGetProperty("total", out var total))
        {
            report.Usage = new UsageLine(
                Long(total, "requests") ?? 0, Long(total, "totalTokens") ?? 0, Long(total, "inputTokens") ?? 0, Long(total, "outputTokens") ?? 0);
        }

        return report;
    }

    // Without a gateway: agents and providers from the config file, key presence from the credential store (read-only,
    // as `openclaw gateway token` reads it).
    private static async Task<StatusReport> OfflineAsync(
        GatewayState gateway, StatePaths paths, Func<string, string?> environment, TimeProvider time, CancellationToken cancellationToken)
    {
        var report = new StatusReport(gateway);
        OpenClawConfig config;
        try
        {
            config = await new ConfigLoader(paths, environment).LoadAsync(cancellationToken);
        }
        catch (ConfigException ex)
        {
            report.Notes.Add("the config cannot be read: " + ex.Message);
            return report;
        }

        foreach (var agent in config.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            report.Agents.Add(new AgentLine(agent.Id, agent.Model, LevelName(agent.Sandbox.Level)));
        }

        try
        {
            var storeOptions = CredentialStoreOptions.FromEnvironment(environment);
            using var store = new CredentialStore(paths, new CredentialStoreOptions { MasterPassword = storeOptions.MasterPassword, ReadOnly = true });
            using var http = new HttpClient();
            using var oauth = new OAuthTokenManager(store, http, time);
            using var registry = new ProviderRegistry(() => config, new SecretResolver(store, environment), oauth, time, null);
            foreach (var provider in await registry.GetStatusAsync(cancellationToken))
            {
                report.Providers.Add(new ProviderLine(provider.Name, provider.Auth, provider.HasKey, provider.Problem));
            }
        }
        catch (OpenClawException ex)
        {
            report.Notes.Add("the credential store cannot be read, so key presence is unknown: " + ex.Message);
            foreach (var name in config.Providers.Keys.Order(StringComparer.Ordinal))
            {
                report.Providers.Add(new ProviderLine(name, "?", null, null));
            }
        }

        return report;
    }

    private static string LevelName(SandboxLevel level) => level switch
    {
        SandboxLevel.None => "none",
        SandboxLevel.Relaxed => "relaxed",
        _ => "strict",
    };

    /// <summary>The summary as text, one labelled block per part.</summary>
    internal static string Text(StatusReport report, bool colour = false)
    {
        string P(string word, Tone tone) => colour ? CliStyle.Paint(word, tone) : word;
        var text = new StringBuilder();
        var gateway = report.Gateway;
        if (gateway.Running)
        {
            var memory = report.MemoryBytes is { } bytes ? $", memory {bytes / (1024.0 * 1024.0):0.0} MiB" : string.Empty;
            Line(text, "gateway", $"{P("running", Tone.Good)} at {GatewayProbe.Display(gateway.BaseUrl!)} (version {gateway.Version}, pid {gateway.Info!.Pid.ToString(CultureInfo.InvariantCulture)}, up {GatewayProbe.Uptime(gateway.UptimeSeconds ?? 0)}{memory})");
        }
        else
        {
            Line(text, "gateway", P("not running", Tone.Bad) + ": " + CliText.Printable(gateway.Problem ?? string.Empty));
        }

        Lines(text, "agents", report.Agents.Select(a => $"{a.Id}: {a.Model}, sandbox {a.Sandbox}"), "none configured");
        Lines(text, "providers", report.Providers.Select(p => p.HasKey switch
        {
            null => $"{p.Name}: key unknown",
            true => p.Auth == "oauth" ? $"{p.Name}: {P("signed in", Tone.Good)}" : $"{p.Name}: {P("key present", Tone.Good)}",
            false when p.Auth == "none" => $"{p.Name}: no key needed",
            false => $"{p.Name}: {P("key missing", Tone.Bad)}" + (p.Problem is null ? string.Empty : " — " + CliText.Printable(p.Problem)),
        }), "none configured");
        if (!gateway.Running)
        {
            Line(text, "channels", "unknown: the gateway is not running (start it with `openclaw gateway run`)");
            Line(text, "sessions", "unknown: the gateway is not running");
            Line(text, "usage", "unknown: the gateway is not running");
        }
        else
        {
            if (report.Channels is { } channels)
            {
                Lines(text, "channels", channels.Select(c => !c.Enabled ? $"{c.Id}: off"
                    : c.Error is { } problem ? $"{c.Id}: {P("error", Tone.Bad)} — {CliText.Printable(problem)}"
                    : c.Connected ? $"{c.Id}: {P("connected", Tone.Good)}" : $"{c.Id}: {P("not connected", Tone.Warning)}"), "none");
            }

            if (report.Sessions is var (total, active))
            {
                Line(text, "sessions", $"{total.ToString(CultureInfo.InvariantCulture)} total, {active.ToString(CultureInfo.InvariantCulture)} active");
            }

            if (report.Usage is { } usage)
            {
                Line(text, "usage", string.Create(CultureInfo.InvariantCulture,
                    $"today (UTC): {usage.Requests:N0} requests, {usage.TotalTokens:N0} tokens ({usage.InputTokens:N0} in, {usage.OutputTokens:N0} out)"));
            }
        }

        foreach (var note in report.Notes)
        {
            Line(text, "note", note);
        }

        return text.ToString();
    }

    /// <summary>The summary as one JSON object.</summary>
    internal static string Json(StatusReport report) => CliText.Json(writer => WriteJson(writer, report)) + Environment.NewLine;

    private static void WriteJson(Utf8JsonWriter writer, StatusReport report)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("gateway");
        GatewayStatusCommand.WriteProperties(writer, report.Gateway);
        if (report.MemoryBytes is { } memory)
        {
            writer.WriteNumber("memoryBytes", memory);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("agents");
        foreach (var agent in report.Agents)
        {
            writer.WriteStartObject();
            writer.WriteString("id", agent.Id);
            writer.WriteString("model", agent.Model);
            writer.WriteString("sandbox", agent.Sandbox);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("providers");
        foreach (var provider in report.Providers)
        {
            writer.WriteStartObject();
            writer.WriteString("name", provider.Name);
            writer.WriteString("auth", provider.Auth);
            if (provider.HasKey is { } hasKey)
            {
                writer.WriteBoolean("hasKey", hasKey);
            }
            else
            {
                writer.WriteNull("hasKey");
            }

            if (provider.Problem is { } problem)
            {
                writer.WriteString("problem", problem);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (report.Channels is { } channels)
        {
            writer.WriteStartArray("channels");
            foreach (var channel in channels)
            {
                writer.WriteStartObject();
                writer.WriteString("id", channel.Id);
                writer.WriteBoolean("enabled", channel.Enabled);
                writer.WriteBoolean("connected", channel.Connected);
                if (channel.Error is { } problem)
                {
                    writer.WriteString("error", problem);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("channels");
        }

        if (report.Sessions is var (total, active))
        {
            writer.WriteStartObject("sessions");
            writer.WriteNumber("total", total);
            writer.WriteNumber("active", active);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("sessions");
        }

        if (report.Usage is { } usage)
        {
            writer.WriteStartObject("usageToday");
            writer.WriteNumber("requests", usage.Requests);
            writer.WriteNumber("totalTokens", usage.TotalTokens);
            writer.WriteNumber("inputTokens", usage.InputTokens);
            writer.WriteNumber("outputTokens", usage.OutputTokens);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("usageToday");
        }

        writer.WriteStartArray("notes");
        foreach (var note in report.Notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(label.PadRight(10)).Append(value).Append('\n');

    private static void Lines(StringBuilder text, string label, IEnumerable<string> values, string empty)
    {
        var first = true;
        foreach (var value in values)
        {
            Line(text, first ? label : string.Empty, value);
            first = false;
        }

        if (first)
        {
            Line(text, label, empty);
        }
    }

    private static JsonElement[] Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray()]
            : [];

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : null;
}

/// <summary>Everything <c>openclaw status</c> shows; the parts a stopped gateway cannot tell stay null.</summary>
internal sealed class StatusReport(GatewayState gateway)
{
    public GatewayState Gateway { get; } = gateway;

    /// <summary>Whether every call the summary needed was answered.</summary>
    public bool Complete { get; init; } = true;

    public long? MemoryBytes { get; set; }

    public List<AgentLine> Agents { get; } = [];

    public List<ProviderLine> Providers { get; } = [];

    public List<ChannelLine>? Channels { get; set; }

    public (long Total, long Active)? Sessions { get; set; }

    public UsageLine? Usage { get; set; }

    public List<string> Notes { get; } = [];
}

/// <summary>An agent: its model and sandbox level.</summary>
internal sealed record AgentLine(string Id, string Model, string Sandbox);

/// <summary>A provider: how it authenticates and whether its key is present (null: unknown).</summary>
internal sealed record ProviderLine(string Name, string Auth, bool? HasKey, string? Problem);

/// <summary>A channel's connection.</summary>
internal sealed record ChannelLine(string Id, bool Enabled, bool Connected, string? Error);

/// <summary>Today's usage totals.</summary>
internal sealed record UsageLine(long Requests, long TotalTokens, long InputTokens, long OutputTokens);
