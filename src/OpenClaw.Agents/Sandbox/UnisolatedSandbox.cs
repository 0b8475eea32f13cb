using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// <see cref="OpenClaw.Core.Config.SandboxLevel.None"/>: no isolation at all (the host's files and network), but still
/// the wall clock, the output cap, a cleared environment, stdin from the request and the working directory in the
/// workspace. CPU, memory and process limits are not applied.
/// </summary>
internal sealed class UnisolatedSandbox(TimeProvider time, ILogger logger) : ISandbox
{
    /// <inheritdoc />
    public string Name => "none";

    /// <inheritdoc />
    public ValueTask<SandboxAvailability> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new SandboxAvailability(true, Name));

    /// <inheritdoc />
    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        SandboxEnvironment.Validate(request);
        var relative = SandboxEnvironment.RelativeWorkingDirectory(request);
        var workingDirectory = relative.Length == 0 ? request.WorkspacePath : Path.Combine(request.WorkspacePath, relative);
        var startInfo = new ProcessStartInfo(request.Command[0]) { WorkingDirectory = workingDirectory };
        foreach (var arg in request.Command.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in SandboxEnvironment.For(request, request.WorkspacePath, Path.GetTempPath()))
        {
            startInfo.Environment[name] = value;
        }

        SandboxLog.Unisolated(logger);
        ProcessOutcome outcome;
        try
        {
            outcome = await ProcessRunner.RunAsync(startInfo, request.StandardInput, request.Limits, time, null, BubblewrapSandbox.KillTree, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            return new SandboxResult
            {
                ExitCode = 127,
                Termination = SandboxTermination.Exited,
                StandardOutput = "",
                StandardError = $"{request.Command[0]}: command not found\n",
            };
        }

        return outcome.ToResult(logger, static o => SandboxEnvironment.FromExitCode(o.ExitCode));
    }
}
