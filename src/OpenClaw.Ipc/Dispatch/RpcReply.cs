namespace OpenClaw.Ipc.Dispatch;

/// <summary>What the dispatcher answers to one message: the response bytes (none when every item was a notification).</summary>
public readonly struct RpcReply
{
    internal RpcReply(ReadOnlyMemory<byte> body, RpcError? singleError)
    {
        Body = body;
        SingleError = singleError;
    }

    /// <summary>The response: one JSON object, or an array for a batch; empty when nothing is to be sent.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Whether there is a response to send.</summary>
    public bool HasBody => !Body.IsEmpty;

    /// <summary>
    /// The error when the message was a single request (not a batch) that failed, so HTTP can choose its status
    /// (401 for <c>-32001</c>, 429 for <c>-32004</c>); null otherwise.
    /// </summary>
    public RpcError? SingleError { get; }
}
