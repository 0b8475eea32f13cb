using OpenClaw.Core;

namespace OpenClaw.Agents.Runtime;

/// <summary>Why an agent operation was refused.</summary>
public enum AgentErrorKind
{
    /// <summary>No such agent, session, run, tool or approval (<c>-32003</c>).</summary>
    NotFound,

    /// <summary>The request conflicts with the state (ended session, queue full, already resolved) (<c>-32005</c>).</summary>
    Conflict,

    /// <summary>A parameter is wrong (<c>-32602</c>, naming <see cref="AgentException.Field"/>).</summary>
    InvalidParams,

    /// <summary>The tool is not allowed for the agent (<c>-32002</c>).</summary>
    Forbidden,
}

/// <summary>A refused agent operation, with a message that is safe to show and says what to do.</summary>
public sealed class AgentException : OpenClawException
{
    /// <summary>Creates the error.</summary>
    public AgentException(AgentErrorKind kind, string message, string? field = null)
        : base(message)
    {
        Kind = kind;
        Field = field;
    }

    /// <summary>Creates a not-found error.</summary>
    public AgentException()
        : this(AgentErrorKind.NotFound, "Not found.")
    {
    }

    /// <summary>Creates a not-found error with a message.</summary>
    public AgentException(string message)
        : this(AgentErrorKind.NotFound, message)
    {
    }

    /// <summary>Creates a not-found error with a message and cause (never shown).</summary>
    public AgentException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = AgentErrorKind.NotFound;
    }

    /// <summary>What kind of refusal this is.</summary>
    public AgentErrorKind Kind { get; }

    /// <summary>The parameter at fault, for <see cref="AgentErrorKind.InvalidParams"/>.</summary>
    public string? Field { get; }
}
