using System.Text.Json.Nodes;
using OpenClaw.Core;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>
/// A failure a handler reports to the caller as a JSON-RPC error with this code. Its message reaches the client, so it
/// must be safe to show: no secrets, stack traces or paths outside the workspace.
/// </summary>
public class RpcException : OpenClawException
{
    /// <summary>Creates an error with a code and a safe message.</summary>
    public RpcException(int code, string message, JsonObject? data = null)
        : base(message)
    {
        Code = code;
        Data = data;
    }

    /// <summary>Creates an error with no message (use the other constructors).</summary>
    public RpcException()
        : this(RpcErrorCodes.InternalError, "Internal error.")
    {
    }

    /// <summary>Creates an internal error with a safe message.</summary>
    public RpcException(string message)
        : this(RpcErrorCodes.InternalError, message)
    {
    }

    /// <summary>Creates an internal error with a safe message and the inner cause (never shown).</summary>
    public RpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = RpcErrorCodes.InternalError;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>Structured data for the error object, or null.</summary>
    public new JsonObject? Data { get; }

    /// <summary>The error object this exception becomes.</summary>
    public RpcError ToError() => new(Code, Message, Data);

    /// <summary><c>-32602</c> naming what is wrong with the params.</summary>
    public static RpcException InvalidParams(string message, string? field = null) =>
        new(RpcErrorCodes.InvalidParams, message, field is null ? null : new JsonObject { ["field"] = field });

    /// <summary><c>-32003</c>: the thing named does not exist.</summary>
    public static RpcException NotFound(string message) => new(RpcErrorCodes.NotFound, message);

    /// <summary><c>-32005</c>: the request conflicts with the current state.</summary>
    public static RpcException Conflict(string message) => new(RpcErrorCodes.Conflict, message);
}
