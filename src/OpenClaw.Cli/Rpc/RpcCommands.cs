using System.CommandLine;
using System.Text.Json;
using OpenClaw.Ipc.Framing;

namespace OpenClaw.Cli.Rpc;

/// <summary><c>openclaw rpc call | stdio</c>: JSON-RPC to a running gateway, for scripts and tools.</summary>
/// <remarks>
/// The token is read from the environment or the credential store and sent only in the Authorization header: never
/// taken from argv, put in a URL, or printed.
/// </remarks>
internal static class RpcCommands
{
    /// <summary>The exit code for a command line that is wrong before anything is sent.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Builds the command; <paramref name="getEnvironmentVariable"/>, <paramref name="standardInput"/> and
    /// <paramref name="standardOutput"/> replace the process's, and <paramref name="options"/> its time limits (tests).
    /// </summary>
    public static Command Create(
        Func<string, string?>? getEnvironmentVariable = null, Stream? standardInput = null, Stream? standardOutput = null,
        RpcClientOptions? options = null)
    {
        var environmentBase = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        options ??= new RpcClientOptions();
        var connection = new GatewayConnectionOptions();
        Task<GatewayTarget> ResolveAsync(ParseResult result, CancellationToken cancellationToken) => connection.ResolveAsync(result, environmentBase, cancellationToken);

        var method = new Argument<string>("method") { Description = "The method, e.g. system.status." };
        var parameters = new Argument<string?>("params")
        {
            Description = "The params as a JSON object, e.g. '{\"limit\":5}'; '-' reads them from stdin (for passwords: argv is visible to other users).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var call = new Command("call", "Call one method over HTTP and print its result as JSON (errors on stderr, exit 1).") { method, parameters };
        call.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, async () =>
        {
            var error = result.InvocationConfiguration.Error;
            JsonElement? value = null;
            if (result.GetValue(parameters) is { } text)
            {
                if (text == "-")
                {
                    using var reader = new StreamReader(standardInput ?? Console.OpenStandardInput(), leaveOpen: standardInput is not null);
                    text = await reader.ReadToEndAsync(cancellationToken);
                }

                var (parsed, problem) = ParseParams(text);
                if (problem is not null)
                {
                    await error.WriteLineAsync($"error: params {problem}; e.g. '{{\"name\":\"value\"}}'. Nothing was sent.");
                    return UsageError;
                }

                value = parsed;
            }

            var target = await ResolveAsync(result, cancellationToken);
            return await RpcCall.RunAsync(
                target, result.GetRequiredValue(method), value, options, result.InvocationConfiguration.Output, error, cancellationToken);
        }));

        var framing = new Option<string>("--framing")
        {
            Description = "How messages are delimited on stdin and stdout: newline (one JSON message per line) or content-length (LSP headers).",
            DefaultValueFactory = _ => "newline",
        };
        framing.AcceptOnlyFromAmong("newline", "content-length");
        var wait = new Option<int?>("--wait")
        {
            Description = "Once stdin ends, how many seconds to wait for replies still owed before closing (default 30).",
        };
        wait.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && int.TryParse(token.Value, out var value) && value is < 0 or > 86400)
            {
                r.AddError("--wait must be between 0 and 86400 seconds.");
            }
        });
        var stdio = new Command(
            "stdio",
            "Bridge stdin/stdout to the gateway's WebSocket: framed JSON-RPC in, replies and notifications framed out.")
        {
            framing, wait,
        };
        stdio.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, async () =>
        {
            var kind = result.GetValue(framing) == "content-length" ? FramingKind.ContentLength : FramingKind.NewlineDelimited;
            var target = await ResolveAsync(result, cancellationToken);
            var input = standardInput ?? Console.OpenStandardInput();
            var output = standardOutput ?? Console.OpenStandardOutput();
            var bridgeOptions = result.GetValue(wait) is { } seconds ? options with { DrainTimeout = TimeSpan.FromSeconds(seconds) } : options;
            return await StdioBridge.RunAsync(target, kind, input, output, bridgeOptions, result.InvocationConfiguration.Error, cancellationToken);
        }));

        connection.AddTo(call);
        connection.AddTo(stdio);

        return new Command("rpc", "Talk JSON-RPC to a running gateway (token from OPENCLAW_GATEWAY_TOKEN, --token-env or the credential store).")
        {
            call, stdio,
        };
    }

    /// <summary>The params as JSON, or what is wrong with the text (its position, never its content).</summary>
    private static (JsonElement? Value, string? Problem) ParseParams(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                ? (document.RootElement.Clone(), null)
                : (null, "must be a JSON object (or array), not a " + document.RootElement.ValueKind.ToString().ToLowerInvariant());
        }
        catch (JsonException ex)
        {
            var where = ex.BytePositionInLine is { } column ? $" at line {ex.LineNumber + 1}, byte {column + 1}" : string.Empty;
            return (null, "is not valid JSON" + where);
        }
    }
}
