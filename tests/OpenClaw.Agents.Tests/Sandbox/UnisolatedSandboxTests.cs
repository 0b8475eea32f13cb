using System.Text;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Sandbox;

/// <summary>Level none isolates nothing, but still clears the environment, caps output and time, and runs in the workspace.</summary>
public sealed class UnisolatedSandboxTests : IDisposable
{
    private readonly TempDirectory _workspace = new();
    private readonly ISandbox _sandbox = new SandboxProvider().ForLevel(SandboxLevel.None);

    public void Dispose() => _workspace.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxRequest Shell(string script, int timeout = 30, int output = 1 << 20) => new()
    {
        Command = ["/bin/sh", "-c", script],
        WorkspacePath = _workspace.Path,
        Level = SandboxLevel.None,
        Limits = new SandboxLimits(timeout, 30, 256, 64, output),
    };

    [Fact]
    public async Task It_runs_in_the_workspace_with_the_allowlisted_environment_only()
    {
        var name = "OPENCLAW_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "secret");
        try
        {
            var result = await _sandbox.RunAsync(Shell("pwd; env"), Ct);

            Assert.StartsWith(_workspace.Path + "\n", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(name, result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"HOME={_workspace.Path}\n", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Output_is_capped_and_time_is_limited()
    {
        var flood = await _sandbox.RunAsync(Shell("yes", output: 5000), Ct);
        var loop = await _sandbox.RunAsync(Shell("while :; do :; done", timeout: 1), Ct);

        Assert.Equal(SandboxTermination.OutputLimit, flood.Termination);
        Assert.EndsWith("[output truncated: limit of 5000 bytes reached]\n", flood.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(SandboxTermination.TimedOut, loop.Termination);
    }

    [Fact]
    public async Task Stdin_is_the_requests_bytes_and_a_missing_program_is_exit_127()
    {
        var echoed = await _sandbox.RunAsync(Shell("cat") with { StandardInput = Encoding.UTF8.GetBytes("in") }, Ct);
        var missing = await _sandbox.RunAsync(Shell("") with { Command = ["/no/such/program"] }, Ct);

        Assert.Equal("in", echoed.StandardOutput);
        Assert.Equal(127, missing.ExitCode);
    }
}
