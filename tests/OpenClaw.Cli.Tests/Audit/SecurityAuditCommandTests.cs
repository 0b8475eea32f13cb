using System.CommandLine;
using OpenClaw.Cli.Audit;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Audit;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are part of what it checks and fixes
public sealed class SecurityAuditCommandTests : IDisposable
{
    private const string LiteralKey = "sk-ant-literal-in-config-0123456789";
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public SecurityAuditCommandTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path;
        File.SetUnixFileMode(_state.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Dispose();

    private async Task WriteConfigAsync(string text)
    {
        var file = new StatePaths(_state.Path).ConfigFile;
        await File.WriteAllTextAsync(file, text, Ct);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var root = new RootCommand { SecurityAuditCommand.Create(name => _environment.GetValueOrDefault(name)) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["security", "audit", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString() + error);
    }

    [Fact]
    public async Task The_defaults_pass_every_check()
    {
        var (exit, output) = await RunAsync();

        Assert.Equal(0, exit);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warn", output, StringComparison.Ordinal);
        Assert.Contains("gateway.bind", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_weakened_setting_is_a_finding_naming_its_key_and_no_secret_is_printed()
    {
        await WriteConfigAsync($$"""
            {
              gateway: { bind: "0.0.0.0", cors: { allowedOrigins: ["https://home.example"] } },
              providers: { anthropic: { apiKey: "{{LiteralKey}}" } },
              agents: {
                default: { sandbox: { level: "none" } },
                web: { tools: { approval: "never" }, sandbox: { level: "relaxed" } },
              },
              channels: { telegram: { enabled: true, dmPolicy: "open", allowFrom: ["*"] } },
            }
            """);

        var (exit, output) = await RunAsync("--json");
        var findings = System.Text.Json.JsonDocument.Parse(output).RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => (Status: f.GetProperty("status").GetString(), Message: f.GetProperty("message").GetString()!));

        Assert.Equal(1, exit);
        Assert.Equal("warn", findings["gateway.bind"].Status);
        Assert.Equal("fail", findings["config.literal-secrets"].Status);
        Assert.Contains("providers.anthropic.apiKey", findings["config.literal-secrets"].Message, StringComparison.Ordinal);
        Assert.Equal("fail", findings["sandbox.none"].Status);
        Assert.Contains("default", findings["sandbox.none"].Message, StringComparison.Ordinal);
        Assert.Equal("warn", findings["channels.dm-open"].Status);
        Assert.Equal("fail", findings["tools.exec-network-unapproved"].Status);
        Assert.EndsWith("agent(s): web", findings["tools.exec-network-unapproved"].Message, StringComparison.Ordinal); // default asks before exec
        Assert.DoesNotContain(LiteralKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_makes_readable_secrets_private_and_the_audit_passes()
    {
        var paths = new StatePaths(_state.Path);
        await File.WriteAllTextAsync(paths.MasterKeyFile, "not a real key", Ct);
        File.SetUnixFileMode(paths.MasterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (before, _) = await RunAsync();
        var (fixedExit, output) = await RunAsync("--fix");
        var (after, _) = await RunAsync();

        Assert.Equal(1, before);
        Assert.Equal(0, fixedExit);
        Assert.Contains("fixed:", output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.MasterKeyFile));
        Assert.Equal(0, after);
    }
}
