using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Testing.Agents;

namespace OpenClaw.Agents.Tests.Tools;

public sealed class ExecToolTests
{
    [Fact]
    public async Task Exec_Command_RunsShInTheSandboxWithTheAgentsLevelAndLimits()
    {
        using var h = new ToolHarness();
        h.Agent = h.Agent with { Sandbox = new SandboxOptions { Level = SandboxLevel.Relaxed, TimeoutSeconds = 50, CpuSeconds = 40, MemoryMb = 256, MaxProcesses = 32, MaxOutputBytes = 4096 } };
        h.Sandboxes.Enqueue(FakeSandboxProvider.Result(0, stdout: "hi\n", stderr: "warn\n"));

        var result = (await h.RunAsync("exec", """{"command":"echo hi; echo warn >&2"}""")).AssertOk();

        var request = Assert.Single(h.Sandboxes.Requests);
        Assert.Equal(["/bin/sh", "-c", "echo hi; echo warn >&2"], request.Command);
        Assert.Equal(h.Workspace, request.WorkspacePath);
        Assert.Equal("", request.WorkingDirectory);
        Assert.Equal(SandboxLevel.Relaxed, request.Level);
        Assert.Equal([SandboxLevel.Relaxed], h.Sandboxes.Levels);
        Assert.Equal(new SandboxLimits(50, 40, 256, 32, 4096), request.Limits);
        Assert.Equal(0, result.Num("exitCode"));
        Assert.Equal("hi\n", result.Str("stdout"));
        Assert.Equal("warn\n", result.Str("stderr"));
        Assert.False(result.Bool("truncated"));
        Assert.Equal("exited", result.Str("termination"));
    }

    [Fact]
    public async Task Exec_Cwd_IsPassedRelativeToTheWorkspace()
    {
        using var h = new ToolHarness();
        Directory.CreateDirectory(h.InWorkspace("src/app"));

        (await h.RunAsync("exec", """{"command":"ls","cwd":"./src//app/"}""")).AssertOk();

        Assert.Equal("src/app", Assert.Single(h.Sandboxes.Requests).WorkingDirectory);
    }

    [Fact]
    public async Task Exec_CwdThroughASymlinkInside_IsPassedResolved()
    {
        using var h = new ToolHarness();
        Directory.CreateDirectory(h.InWorkspace("real/dir"));
        h.Link("shortcut", h.InWorkspace("real"));

        (await h.RunAsync("exec", """{"command":"ls","cwd":"shortcut/dir"}""")).AssertOk();

        Assert.Equal("real/dir", Assert.Single(h.Sandboxes.Requests).WorkingDirectory);
    }

    [Fact]
    public async Task Exec_MissingCwd_FailsWithoutRunning()
    {
        using var h = new ToolHarness();

        (await h.RunAsync("exec", """{"command":"ls","cwd":"nope"}""")).AssertFailed("'nope' does not exist");

        Assert.Empty(h.Sandboxes.Requests);
    }

    [Fact]
    public async Task Exec_TimeoutSeconds_CanLowerButNotRaiseTheLimit()
    {
        using var h = new ToolHarness();
        h.Agent = h.Agent with { Sandbox = new SandboxOptions { TimeoutSeconds = 60 } };

        (await h.RunAsync("exec", """{"command":"sleep 1","timeoutSeconds":5}""")).AssertOk();
        (await h.RunAsync("exec", """{"command":"sleep 1","timeoutSeconds":3600}""")).AssertOk();

        Assert.Equal([5, 60], h.Sandboxes.Requests.Select(r => r.Limits.TimeoutSeconds));
    }

    [Fact]
    public async Task Exec_NonZeroExit_FailsWithTheResult()
    {
        using var h = new ToolHarness();
        h.Sandboxes.Enqueue(FakeSandboxProvider.Result(2, stderr: "ls: cannot access 'x'\n"));

        var outcome = await h.RunAsync("exec", """{"command":"ls x"}""");

        outcome.AssertFailed("exited with code 2");
        Assert.Equal(2, outcome.Result!.Value.Num("exitCode"));
        Assert.Equal("ls: cannot access 'x'\n", outcome.Result.Value.Str("stderr"));
    }

    [Theory]
    [InlineData(SandboxTermination.TimedOut, "timed_out", "killed after 7 s")]
    [InlineData(SandboxTermination.OutputLimit, "output_limit", "more than 1048576 bytes")]
    [InlineData(SandboxTermination.MemoryLimit, "memory_limit", "memory limit")]
    [InlineData(SandboxTermination.CpuLimit, "cpu_limit", "CPU-time limit")]
    [InlineData(SandboxTermination.Cancelled, "cancelled", "cancelled")]
    [InlineData(SandboxTermination.Signalled, "signalled", "signal")]
    public async Task Exec_KilledProcess_FailsNamingWhy(SandboxTermination termination, string name, string message)
    {
        using var h = new ToolHarness();
        h.Sandboxes.Enqueue(FakeSandboxProvider.Result(137, stdout: "partial", termination: termination, truncated: true));

        var outcome = await h.RunAsync("exec", """{"command":"yes","timeoutSeconds":7}""");

        outcome.AssertFailed(message);
        Assert.Equal(name, outcome.Result!.Value.Str("termination"));
        Assert.True(outcome.Result.Value.Bool("truncated"));
        Assert.Equal("partial", outcome.Result.Value.Str("stdout"));
    }

    [Fact]
    public async Task Exec_SandboxUnavailable_Propagates()
    {
        using var h = new ToolHarness();
        h.Sandboxes.Unavailable = "bubblewrap is not installed; install it with apt-get install bubblewrap.";

        var ex = await Assert.ThrowsAsync<SandboxUnavailableException>(() => h.RunAsync("exec", """{"command":"true"}"""));

        Assert.Contains("apt-get install bubblewrap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_CallerCancellation_Propagates()
    {
        using var h = new ToolHarness();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using var parameters = System.Text.Json.JsonDocument.Parse("""{"command":"true"}""");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ToolHarness.Tool("exec").ExecuteAsync(parameters.RootElement, h.Context, cancelled.Token).AsTask());
    }
}
