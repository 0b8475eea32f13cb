using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OpenClaw.Cli.Rpc;

/// <summary><c>openclaw rpc call</c>: one request over HTTP <c>POST /rpc</c>, the result printed as indented JSON.</summary>
internal static class RpcCall
{
    /// <summary>The JSON-RPC code for a protected method called without a (valid) credential.</summary>
    private const int Unauthenticated = -32001;

    /// <summary>Sends the request; 0 with the result on <paramref name="output"/>, 1 with the error on <paramref name="error"/>.</summary>
    /// <exception cref="Core.OpenClawException">The gateway cannot be reached.</exception>
    public static async Task<int> RunAsync(
        GatewayTarget target, string method, JsonElement? parameters, RpcClientOptions options, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        using var result = await CallAsync(target, method, parameters, options, error, cancellationToken);
        if (result is null)
        {
            return 1;
        }

        await output.WriteLineAsync(Indented(result.RootElement));
        return 0;
    }

    /// <summary>Sends the request; the result, or <see langword="null"/> after writing the error to <paramref name="error"/>.</summary>
    /// <exception cref="Core.OpenClawException">The gateway cannot be reached.</exception>
    public static async Task<JsonDocument?> CallAsync(
        GatewayTarget target, string method, JsonElement? parameters, RpcClientOptions options, TextWriter error, CancellationToken cancellationToken)
    {
        using var handler = options.CreateHandler();
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }; // a method may run long; Ctrl+C stops it
        using var request = new HttpRequestMessage(HttpMethod.Post, target.RpcUri) { Content = new ByteArrayContent(Request(method, parameters)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (target.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw GatewayUnreachable.Create(target, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw GatewayUnreachable.Timeout(target, options.ConnectTimeout);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!TryParse(body, out var reply))
            {
                await error.WriteLineAsync(
                    $"error: the gateway at {target.Display} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} " +
                    "without a JSON-RPC response; is --url the gateway's address?");
                return null;
            }

            using (reply)
            {
                var root = reply.RootElement;
                if (root.TryGetProperty("error", out var rpcError) && rpcError.ValueKind == JsonValueKind.Object)
                {
                    await WriteErrorAsync(target, rpcError, error, method);
                    return null;
                }

                if (!root.TryGetProperty("result", out var value))
                {
                    await error.WriteLineAsync($"error: the gateway at {target.Display} answered with neither a result nor an error object.");
                    return null;
                }

                return JsonDocument.Parse(value.GetRawText());
            }
        }
    }

    /// <summary>The JSON text of <paramref name="element"/>, indented, non-ASCII kept readable.</summary>
    public static string Indented(JsonElement element) => CliText.Json(element.WriteTo);

    private static byte[] Request(string method, JsonElement? parameters)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNumber("id", 1);
            writer.WriteString("method", method);
            if (parameters is { } value)
            {
                writer.WritePropertyName("params");
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryParse(byte[] body, out JsonDocument reply)
    {
        reply = null!;
        try
        {
            reply = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return false;
        }

        var root = reply.RootElement;
        if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _)))
        {
            return true;
        }

        reply.Dispose();
        return false;
    }

    private static async Task WriteErrorAsync(GatewayTarget target, JsonElement rpcError, TextWriter error, string method)
    {
        var code = rpcError.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
        var message = rpcError.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "(no message)";
        await error.WriteLineAsync($"error {code.ToString(CultureInfo.InvariantCulture)}: {message}");
        if (rpcError.TryGetProperty("data", out var data))
        {
            await error.WriteLineAsync("data: " + data.GetRawText());
        }

        // A refused sign-in is about the username, password or refresh token sent, not about the gateway token.
        if (code == Unauthenticated && method is not ("auth.login" or "auth.refresh" or "connect"))
        {
            await error.WriteLineAsync(target.TokenSource is null
                ? "hint: no gateway token was found, so only methods that need no credential work. Set " +
                  $"{GatewayTarget.TokenVariable}, pass --token-env NAME, or use the gateway's --state-dir so that its stored " +
                  $"credential '{GatewayTarget.StoredTokenName}' is found."
                : $"hint: the gateway refused the token from {target.TokenSource}; check that it is the gateway's current token.");
        }
    }
}
