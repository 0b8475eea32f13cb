using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CsCheck;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>
/// Whatever arrives, DispatchAsync never throws, and answers either nothing or well-formed JSON-RPC 2.0 response(s):
/// random bytes, random request-shaped JSON (valid or not, batches, bad ids, bad Unicode escapes, duplicate keys), and
/// valid requests with bytes flipped.
/// </summary>
public sealed class RpcDispatcherPropertyTests
{
    private static readonly string[] s_methods =
    [
        "echo", "echo.async", "subtract", "sum", "profile", "greet", "whoami", "admin.users", "get_data", "notify_hello",
        "fail.rpc", "fail.rpc.async", "fail.other", "fail.other.async", "fail.result", "fail.result.async", "fail.openclaw",
        "nope", "rpc.discover", "", "\\ud800", "echo\\u0000",
    ];

    private static readonly string[] s_fields =
    [
        "text", "minuend", "subtrahend", "numbers", "name", "limit", "verbose", "tags", "ratio", "extra", "value", "x", "Text", "\\udc00",
    ];

    private static readonly string[] s_strings =
    [
        "", "a", "hi", "2.0", "1.0", "é", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udfff", "\\\"", "\\\\", "\\n", "\\u0000", "😀", "echo",
    ];

    private static readonly string[] s_numbers = ["0", "-1", "1", "42", "1.5", "-0", "1e3", "1E-7", "12345678901234567890123", "3000000000", "0.1"];

    private readonly DispatchHarness _harness = new();

    public RpcDispatcherPropertyTests() => _harness.Gate.SetResult();

    [Fact]
    public async Task Dispatch_RandomBytes_NeverThrowsAndAnswersValidJsonRpc()
    {
        await Gen.Byte.Array[0, 200].SampleAsync(async bytes =>
        {
            var reply = await _harness.Dispatcher.DispatchAsync(bytes, DispatchHarness.Connection(), TestContext.Current.CancellationToken);
            CheckReply(bytes, reply);
        }, iter: 3000);
    }

    [Fact]
    public async Task Dispatch_RandomRequestShapedJson_NeverThrowsAndAnswersValidJsonRpc()
    {
        await Gen.Int.SampleAsync(async seed =>
        {
            var random = new Random(seed);
            var text = random.Next(4) == 0 ? RandomBatch(random) : RandomRequest(random);
            var bytes = Encoding.UTF8.GetBytes(text);
            var principal = random.Next(3) switch { 0 => null, 1 => new Principal("user:p", Role.Viewer), _ => Principal.GatewayToken };
            var reply = await _harness.Dispatcher.DispatchAsync(bytes, DispatchHarness.Connection(principal), TestContext.Current.CancellationToken);
            CheckReply(bytes, reply);
        }, iter: 4000);
    }

    [Fact]
    public async Task Dispatch_ValidRequestsWithBytesFlipped_NeverThrowAndAnswerValidJsonRpc()
    {
        await Gen.Int.SampleAsync(async seed =>
        {
            var random = new Random(seed);
            var bytes = Encoding.UTF8.GetBytes(random.Next(3) == 0 ? RandomBatch(random) : RandomRequest(random)).ToList();
            for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes.RemoveAt(at);
                        break;
                    default:
                        var insert = "{}[]\",:\\0e-."u8;
                        bytes.Insert(at, insert[random.Next(insert.Length)]);
                        break;
                }
            }

            var message = bytes.ToArray();
            var reply = await _harness.Dispatcher.DispatchAsync(message, DispatchHarness.Connection(), TestContext.Current.CancellationToken);
            CheckReply(message, reply);
        }, iter: 4000);
    }

    // The reply is nothing, one response object or a non-empty array of them; a single request's id is echoed.
    private static void CheckReply(byte[] message, RpcReply reply)
    {
        var input = TryParse(message);
        if (!reply.HasBody)
        {
            Assert.Null(reply.SingleError);
            Assert.True(input is not null, "only a parsed message can go unanswered: " + Show(message));
            Assert.True(input.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array, "a non-request was not answered: " + Show(message));
            if (input.Value.ValueKind == JsonValueKind.Object)
            {
                Assert.False(input.Value.TryGetProperty("id", out _), "a request with an id was not answered: " + Show(message));
            }
            else
            {
                Assert.All(input.Value.EnumerateArray(), m => Assert.True(
                    m.ValueKind == JsonValueKind.Object && !m.TryGetProperty("id", out _), "a batch member needing an answer got none: " + Show(message)));
            }

            return;
        }

        JsonElement root;
        using (var document = JsonDocument.Parse(reply.Body, new JsonDocumentOptions { AllowDuplicateProperties = false }))
        {
            root = document.RootElement.Clone();
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            CheckResponse(root, message);
            if (root.TryGetProperty("error", out var error))
            {
                Assert.Equal(error.GetProperty("code").GetInt32(), reply.SingleError?.Code);
            }
            else
            {
                Assert.Null(reply.SingleError);
            }

            if (input is { ValueKind: JsonValueKind.Object } request && request.TryGetProperty("id", out var id))
            {
                CheckEchoedId(id, root.GetProperty("id"), message);
            }

            return;
        }

        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        Assert.Null(reply.SingleError);
        var responses = root.EnumerateArray().ToArray();
        Assert.NotEmpty(responses);
        Assert.All(responses, r => CheckResponse(r, message));
        Assert.True(input is { ValueKind: JsonValueKind.Array }, "an array reply to a message that is not a batch: " + Show(message));
        var members = input.Value.EnumerateArray().ToArray();
        var mustAnswer = members.Count(m => m.ValueKind != JsonValueKind.Object || m.TryGetProperty("id", out _));
        Assert.InRange(responses.Length, mustAnswer, members.Length);
    }

    private static void CheckResponse(JsonElement response, byte[] message)
    {
        var context = " in reply to " + Show(message) + ": " + response.GetRawText();
        Assert.True(response.ValueKind == JsonValueKind.Object, "a response must be an object" + context);
        var names = response.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.True(
            names.SequenceEqual(["id", "jsonrpc", "result"]) || names.SequenceEqual(["error", "id", "jsonrpc"]),
            "members must be jsonrpc, id and one of result or error" + context);
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.True(response.GetProperty("id").ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null, "bad id" + context);
        if (response.TryGetProperty("error", out var error))
        {
            Assert.True(error.ValueKind == JsonValueKind.Object, "error must be an object" + context);
            Assert.True(error.GetProperty("code").TryGetInt32(out _), "code must be an integer" + context);
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), "message must be a non-empty string" + context);
            Assert.All(error.EnumerateObject(), m => Assert.Contains(m.Name, (string[])["code", "message", "data"]));
            Assert.DoesNotContain("hunter2", error.GetRawText(), StringComparison.Ordinal);
        }
    }

    // A readable string or number id comes back as sent; anything else comes back as null.
    private static void CheckEchoedId(JsonElement sent, JsonElement echoed, byte[] message)
    {
        if (sent.ValueKind == JsonValueKind.Number)
        {
            Assert.True(sent.GetRawText() == echoed.GetRawText(), $"id {sent.GetRawText()} came back as {echoed.GetRawText()}: {Show(message)}");
        }
        else if (sent.ValueKind == JsonValueKind.String && TryRead(sent) is { } text)
        {
            Assert.True(echoed.ValueKind == JsonValueKind.String && echoed.GetString() == text, $"id {sent.GetRawText()} came back as {echoed.GetRawText()}: {Show(message)}");
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, echoed.ValueKind);
        }
    }

    // What the dispatcher must accept as JSON: valid UTF-8 (RFC 8259), no duplicate keys.
    private static JsonElement? TryParse(byte[] message)
    {
        if (!Utf8.IsValid(message))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? TryRead(JsonElement text)
    {
        try
        {
            return text.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Show(byte[] message) => message.Length > 400 ? Convert.ToHexString(message[..400]) + "…" : Encoding.UTF8.GetString(message);

    private static string RandomBatch(Random random)
    {
        var members = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(6) == 0 ? RandomValue(random, 1) : RandomRequest(random));
        return "[" + string.Join(",", members) + "]";
    }

    private static string RandomRequest(Random random)
    {
        var members = new List<string>();
        if (random.Next(10) != 0)
        {
            members.Add("\"jsonrpc\":" + (random.Next(8) == 0 ? RandomValue(random, 2) : "\"2.0\""));
        }

        if (random.Next(10) != 0)
        {
            members.Add("\"method\":" + (random.Next(10) == 0 ? RandomValue(random, 2) : Quote(Pick(random, s_methods))));
        }

        if (random.Next(3) != 0)
        {
            members.Add("\"params\":" + (random.Next(6) == 0 ? RandomValue(random, 2) : RandomParams(random)));
        }

        if (random.Next(4) != 0)
        {
            members.Add("\"id\":" + RandomValue(random, random.Next(5) == 0 ? 1 : 3));
        }

        if (random.Next(12) == 0)
        {
            members.Add(Quote(Pick(random, s_fields)) + ":" + RandomValue(random, 2));
        }

        if (random.Next(15) == 0 && members.Count > 0)
        {
            members.Add(members[random.Next(members.Count)]); // a duplicate key
        }

        return "{" + string.Join(",", members.OrderBy(_ => random.Next())) + "}";
    }

    private static string RandomParams(Random random)
    {
        if (random.Next(5) == 0)
        {
            return "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => RandomValue(random, 2))) + "]";
        }

        var fields = s_fields.OrderBy(_ => random.Next()).Take(random.Next(4));
        return "{" + string.Join(",", fields.Select(f => Quote(f) + ":" + RandomValue(random, 2))) + "}";
    }

    private static string RandomValue(Random random, int depth) => random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 or 3 => Pick(random, s_numbers),
        4 => Quote(Pick(random, s_strings)),
        5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth - 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(i => Quote(Pick(random, s_fields) + i.ToString(CultureInfo.InvariantCulture)) + ":" + RandomValue(random, depth - 1))) + "}",
    };

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string Quote(string escapedText) => "\"" + escapedText + "\"";
}
