using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>One response object, where an error written after a failed result replaces it entirely.</summary>
public sealed class ResponseBufferTests
{
    private static readonly JsonElement s_id = JsonDocument.Parse("\"r-1\"").RootElement.Clone();

    [Fact]
    public void WriteError_AfterAResultWriteThrewHalfWay_LeavesOnlyTheError()
    {
        var buffer = new ResponseBuffer();
        Assert.Throws<InvalidOperationException>(() => buffer.WriteResult(s_id, new HalfSerializable(), DispatchTestJsonContext.Default.HalfSerializable));

        buffer.WriteError(s_id, new RpcError(RpcErrorCodes.InternalError, "Internal error."));

        using var document = JsonDocument.Parse(buffer.Written);
        var error = RpcAssert.Error(document.RootElement, "\"r-1\"", RpcErrorCodes.InternalError);
        Assert.Equal("Internal error.", RpcAssert.Message(error));
        Assert.Equal(RpcErrorCodes.InternalError, buffer.Error?.Code);
    }

    [Fact]
    public void WriteResult_WithAnIdThatIsNotAStringOrNumber_WritesNullId()
    {
        var buffer = new ResponseBuffer();

        buffer.WriteResult(default, "ok", DispatchTestJsonContext.Default.String);

        using var document = JsonDocument.Parse(buffer.Written);
        RpcAssert.Result(document.RootElement, "null", "\"ok\"");
        Assert.Null(buffer.Error);
    }
}
