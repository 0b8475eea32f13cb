using System.CommandLine;
using System.Net;
using OpenClaw.Cli.Doctor;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Audit;

/// <summary>
/// <c>openclaw security audit [--fix] [--json]</c>: settings that weaken the gateway's defaults, each with a stable id
/// and a fix; <c>--fix</c> repairs what is safe to repair without asking (file permissions). Exit 1 when any fails.
/// </summary>
internal static class SecurityAuditCommand
{
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null)
    {
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON (one array of {id, status, message, fix})." };
        var fix = new Option<bool>("--fix") { Description = "Repair what is safe to repair: permissions of the state directory and its secrets, and secrets written in the config (moved into the credential store; the gateway must be stopped)." };
        var audit = new Command("audit", "Find settings that weaken security: open binds, readable secrets, literal secrets, no sandbox, open DMs.") { json, fix };
        audit.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            var paths = StatePaths.FromEnvironment(environment);
            var loader = new ConfigLoader(paths, environment);
            var config = await loader.LoadAsync(cancellationToken);
            SecretMoveResult? moved = null;
            if (result.GetValue(fix))
            {
                moved = await LiteralSecretMover.MoveAsync(loader, config, environment, cancellationToken);
                if (moved.Moved.Count > 0)
                {
                    config = await loader.LoadAsync(cancellationToken);
                }
            }

            var findings = Audit(paths, config, result.GetValue(fix));
            if (moved is not null && (moved.Moved.Count > 0 || moved.Notes.Count > 0))
            {
                findings = [.. findings.Select(f => f.Id != "config.literal-secrets" ? f : f with
                {
                    Message = string.Join("; ", new[]
                    {
                        moved.Moved.Count == 0 ? f.Message
                            : "fixed: moved into the credential store: " + string.Join(", ", moved.Moved.Select(m => $"{m.Key} → \"cred:{m.Credential}\""))
                                + (f.Status == CheckStatus.Ok ? "" : "; still: " + f.Message),
                    }.Concat(moved.Notes)),
                })];
            }
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(DoctorCommand.ToJson(findings));
            }
            else
            {
                foreach (var f in findings)
                {
                    await output.WriteLineAsync($"{DoctorCommand.PaintedLabel(output, f.Status)}  {f.Id,-30} {f.Message}");
                    if (f.Fix is not null && f.Status is CheckStatus.Fail or CheckStatus.Warn)
                    {
                        await output.WriteLineAsync($"      {"",-30} fix: {f.Fix}");
                    }
                }
            }

            return findings.Any(f => f.Status == CheckStatus.Fail) ? 1 : 0;
        }));
        return new Command("security", "Security checks of the installation.") { audit };
    }

    /// <summary>Every finding, in a stable order; with <paramref name="fix"/>, permissions are repaired first.</summary>
    public static IReadOnlyList<CheckResult> Audit(StatePaths paths, OpenClawConfig config, bool fix)
    {
        var findings = new List<CheckResult> { CheckBind(config) };

        var permissions = DoctorCommand.CheckPermissions(paths);
        if (fix && permissions.Status == CheckStatus.Fail && !OperatingSystem.IsWindows())
        {
            FixPermissions(paths);
            var after = DoctorCommand.CheckPermissions(paths);
            permissions = after.Status == CheckStatus.Ok ? after with { Message = "fixed: " + after.Message } : after;
        }

        findings.Add(permissions);

        var literals = config.EnumerateSecrets().Where(s => s.Value.IsLiteral).Select(s => s.Key).ToList();
        findings.Add(literals.Count == 0
            ? new("config.literal-secrets", CheckStatus.Ok, "no secret is written in the config file")
            : new("config.literal-secrets", CheckStatus.Fail, "secrets written in the config file at: " + string.Join(", ", literals),
                "store each with `openclaw credentials set <name>`, then `openclaw config set <key> \"cred:<name>\"`"));

        var unsandboxed = config.Agents.Values.Where(a => a.Sandbox.Level == SandboxLevel.None).Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        findings.Add(unsandboxed.Count == 0
            ? new("sandbox.none", CheckStatus.Ok, "every agent runs its tools isolated")
            : new("sandbox.none", CheckStatus.Fail, "tools run without isolation for agent(s): " + string.Join(", ", unsandboxed),
                string.Join("; ", unsandboxed.Select(id => $"openclaw config set agents.{id}.sandbox.level strict"))));

        var telegram = config.Channels.Telegram;
        findings.Add(telegram.Enabled && telegram.DmPolicy == DmPolicy.Open
            ? new("channels.dm-open", CheckStatus.Warn, "channels.telegram.dmPolicy is \"open\": anyone who finds the bot can talk to the agent",
                "openclaw config set channels.telegram.dmPolicy pairing")
            : new("channels.dm-open", CheckStatus.Ok, "no channel accepts messages from strangers"));

        var unattended = config.Agents.Values
            .Where(a => a.Tools.Approval == ToolApproval.Never && a.Sandbox.Level != SandboxLevel.Strict
                && OpenClaw.Agents.Tools.ToolRegistry.IsAllowed(a, "exec"))
            .Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        findings.Add(unattended.Count == 0
            ? new("tools.exec-network-unapproved", CheckStatus.Ok, "no agent runs commands with network access without approval")
            : new("tools.exec-network-unapproved", CheckStatus.Fail, "exec runs with the network on and no approval for agent(s): " + string.Join(", ", unattended),
                string.Join("; ", unattended.Select(id => $"openclaw config set agents.{id}.tools.approval dangerous"))));
        return findings;
    }

    private static CheckResult CheckBind(OpenClawConfig config)
    {
        var bind = config.Gateway.Bind;
        var loopback = string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(bind, out var address) && IPAddress.IsLoopback(address));
        if (loopback)
        {
            return new("gateway.bind", CheckStatus.Ok, $"the gateway listens on loopback only ({bind})");
        }

        // Config validation already refuses a non-loopback bind without allowed origins; what is left is exposure.
        return new("gateway.bind", CheckStatus.Warn, $"the gateway listens on {bind}, reachable from other machines (browser origins: {string.Join(", ", config.Gateway.Cors.AllowedOrigins)})",
                "make sure a firewall or a TLS reverse proxy stands in front of it");
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void FixPermissions(StatePaths paths)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(paths.Root, Private | UnixFileMode.UserExecute);
        if (Directory.Exists(paths.CredentialsDirectory))
        {
            File.SetUnixFileMode(paths.CredentialsDirectory, Private | UnixFileMode.UserExecute);
            foreach (var file in Directory.EnumerateFiles(paths.CredentialsDirectory))
            {
                File.SetUnixFileMode(file, Private);
            }
        }

        foreach (var file in new[] { paths.ConfigFile, paths.MasterKeyFile })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, Private);
            }
        }
    }
}
