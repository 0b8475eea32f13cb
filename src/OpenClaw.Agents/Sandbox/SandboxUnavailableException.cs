using OpenClaw.Core;

namespace OpenClaw.Agents.Sandbox;

/// <summary>
/// The sandbox cannot isolate a tool process here (backend missing or refused); nothing ran. The gateway answers
/// <c>-32011</c> with this message, which says how to fix it.
/// </summary>
public sealed class SandboxUnavailableException : OpenClawException
{
    /// <summary>Creates the error with a message that says what is missing and how to fix it.</summary>
    public SandboxUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a safe message and the cause (never shown).</summary>
    public SandboxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error with a generic message.</summary>
    public SandboxUnavailableException()
        : base("The sandbox is unavailable.")
    {
    }
}
