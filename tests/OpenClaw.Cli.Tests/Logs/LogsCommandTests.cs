using System.Globalization;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Logs;

/// <summary>The gateway's daily log file and <c>openclaw logs</c>, as processes.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private string TodaysLog => _state.Combine("logs", "openclaw-" + DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ".log");

    [Fact]
    public async Task Logs_AfterTheGatewayRan_PrintsTheLastLinesOfItsPrivateDailyFile_WithoutTheToken()
    {
        using (var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0"))
        {
            await gateway.ListeningAsync();
            var (_, _, token) = await GatewayProcess.RunCapturingAsync(_state.Path, "gateway", "token");
            Assert.Equal(0, (await GatewayProcess.RunAsync(_state.Path, "status")).Exit); // a call with the token
            Assert.Equal(0, (await GatewayProcess.RunAsync(_state.Path, "gateway", "stop")).Exit);
            await gateway.WaitForExitAsync();
            Assert.DoesNotContain(token.Trim(), await File.ReadAllTextAsync(TodaysLog, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TodaysLog));
        }

        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "logs", "--lines", "2");

        Assert.Equal(0, exit);
        var lines = stdout.TrimEnd('\n').Split('\n');
        var file = (await File.ReadAllTextAsync(TodaysLog, TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');
        Assert.Equal(file[^2..], lines);
        Assert.Contains(file, l => l.Contains("info: Microsoft.Hosting.Lifetime[0] Application is shutting down...", StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|crit|dbug|trce): ", lines[0]);
        var all = await GatewayProcess.RunCapturingAsync(_state.Path, "logs", "--lines", "1000");
        Assert.Contains("Now listening on: http://127.0.0.1:", all.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_KeepsOnlyTheSevenNewestDailyFiles()
    {
        Directory.CreateDirectory(_state.Combine("logs"));
        for (var day = 1; day <= 9; day++)
        {
            await File.WriteAllTextAsync(_state.Combine("logs", $"openclaw-202001{day:00}.log"), "old\n", TestContext.Current.CancellationToken);
        }

        using (var gateway = GatewayProcess.Start(_state.Path, "gateway", "run", "--port", "0"))
        {
            await gateway.ListeningAsync();
            Assert.Equal(0, await gateway.TerminateAsync());
        }

        var kept = Directory.GetFiles(_state.Combine("logs")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(7, kept.Length);
        Assert.Equal("openclaw-20200104.log", kept[0]);
        Assert.Equal(Path.GetFileName(TodaysLog), kept[^1]);
    }

    [Fact]
    public async Task Logs_NeverPutsATerminalEscapeFromALoggedMessageOnTheScreen()
    {
        Directory.CreateDirectory(_state.Combine("logs"));
        await File.WriteAllTextAsync(
            _state.Combine("logs", "openclaw-20260101.log"), "warn: provider said \u001b]0;pwned\u0007\u001b[2J done\n", TestContext.Current.CancellationToken);

        var (exit, _, stdout) = await GatewayProcess.RunCapturingAsync(_state.Path, "logs", "--lines", "5");

        Assert.Equal(0, exit);
        Assert.Equal("warn: provider said ?]0;pwned??[2J done\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Logs_WithNoLogYet_SaysSoInOneLineAndFails()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "logs");

        Assert.Equal(1, exit);
        Assert.Equal($"error: no gateway log in {_state.Combine("logs")} yet; the gateway writes one there while it runs (`openclaw gateway run`).", output.TrimEnd());
    }

    [Fact]
    public async Task LogsFollow_PrintsTheLastLinesThenEachCompleteLineAsItIsWritten()
    {
        Directory.CreateDirectory(_state.Combine("logs"));
        var file = _state.Combine("logs", "openclaw-20260101.log");
        await File.WriteAllTextAsync(file, "line 1\nline 2\nline 3\n", TestContext.Current.CancellationToken);
        using var follow = GatewayProcess.Start(_state.Path, "logs", "--follow", "--lines", "1");
        await follow.WaitForOutputAsync("line 3");

        await File.AppendAllTextAsync(file, "line 4 begins", TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(file, " and ends\n", TestContext.Current.CancellationToken);
        await follow.WaitForOutputAsync("line 4 begins and ends");

        // The next day's file is picked up from its start.
        await File.WriteAllTextAsync(_state.Combine("logs", "openclaw-20260102.log"), "next day\n", TestContext.Current.CancellationToken);
        await follow.WaitForOutputAsync("next day");

        Assert.DoesNotContain("line 2", follow.Output, StringComparison.Ordinal);
        Assert.Equal(["line 3", "line 4 begins and ends", "next day"], follow.Output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Logs_WithABadLineCount_FailsWithAMessageAboutIt()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "logs", "--lines", "many");

        Assert.NotEqual(0, exit);
        Assert.Contains("--lines must be a number between 0 and 100000.", output, StringComparison.Ordinal);
    }
}
