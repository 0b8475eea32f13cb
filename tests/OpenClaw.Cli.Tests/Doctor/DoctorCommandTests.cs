using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using OpenClaw.Cli.Doctor;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Doctor;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the state directory's Unix modes are part of what it checks
public sealed class DoctorCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public DoctorCommandTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path;
        _environment["OPENCLAW_GATEWAY_TOKEN"] = "doctor-test-gateway-token-0123";
        File.SetUnixFileMode(_state.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Dispose();

    private string? Env(string name) => _environment.GetValueOrDefault(name);

    private async Task WriteConfigAsync(string text)
    {
        var file = new StatePaths(_state.Path).ConfigFile;
        await File.WriteAllTextAsync(file, text, Ct);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    // A state directory as a real gateway leaves it: event store, master key, credentials, auth database.
    private async Task RunGatewayOnceAsync(int port = 0)
    {
        var paths = new StatePaths(_state.Path);
        var config = await new ConfigLoader(paths, Env).LoadAsync(Ct);
        await using var app = await GatewayHost.BuildAsync(paths, config with { Gateway = config.Gateway with { Port = port } }, getEnvironmentVariable: Env, cancellationToken: Ct);
        await app.StartAsync(Ct);
        await app.StopAsync(Ct);
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var root = new RootCommand { DoctorCommand.Create(Env) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["doctor", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString() + error);
    }

    private async Task<CheckResult> CheckAsync(string id) =>
        (await DoctorCommand.RunChecksAsync(Env, Ct)).Single(c => c.Id == id);

    [Fact]
    public async Task A_healthy_state_directory_passes_every_check_and_exits_zero()
    {
        await WriteConfigAsync("{ gateway: { port: 0 } }");
        await RunGatewayOnceAsync();

        var (exit, output) = await RunAsync();

        Assert.Equal(0, exit);
        foreach (var id in new[] { "config.valid", "state.permissions", "store.integrity", "credentials.unlock", "sandbox.available", "sandbox.level", "gateway.port" })
        {
            Assert.Contains(id, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Ok, (await CheckAsync("store.integrity")).Status);
        Assert.Equal(CheckStatus.Ok, (await CheckAsync("credentials.unlock")).Status);
    }

    [Fact]
    public async Task A_damaged_event_store_fails_with_how_to_recover()
    {
        await RunGatewayOnceAsync();
        var store = new StatePaths(_state.Path).EventStoreFile;
        var bytes = await File.ReadAllBytesAsync(store, Ct);
        Array.Fill(bytes, (byte)0x5A, 4096, Math.Min(8192, bytes.Length - 4096)); // the first pages after the header, overwritten
        await File.WriteAllBytesAsync(store, bytes, Ct);

        var check = await CheckAsync("store.integrity");

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("backup", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_others_can_read_fails_and_the_fix_names_chmod()
    {
        await RunGatewayOnceAsync();
        var key = new StatePaths(_state.Path).MasterKeyFile;
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var check = await CheckAsync("state.permissions");
        var (exit, _) = await RunAsync();

        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains(key, check.Message, StringComparison.Ordinal);
        Assert.Contains("chmod", check.Fix, StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task Sandbox_none_is_flagged_with_the_command_that_restores_isolation()
    {
        await WriteConfigAsync("{ agents: { default: { sandbox: { level: \"none\" } }, helper: { model: \"openai/gpt-4o\" } } }");

        var check = await CheckAsync("sandbox.level");
        var (_, json) = await RunAsync("--json");

        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("default", check.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("helper", check.Message, StringComparison.Ordinal);
        Assert.Equal("openclaw config set agents.default.sandbox.level strict", check.Fix);
        Assert.Contains("\"id\": \"sandbox.level\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"warn\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_config_fails_and_points_at_config_validate()
    {
        await WriteConfigAsync("{ gateway: { port: \"x\" } }");

        var (exit, output) = await RunAsync();

        Assert.Equal(1, exit);
        Assert.Contains("config.valid", output, StringComparison.Ordinal);
        Assert.Contains("gateway.port", output, StringComparison.Ordinal);
        Assert.Contains("openclaw config validate", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_taken_by_another_program_fails_and_one_serving_this_gateway_passes()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;
        await WriteConfigAsync($"{{ gateway: {{ port: {taken} }} }}");

        var foreign = await CheckAsync("gateway.port");
        other.Stop();

        Assert.Equal(CheckStatus.Fail, foreign.Status);
        Assert.Contains("another program", foreign.Message, StringComparison.Ordinal);

        await WriteConfigAsync("{ gateway: { port: 0 } }");
        var paths = new StatePaths(_state.Path);
        var config = await new ConfigLoader(paths, Env).LoadAsync(Ct);
        await using var app = await GatewayHost.BuildAsync(paths, config, getEnvironmentVariable: Env, cancellationToken: Ct);
        await app.StartAsync(Ct);
        var ours = new Uri(GatewayHost.Addresses(app).First()).Port;
        await WriteConfigAsync($"{{ gateway: {{ port: {ours} }} }}");

        var running = await CheckAsync("gateway.port");
        var store = await CheckAsync("credentials.unlock");

        Assert.Equal(CheckStatus.Ok, running.Status);
        Assert.Contains("serving this gateway", running.Message, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Skip, store.Status); // the running gateway holds it
        await app.StopAsync(Ct);
    }
}
