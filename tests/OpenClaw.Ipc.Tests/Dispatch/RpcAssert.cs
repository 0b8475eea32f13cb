using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>Reads a reply the way a client would and checks it against JSON-RPC 2.0, field by field.</summary>
internal static class RpcAssert
{
    /// <summary>The one response object of a reply to a single request.</summary>
    public static JsonElement Single(RpcReply reply)
    {
        Assert.True(reply.HasBody, "expected a response, got none");
        var root = Parse(reply);
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        return root;
    }

    /// <summary>The response objects of a reply to a batch, in order.</summary>
    public static JsonElement[] Batch(RpcReply reply)
    {
        Assert.True(reply.HasBody, "expected a batch response, got none");
        var root = Parse(reply);
        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        Assert.True(root.GetArrayLength() > 0, "a batch response must not be an empty array");
        Assert.Null(reply.SingleError);
        return [.. root.EnumerateArray()];
    }

    /// <summary>Nothing to send: the message was a notification or a batch of them.</summary>
    public static void NoReply(RpcReply reply)
    {
        Assert.False(reply.HasBody, reply.HasBody ? "expected no reply, got " + System.Text.Encoding.UTF8.GetString(reply.Body.Span) : null);
        Assert.Null(reply.SingleError);
    }

    /// <summary>A success response with exactly these id (raw JSON text) and result (compared as JSON).</summary>
    public static void Result(JsonElement response, string id, string result)
    {
        Members(response, "jsonrpc", "id", "result");
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, response.GetProperty("id").GetRawText());
        var expected = JsonDocument.Parse(result).RootElement;
        var actual = response.GetProperty("result");
        Assert.True(JsonElement.DeepEquals(expected, actual), $"result: expected {result}, got {actual.GetRawText()}");
    }

    /// <summary>An error response with exactly this id (raw JSON text) and code; returns the error object.</summary>
    public static JsonElement Error(JsonElement response, string id, int code)
    {
        Members(response, "jsonrpc", "id", "error");
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, response.GetProperty("id").GetRawText());
        var error = response.GetProperty("error");
        Assert.Equal(JsonValueKind.Object, error.ValueKind);
        foreach (var member in error.EnumerateObject())
        {
            Assert.Contains(member.Name, (string[])["code", "message", "data"]);
        }

        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), "an error needs a message");
        return error;
    }

    public static string Message(JsonElement error) => error.GetProperty("message").GetString()!;

    public static JsonElement Data(JsonElement error) =>
        error.TryGetProperty("data", out var data) ? data : throw new Xunit.Sdk.XunitException("the error has no data: " + error.GetRawText());

    public static void NoData(JsonElement error) => Assert.False(error.TryGetProperty("data", out _), "unexpected data: " + error.GetRawText());

    private static void Members(JsonElement response, params string[] names)
    {
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        var actual = response.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal).ToArray(), actual);
    }

    private static JsonElement Parse(RpcReply reply)
    {
        using var document = JsonDocument.Parse(reply.Body);
        return document.RootElement.Clone();
    }
}
