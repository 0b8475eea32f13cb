using System.Text.Json;
using OpenClaw.Agents.Sandbox;

namespace OpenClaw.Agents.Tools;

/// <summary><c>exec</c>: a shell command run in the agent's sandbox with the workspace as its writable directory.</summary>
internal sealed class ExecTool : AgentTool
{
    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "command": { "type": "string", "minLength": 1, "maxLength": 100000, "description": "Shell command, run with /bin/sh -c." },
            "cwd": { "type": "string", "maxLength": 4096, "description": "Working directory relative to the workspace. Default: the workspace root." },
            "timeoutSeconds": { "type": "integer", "minimum": 1, "maximum": 86400, "description": "Wall-clock limit in seconds; can only lower the agent's sandbox limit." }
          },
          "required": ["command"],
          "additionalProperties": false
        }
        """;

    public ExecTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "exec";

    public override string Description =>
        "Runs a shell command (/bin/sh -c) in the sandbox. The workspace is mounted at /workspace (also HOME) and is the "
        + "only writable directory; at the strict level there is no network. Returns exitCode, stdout, stderr, whether "
        + "output was truncated, and how the process ended (exited, timed_out, output_limit, memory_limit, cpu_limit, "
        + "cancelled, signalled). A non-zero exit or a kill counts as a failure.";

    public override bool IsDangerous => true;

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var command = ToolJson.GetString(parameters, "command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ToolFailureException("command must not be empty.");
        }

        if (command.Contains('\0', StringComparison.Ordinal))
        {
            throw new ToolFailureException("command contains a NUL character.");
        }

        string cwd;
        using (var files = WorkspaceFiles.Open(context.Workspace))
        {
            cwd = files.Normalize(ToolJson.GetString(parameters, "cwd"));
            if (cwd.Length > 0)
            {
                // The directory must exist and lie inside (a symlink out is refused here, not discovered in the sandbox);
                // the sandbox gets its symlink-free path, which means the same inside /workspace.
                using var directory = files.OpenDirectory(cwd);
                cwd = files.RealRelative(directory);
            }
        }

        var limits = SandboxLimits.From(context.Agent.Sandbox);
        if (ToolJson.GetInteger(parameters, "timeoutSeconds", 1, int.MaxValue) is { } timeout && timeout < limits.TimeoutSeconds)
        {
            limits = limits with { TimeoutSeconds = (int)timeout };
        }

        var level = context.Agent.Sandbox.Level;
        var request = new SandboxRequest
        {
            Command = ["/bin/sh", "-c", command],
            WorkspacePath = context.Workspace,
            WorkingDirectory = cwd,
            Level = level,
            Limits = limits,
        };

        // SandboxUnavailableException propagates: the gateway answers -32011 with how to fix it.
        var result = await context.Sandboxes.ForLevel(level).RunAsync(request, cancellationToken).ConfigureAwait(false);
        var json = ToolJson.Object(w =>
        {
            w.WriteNumber("exitCode", result.ExitCode);
            w.WriteString("stdout", result.StandardOutput);
            w.WriteString("stderr", result.StandardError);
            w.WriteBoolean("truncated", result.OutputTruncated);
            w.WriteString("termination", TerminationName(result.Termination));
        });

        return result.Termination switch
        {
            SandboxTermination.Exited when result.ExitCode == 0 => ToolOutcome.Ok(json),
            SandboxTermination.Exited => ToolOutcome.Fail($"The command exited with code {result.ExitCode}.", json),
            SandboxTermination.TimedOut => ToolOutcome.Fail($"The command was killed after {limits.TimeoutSeconds} s (the time limit).", json),
            SandboxTermination.OutputLimit => ToolOutcome.Fail($"The command was killed for writing more than {limits.MaxOutputBytes} bytes of output.", json),
            SandboxTermination.MemoryLimit => ToolOutcome.Fail($"The command was killed at the memory limit ({limits.MemoryMb} MiB).", json),
            SandboxTermination.CpuLimit => ToolOutcome.Fail($"The command was killed at the CPU-time limit ({limits.CpuSeconds} s).", json),
            SandboxTermination.Cancelled => ToolOutcome.Fail("The command was cancelled.", json),
            _ => ToolOutcome.Fail($"The command was killed by a signal (exit code {result.ExitCode}).", json),
        };
    }

    /// <summary>The snake_case name a result shows for a termination.</summary>
    public static string TerminationName(SandboxTermination termination) => termination switch
    {
        SandboxTermination.Exited => "exited",
        SandboxTermination.TimedOut => "timed_out",
        SandboxTermination.OutputLimit => "output_limit",
        SandboxTermination.MemoryLimit => "memory_limit",
        SandboxTermination.CpuLimit => "cpu_limit",
        SandboxTermination.Cancelled => "cancelled",
        _ => "signalled",
    };
}
