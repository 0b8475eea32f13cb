using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>
/// JSON-RPC 2.0 exactly as the specification says, for every transport: parses a message (one request or a batch),
/// checks each request, enforces the method table's roles, binds typed params, runs the handler, and maps every
/// failure to an error at one place.
/// </summary>
/// <remarks>Thread-safe: any number of messages may be dispatched concurrently.</remarks>
public sealed partial class RpcDispatcher
{
    private static readonly JsonElement s_nullId = JsonDocument.Parse("null").RootElement.Clone();

    private readonly RpcMethodTable _methods;
    private readonly RpcDispatcherOptions _options;
    private readonly ILogger _logger;
    private long _requestCounter;

    /// <summary>Creates a dispatcher over a method table (the table is frozen from now on).</summary>
    public RpcDispatcher(RpcMethodTable methods, RpcDispatcherOptions? options = null, ILogger<RpcDispatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(methods);
        _methods = methods;
        _options = options ?? new RpcDispatcherOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _ = methods.Frozen;
    }

    /// <summary>The methods served, with their minimum roles.</summary>
    public RpcMethodTable Methods => _methods;

    /// <summary>Answers one message (a request, a notification or a batch) from <paramref name="connection"/>.</summary>
    /// <remarks>Never throws for bad input: every problem becomes a JSON-RPC error in the reply.</remarks>
    public async ValueTask<RpcReply> DispatchAsync(ReadOnlyMemory<byte> message, RpcConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // JSON is UTF-8 (RFC 8259); the parser lets bad bytes inside strings through, and they cannot be read back.
        if (!Utf8.IsValid(message.Span))
        {
            return Single(s_nullId, new RpcError(RpcErrorCodes.ParseError, "Parse error: the message is not valid UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, new JsonDocumentOptions
            {
                MaxDepth = _options.MaxJsonDepth(),
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException ex)
        {
            return Single(s_nullId, ParseError(ex));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check throws this for a member name with an unpaired surrogate escape ("\ud800").
            return Single(s_nullId, new RpcError(RpcErrorCodes.ParseError, "Parse error: a member name is not valid Unicode."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                var response = await HandleAsync(root, connection, cancellationToken).ConfigureAwait(false);
                return response is null ? default : new RpcReply(response.Written, response.Error);
            }

            var count = root.GetArrayLength();
            if (count == 0)
            {
                return Single(s_nullId, new RpcError(RpcErrorCodes.InvalidRequest, "Invalid Request: an empty batch."));
            }

            var maxBatch = _options.MaxBatch();
            if (count > maxBatch)
            {
                return Single(s_nullId, new RpcError(
                    RpcErrorCodes.InvalidRequest,
                    $"Invalid Request: a batch of {count} requests is over the limit of {maxBatch} (gateway.limits.maxBatch)."));
            }

            return await HandleBatchAsync(root, count, connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<RpcReply> HandleBatchAsync(JsonElement batch, int count, RpcConnection connection, CancellationToken cancellationToken)
    {
        // The members run concurrently (the specification allows any order); the replies keep the batch's order.
        var pending = new Task<ResponseBuffer?>[count];
        var index = 0;
        foreach (var item in batch.EnumerateArray())
        {
            pending[index++] = HandleAsync(item, connection, cancellationToken).AsTask();
        }

        var output = new ArrayBufferWriter<byte>(64 * count);
        var any = false;
        for (var i = 0; i < count; i++)
        {
            if (await pending[i].ConfigureAwait(false) is not { } response)
            {
                continue;
            }

            output.Write(any ? ","u8 : "["u8);
            output.Write(response.Written.Span);
            any = true;
        }

        if (!any)
        {
            return default; // every member was a notification
        }

        output.Write("]"u8);
        return new RpcReply(output.WrittenMemory, null);
    }

    // One request object; null when it was a notification (which is never answered, even when it fails).
    private async ValueTask<ResponseBuffer?> HandleAsync(JsonElement request, RpcConnection connection, CancellationToken cancellationToken)
    {
        if (Validate(request, out var id, out var isNotification, out var methodName, out var parameters) is { } invalid)
        {
            var buffer = new ResponseBuffer();
            buffer.WriteError(id, invalid);
            return buffer;
        }

        var requestId = connection.Id + "-" + Interlocked.Increment(ref _requestCounter).ToString(CultureInfo.InvariantCulture);
        var context = new RpcContext(connection, methodName, requestId, _options.Services) { Id = id, IsNotification = isNotification };
        var response = new ResponseBuffer();
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (CheckCall(context) is { } refused)
            {
                response.WriteError(id, refused);
            }
            else
            {
                await _methods.Frozen[methodName].InvokeAsync(parameters, context, response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            response.WriteError(id, Map(ex, context, cancellationToken));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _options.Hooks?.AfterCall(context, response.Error?.Code, elapsed);
        if (response.Error is { } error && _logger.IsEnabled(LogLevel.Debug))
        {
            LogCallFailed(_logger, methodName, requestId, connection.Principal?.Subject ?? "-", error.Code, elapsed.TotalMilliseconds);
        }
        else if (_logger.IsEnabled(LogLevel.Trace))
        {
            LogCallDone(_logger, methodName, requestId, connection.Principal?.Subject ?? "-", elapsed.TotalMilliseconds);
        }

        return isNotification ? null : response;
    }

    private RpcError? CheckCall(RpcContext context)
    {
        if (!_methods.Frozen.TryGetValue(context.Method, out var method))
        {
            // Still a call: the hooks count it (as a method anyone may call), so unknown names are not a free channel.
            return _options.Hooks?.BeforeCall(context, Role.None)
                ?? new RpcError(RpcErrorCodes.MethodNotFound, $"Method not found: '{Shorten(context.Method)}'.");
        }

        if (_options.Hooks?.BeforeCall(context, method.MinimumRole) is { } refused)
        {
            return refused;
        }

        if (method.MinimumRole == Role.None)
        {
            return null;
        }

        if (context.Principal is not { } principal)
        {
            return new RpcError(
                RpcErrorCodes.Unauthenticated,
                $"Authentication required: '{method.Name}' needs a credential (a gateway token or a user access token).");
        }

        return principal.Role < method.MinimumRole
            ? new RpcError(
                RpcErrorCodes.Forbidden,
                $"Forbidden: '{method.Name}' needs the {method.MinimumRole.ToWire()} role; you have {principal.Role.ToWire()}.")
            : null;
    }

    // The one place where failures become errors. Only our own exception type's message may reach the caller.
    private RpcError Map(Exception exception, RpcContext context, CancellationToken cancellationToken)
    {
        if (exception is RpcException rpc)
        {
            return rpc.ToError();
        }

        if (_options.MapException?.Invoke(exception) is { } mapped)
        {
            return mapped;
        }

        if (exception is OpenClawException safe)
        {
            return new RpcError(RpcErrorCodes.InternalError, safe.Message);
        }

        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return new RpcError(RpcErrorCodes.InternalError, "The request was cancelled: the connection closed or the gateway is stopping.");
        }

        LogHandlerFailed(_logger, exception, context.Method, context.RequestId);
        return new RpcError(RpcErrorCodes.InternalError, $"Internal error (request {context.RequestId}); the gateway's log has the details.");
    }

    // Section 4 and 5 of the specification: what makes a request object valid. An invalid request is always
    // answered, echoing its id when the id itself is readable.
    private static RpcError? Validate(
        JsonElement request, out JsonElement id, out bool isNotification, out string method, out JsonElement? parameters)
    {
        id = s_nullId;
        isNotification = false;
        method = string.Empty;
        parameters = null;
        if (request.ValueKind != JsonValueKind.Object)
        {
            return Invalid("a request must be a JSON object.");
        }

        if (request.TryGetProperty("id"u8, out var idValue))
        {
            if (idValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            {
                return Invalid("id must be a string, a number or null.");
            }

            if (idValue.ValueKind == JsonValueKind.String && !TryReadString(idValue, out _))
            {
                return Invalid("id is not a valid string (it has an unpaired surrogate escape).");
            }

            id = idValue;
        }
        else
        {
            isNotification = true;
        }

        if (!request.TryGetProperty("jsonrpc"u8, out var version) || version.ValueKind != JsonValueKind.String || !IsVersion2(version))
        {
            return Invalid("jsonrpc must be exactly \"2.0\".");
        }

        if (!request.TryGetProperty("method"u8, out var methodValue) || methodValue.ValueKind != JsonValueKind.String)
        {
            return Invalid("method must be a string.");
        }

        if (request.TryGetProperty("params"u8, out var paramsValue))
        {
            if (paramsValue.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return Invalid("params, when present, must be an object or an array.");
            }

            parameters = paramsValue;
        }

        foreach (var member in request.EnumerateObject())
        {
            if (!member.NameEquals("jsonrpc"u8) && !member.NameEquals("method"u8) && !member.NameEquals("params"u8) && !member.NameEquals("id"u8))
            {
                return Invalid($"unexpected member '{Shorten(member.Name)}' (a request has jsonrpc, method, params and id).");
            }
        }

        return TryReadString(methodValue, out method) ? null : Invalid("method is not a valid string (it has an unpaired surrogate escape).");
    }

    private static bool IsVersion2(JsonElement version)
    {
        try
        {
            return version.ValueEquals("2.0"u8);
        }
        catch (InvalidOperationException)
        {
            return false; // an unpaired surrogate escape, which cannot be compared
        }
    }

    // A string with an unpaired surrogate escape ("\ud800") is valid JSON but can be neither read nor written back.
    private static bool TryReadString(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static RpcError Invalid(string why) => new(RpcErrorCodes.InvalidRequest, "Invalid Request: " + why);

    private static RpcError ParseError(JsonException ex) => new(
        RpcErrorCodes.ParseError,
        ex.LineNumber is { } line && ex.BytePositionInLine is { } column
            ? $"Parse error: the message is not valid JSON (line {line + 1}, byte {column + 1}; duplicate keys and nesting past the depth limit count too)."
            : "Parse error: the message is not valid JSON.");

    private static RpcReply Single(JsonElement id, RpcError error)
    {
        var buffer = new ResponseBuffer();
        buffer.WriteError(id, error);
        return new RpcReply(buffer.Written, error);
    }

    // Never cuts a surrogate pair in half (the half would be written as U+FFFD).
    private static string Shorten(string text) =>
        text.Length <= 64 ? text : text[..(char.IsHighSurrogate(text[63]) ? 63 : 64)] + "…";

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Handler of {Method} failed (request {RequestId})")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method, string requestId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "{Method} (request {RequestId}, caller {Caller}) failed with {Code} in {ElapsedMs:0.000} ms")]
    private static partial void LogCallFailed(ILogger logger, string method, string requestId, string caller, int code, double elapsedMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Trace, Message = "{Method} (request {RequestId}, caller {Caller}) done in {ElapsedMs:0.000} ms")]
    private static partial void LogCallDone(ILogger logger, string method, string requestId, string caller, double elapsedMs);
}
