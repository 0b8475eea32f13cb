using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Doctor;

/// <summary>How one doctor check came out.</summary>
internal enum CheckStatus
{
    /// <summary>Fine.</summary>
    Ok,

    /// <summary>Works, but should be looked at.</summary>
    Warn,

    /// <summary>Broken: the exit code is 1.</summary>
    Fail,

    /// <summary>Could not be checked now (says why).</summary>
    Skip,
}

/// <summary>One check's outcome: a stable id, a status, what was found, and how to fix it.</summary>
internal sealed record CheckResult(string Id, CheckStatus Status, string Message, string? Fix = null);

/// <summary>
/// <c>openclaw doctor [--json]</c>: checks the config, the state directory's permissions, the event store's integrity,
/// the credential store, the sandbox and the gateway's port, each with a stable id and a fix. Exit 1 when any fails.
/// </summary>
/// <remarks>Works on a stopped gateway's files directly; what a running gateway holds is reported as skipped.</remarks>
internal static class DoctorCommand
{
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null)
    {
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var json = new Option<bool>("--json") { Description = "Print the checks as JSON (one array of {id, status, message, fix})." };
        var probe = new Option<bool>("--probe") { Description = "Also make one request to each provider with a key, and to Telegram when it is on, to see the keys accepted." };
        var command = new Command("doctor", "Check the installation: config, state permissions, event store, credentials, sandbox, port.") { json, probe };
        command.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            var checks = await RunChecksAsync(environment, cancellationToken);
            if (result.GetValue(probe) && checks.All(c => c.Id != "config.valid" || c.Status != CheckStatus.Fail))
            {
                var paths = StatePaths.FromEnvironment(environment);
                var config = await new ConfigLoader(paths, environment).LoadAsync(cancellationToken);
                checks = [.. checks, .. await ProbeChecks.RunAsync(config, paths, environment, ProbeChecks.DefaultTimeout, cancellationToken)];
            }
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(ToJson(checks));
            }
            else
            {
                foreach (var check in checks)
                {
                    await output.WriteLineAsync($"{PaintedLabel(output, check.Status)}  {check.Id,-22} {check.Message}");
                    if (check.Fix is not null && check.Status is CheckStatus.Fail or CheckStatus.Warn)
                    {
                        await output.WriteLineAsync($"      {"",-22} fix: {check.Fix}");
                    }
                }
            }

            return checks.Any(c => c.Status == CheckStatus.Fail) ? 1 : 0;
        }));
        return command;
    }

    /// <summary>Every check, in a stable order.</summary>
    public static async Task<IReadOnlyList<CheckResult>> RunChecksAsync(Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var paths = StatePaths.FromEnvironment(environment);
        var checks = new List<CheckResult>();
        OpenClawConfig? config = null;
        try
        {
            config = await new ConfigLoader(paths, environment).LoadAsync(cancellationToken);
            checks.Add(new("config.valid", CheckStatus.Ok, File.Exists(paths.ConfigFile) ? $"{paths.ConfigFile} is valid" : $"{paths.ConfigFile} does not exist; every default applies"));
        }
        catch (ConfigException ex)
        {
            checks.Add(new("config.valid", CheckStatus.Fail, $"{paths.ConfigFile} has {ex.Errors.Count} error(s): {string.Join("; ", ex.Errors.Take(3))}",
                "run `openclaw config validate` for every error with its line and column"));
        }

        checks.Add(CheckPermissions(paths));
        checks.Add(CheckStore(paths));
        checks.Add(await CheckCredentialsAsync(paths, environment, cancellationToken));
        if (config is not null)
        {
            checks.Add(await CheckSandboxAsync(config, cancellationToken));
            checks.Add(CheckUnsandboxedAgents(config));
            checks.Add(await CheckPortAsync(config, cancellationToken));
        }

        return checks;
    }

    internal static CheckResult CheckPermissions(StatePaths paths)
    {
        if (OperatingSystem.IsWindows())
        {
            return new("state.permissions", CheckStatus.Skip, "Unix permissions do not apply on Windows");
        }

        if (!Directory.Exists(paths.Root))
        {
            return new("state.permissions", CheckStatus.Ok, $"{paths.Root} does not exist yet; it is created private on first start");
        }

        var open = new List<string>();
        if ((File.GetUnixFileMode(paths.Root) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
        {
            open.Add(paths.Root);
        }

        foreach (var file in new[] { paths.ConfigFile, paths.MasterKeyFile }.Concat(Directory.Exists(paths.CredentialsDirectory) ? Directory.EnumerateFiles(paths.CredentialsDirectory) : []))
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                open.Add(file);
            }
        }

        return open.Count == 0
            ? new("state.permissions", CheckStatus.Ok, $"{paths.Root} and its secrets are private to this user")
            : new("state.permissions", CheckStatus.Fail, "readable or writable by other users: " + string.Join(", ", open),
                $"chmod 700 {paths.Root} and chmod 600 on the files listed");
    }

    private static CheckResult CheckStore(StatePaths paths)
    {
        if (!File.Exists(paths.EventStoreFile))
        {
            return new("store.integrity", CheckStatus.Ok, "no event store yet; it is created on first start");
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = paths.EventStoreFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            var answer = command.ExecuteScalar() as string;
            return string.Equals(answer, "ok", StringComparison.Ordinal)
                ? new("store.integrity", CheckStatus.Ok, $"{paths.EventStoreFile}: SQLite quick_check ok")
                : new("store.integrity", CheckStatus.Fail, $"{paths.EventStoreFile}: SQLite quick_check says: {answer}",
                    "stop the gateway and restore state/events.db from a backup; keep the damaged file for inspection");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            return new("store.integrity", CheckStatus.Skip, "the event store is busy (a running gateway is writing); run doctor again with it stopped");
        }
        catch (SqliteException ex)
        {
            return new("store.integrity", CheckStatus.Fail, $"{paths.EventStoreFile} cannot be read: {ex.Message}",
                "stop the gateway and restore state/events.db from a backup");
        }
    }

    private static async Task<CheckResult> CheckCredentialsAsync(StatePaths paths, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (!File.Exists(paths.MasterKeyFile) && !Directory.Exists(paths.CredentialsDirectory))
        {
            return new("credentials.unlock", CheckStatus.Ok, "no credential store yet; it is created on first start");
        }

        try
        {
            using var store = new CredentialStore(paths, CredentialStoreOptions.FromEnvironment(environment));
            var names = await store.ListAsync(cancellationToken);
            return new("credentials.unlock", CheckStatus.Ok, $"the credential store opens ({names.Count} credential(s))");
        }
        catch (OpenClawException ex) when (ex.Message.Contains("in use", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("another process", StringComparison.OrdinalIgnoreCase))
        {
            return new("credentials.unlock", CheckStatus.Skip, "a running gateway holds the credential store (so it unlocked)");
        }
        catch (OpenClawException ex)
        {
            return new("credentials.unlock", CheckStatus.Fail, ex.Message,
                "check OPENCLAW_MASTER_PASSWORD or master.key; `openclaw credentials list` shows the same error");
        }
    }

    private static async Task<CheckResult> CheckSandboxAsync(OpenClawConfig config, CancellationToken cancellationToken)
    {
        if (config.Agents.Values.All(a => a.Sandbox.Level == SandboxLevel.None))
        {
            return new("sandbox.available", CheckStatus.Skip, "no agent uses a sandbox");
        }

        var availability = await new SandboxProvider().ForLevel(SandboxLevel.Strict).CheckAsync(cancellationToken);
        return availability.Available
            ? new("sandbox.available", CheckStatus.Ok, $"{availability.Backend} isolates tool processes here")
            : new("sandbox.available", CheckStatus.Fail, $"{availability.Backend}: {availability.Problem}",
                "until fixed, exec and other sandboxed tools are refused (-32011); they never run unisolated");
    }

    private static CheckResult CheckUnsandboxedAgents(OpenClawConfig config)
    {
        var open = config.Agents.Values.Where(a => a.Sandbox.Level == SandboxLevel.None).Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        return open.Count == 0
            ? new("sandbox.level", CheckStatus.Ok, "every agent runs its tools isolated")
            : new("sandbox.level", CheckStatus.Warn, "sandbox level \"none\" (no isolation) for agent(s): " + string.Join(", ", open),
                string.Join("; ", open.Select(id => $"openclaw config set agents.{id}.sandbox.level strict")));
    }

    private static async Task<CheckResult> CheckPortAsync(OpenClawConfig config, CancellationToken cancellationToken)
    {
        var address = string.Equals(config.Gateway.Bind, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(config.Gateway.Bind);
        var port = config.Gateway.Port;
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
            return new("gateway.port", CheckStatus.Ok, $"{address}:{port} is free (the gateway is not running)");
        }
        catch (SocketException)
        {
            // Taken: by our gateway (its /health says so), or by something else.
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
                var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address;
                var body = await http.GetStringAsync(new Uri($"http://{new IPEndPoint(host, port)}/health"), cancellationToken);
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("status", out var status) && status.GetString() == "ok" && doc.RootElement.TryGetProperty("uptimeSeconds", out _))
                {
                    return new("gateway.port", CheckStatus.Ok, $"{address}:{port} is serving this gateway (it is running)");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                // not us
            }

            return new("gateway.port", CheckStatus.Fail, $"{address}:{port} is taken by another program",
                "stop it, or choose another port: openclaw config set gateway.port <port>");
        }
    }

    /// <summary>The status word padded to one width, coloured at a terminal (<see cref="CliStyle"/>).</summary>
    internal static string PaintedLabel(TextWriter output, CheckStatus status) => CliStyle.Paint(output, Label(status).PadRight(4), status switch
    {
        CheckStatus.Ok => Tone.Good,
        CheckStatus.Warn => Tone.Warning,
        CheckStatus.Fail => Tone.Bad,
        _ => Tone.Muted,
    });

    internal static string Label(CheckStatus status) => status switch
    {
        CheckStatus.Ok => "ok",
        CheckStatus.Warn => "warn",
        CheckStatus.Fail => "FAIL",
        _ => "skip",
    };

    internal static string ToJson(IReadOnlyList<CheckResult> checks) => CliText.Json(w =>
    {
        w.WriteStartArray();
        foreach (var check in checks)
        {
            w.WriteStartObject();
            w.WriteString("id", check.Id);
            w.WriteString("status", Label(check.Status).ToLowerInvariant());
            w.WriteString("message", check.Message);
            if (check.Fix is not null)
            {
                w.WriteString("fix", check.Fix);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });
}
