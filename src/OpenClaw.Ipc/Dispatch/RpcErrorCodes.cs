namespace OpenClaw.Ipc.Dispatch;

/// <summary>The JSON-RPC 2.0 error codes, and the gateway's own (PROTOCOL.md, "Errors").</summary>
public static class RpcErrorCodes
{
    /// <summary>Invalid JSON was received.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON sent is not a valid request object.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters.</summary>
    public const int InvalidParams = -32602;

    /// <summary>An internal error; its details are only in the server's log.</summary>
    public const int InternalError = -32603;

    /// <summary>No valid credential.</summary>
    public const int Unauthenticated = -32001;

    /// <summary>The caller's role is too low.</summary>
    public const int Forbidden = -32002;

    /// <summary>The thing named does not exist.</summary>
    public const int NotFound = -32003;

    /// <summary>Too many requests; <c>data.retryAfterSeconds</c> says when to try again.</summary>
    public const int RateLimited = -32004;

    /// <summary>The request conflicts with the current state (session busy, ended session, duplicate name).</summary>
    public const int Conflict = -32005;

    /// <summary>A model provider failed (<c>data.provider</c>, <c>data.status</c>).</summary>
    public const int ProviderFailure = -32010;

    /// <summary>The sandbox a tool needs is unavailable.</summary>
    public const int SandboxUnavailable = -32011;

    /// <summary>An approval was denied.</summary>
    public const int ApprovalDenied = -32012;
}
