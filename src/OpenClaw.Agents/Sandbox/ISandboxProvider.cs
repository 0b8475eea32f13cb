using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>Picks the sandbox backend for a level on this platform (the seam tests and the gateway share).</summary>
public interface ISandboxProvider
{
    /// <summary>
    /// The backend that isolates at <paramref name="level"/> here: bubblewrap on Linux, Seatbelt on macOS, a Job Object
    /// on Windows; <see cref="SandboxLevel.None"/> gives the unisolated runner (still with limits).
    /// </summary>
    ISandbox ForLevel(SandboxLevel level);
}
