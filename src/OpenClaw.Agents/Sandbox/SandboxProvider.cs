using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>Placeholder until the sandbox backends land: every level is unavailable (fail closed).</summary>
public sealed class SandboxProvider : ISandboxProvider
{
    /// <summary>Creates the provider.</summary>
    public SandboxProvider(ILoggerFactory? loggerFactory = null, TimeProvider? time = null, string? bubblewrapPath = null)
    {
        _ = loggerFactory;
        _ = time;
        _ = bubblewrapPath;
    }

    /// <inheritdoc />
    public ISandbox ForLevel(SandboxLevel level) => throw new SandboxUnavailableException("No sandbox backend yet.");
}
