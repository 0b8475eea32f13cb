namespace OpenClaw.Core;

/// <summary>
/// The one exception type whose message may reach a client or a user. Anything else is reported generically.
/// </summary>
/// <remarks>Messages must never carry secrets, stack traces or paths outside the workspace.</remarks>
public class OpenClawException : Exception
{
    /// <summary>Creates an error with a message that is safe to show to a user.</summary>
    public OpenClawException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a safe message and the inner cause (the cause is never shown).</summary>
    public OpenClawException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error with no message.</summary>
    public OpenClawException()
    {
    }
}
