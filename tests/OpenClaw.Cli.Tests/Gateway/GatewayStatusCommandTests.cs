using System.Globalization;
using System.Text.Json;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Gateway;

/// <summary><c>openclaw gateway status</c> and <c>gateway stop</c> as processes, against a real gateway process.</summary>
public sealed class GatewayStatusCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Status_WhileTheGatewayRuns_ReportsItsAddressPidAndVersionAndExitsZero()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();

        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "status", "--json");

        Assert.Equal(0, exit);
        using var status = JsonDocument.Parse(stdout);
        var root = status.RootElement;
        Assert.True(root.GetProperty("running").GetBoolean());
        Assert.Equal(address, root.GetProperty("address").GetString());
        Assert.Equal(gateway.Id, root.GetProperty("pid").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.True(root.GetProperty("uptimeSeconds").GetInt64() >= 0);

        var (textExit, text) = await GatewayProcess.RunAsync(_state.Path, "gateway", "status");
        Assert.Equal(0, textExit);
        Assert.Contains($"gateway running at {address}", text, StringComparison.Ordinal);
        Assert.Contains("pid " + gateway.Id.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusAndStop_WithStateDirOption_FindTheGatewayOfThatDirectory()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        var address = await gateway.ListeningAsync();
        using var elsewhere = new TempDirectory();

        var (otherExit, _) = await GatewayProcess.RunAsync(elsewhere.Path, "gateway", "status");
        var (exit, output) = await GatewayProcess.RunAsync(elsewhere.Path, "gateway", "status", "--state-dir", _state.Path);
        var (stopExit, _) = await GatewayProcess.RunAsync(elsewhere.Path, "gateway", "stop", "--state-dir", _state.Path, "--timeout", "60");

        Assert.Equal(3, otherExit);
        Assert.Equal(0, exit);
        Assert.Contains(address, output, StringComparison.Ordinal);
        Assert.Equal(0, stopExit);
        Assert.Equal(0, await gateway.WaitForExitAsync());
    }

    [Fact]
    public async Task RunFile_IsPrivateWhileRunning_AndGoneAfterStop()
    {
        using var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0");
        await gateway.ListeningAsync();
        var runFile = _state.Combine("gateway.json");
        Assert.True(File.Exists(runFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(runFile));
        }

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "stop");

        Assert.Equal(0, exit);
        Assert.Contains("gateway stopped (pid " + gateway.Id.ToString(CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
        Assert.Equal(0, await gateway.WaitForExitAsync());
        Assert.Contains("openclaw gateway stopped", gateway.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(runFile));

        var (after, afterOutput) = await GatewayProcess.RunAsync(_state.Path, "gateway", "status");
        Assert.Equal(3, after);
        Assert.Contains("not running", afterOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WithNoGateway_PrintsOneLineAndExitsThree()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "status");

        Assert.Equal(3, exit);
        Assert.Equal($"gateway not running: no gateway is running for the state directory {_state.Path}", output.TrimEnd());
    }

    [Fact]
    public async Task Status_WithARunFileOfAProcessThatExited_ReadsAsNotRunning()
    {
        // The pid of a process that has certainly exited: one this test started and waited for.
        using var finished = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await finished.WaitForExitAsync(TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(_state.Combine("gateway.json"), $$"""
            {"pid": {{finished.Id}}, "address": "http://127.0.0.1:1", "version": "0.1.0", "startedAt": "2026-01-01T00:00:00+00:00"}
            """, TestContext.Current.CancellationToken);

        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "status", "--json");

        Assert.Equal(3, exit);
        using var status = JsonDocument.Parse(stdout);
        Assert.False(status.RootElement.GetProperty("running").GetBoolean());
        Assert.Contains("has exited", status.RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WithARunFileNamingALiveProcessThatDoesNotAnswer_SignalsNothingAndSaysHowToStopItByHand()
    {
        // A live process that started before the run file was written (this test host): a hung gateway looks the same,
        // so only the health check at the file's address can refuse it, and it must, or stop would send SIGTERM to the
        // test itself. The user is told the pid and the command, and decides.
        await File.WriteAllTextAsync(_state.Combine("gateway.json"), $$"""
            {"pid": {{Environment.ProcessId}}, "address": "http://127.0.0.1:1", "version": "0.1.0", "startedAt": "{{DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}}"}
            """, TestContext.Current.CancellationToken);

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "stop");

        Assert.Equal(1, exit);
        Assert.Contains("does not answer at http://127.0.0.1:1", output, StringComparison.Ordinal);
        Assert.Contains($"kill -TERM {Environment.ProcessId}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WithARunFileWrittenBeforeItsProcessStarted_TreatsThePidAsRecycled()
    {
        await File.WriteAllTextAsync(_state.Combine("gateway.json"), $$"""
            {"pid": {{Environment.ProcessId}}, "address": "http://127.0.0.1:1", "version": "0.1.0", "startedAt": "2000-01-01T00:00:00+00:00"}
            """, TestContext.Current.CancellationToken);

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "stop");

        Assert.Equal(3, exit);
        Assert.Contains("has exited", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WithNoGateway_ExitsThree()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "stop");

        Assert.Equal(3, exit);
        Assert.StartsWith("error: no gateway is running", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("soon")]
    public async Task Stop_WithABadTimeout_FailsWithAMessageAboutIt(string value)
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "gateway", "stop", "--timeout", value);

        // Parse errors exit with System.CommandLine's code for now (CliApp owns the mapping to 2).
        Assert.NotEqual(0, exit);
        Assert.Contains("--timeout must be a number of seconds between 1 and 86400.", output, StringComparison.Ordinal);
    }
}
