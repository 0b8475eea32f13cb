using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary>
/// <c>web_fetch</c>: GETs an http(s) URL when the agent allows it, with size and time caps, refusing private addresses
/// at connect time (after DNS, so rebinding cannot slip through) and on every redirect, which it follows itself.
/// </summary>
/// <remarks>No cookies, proxy, credentials or headers of the gateway are ever sent: each call uses a fresh handler.</remarks>
internal sealed class WebFetchTool : AgentTool
{
    public const int MaxRedirects = 5;

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "url": { "type": "string", "minLength": 1, "maxLength": 8192, "description": "The http:// or https:// URL to GET." },
            "max_bytes": { "type": "integer", "minimum": 1, "maximum": 1073741824, "description": "Most body bytes to keep; can only lower the agent's limit." }
          },
          "required": ["url"],
          "additionalProperties": false
        }
        """;

    private readonly Func<IPAddress, bool> _isPublic;

    public WebFetchTool()
        : this(NetworkAddressPolicy.IsPublic)
    {
    }

    /// <summary>Creates the tool with another address policy (tests treat their loopback server as public).</summary>
    internal WebFetchTool(Func<IPAddress, bool> isPublic)
        : base(SchemaJson)
    {
        _isPublic = isPublic;
    }

    public override string Name => "web_fetch";

    public override string Description =>
        "Fetches an http or https URL with GET and returns status, content type and the body as text (binary bodies are "
        + "not returned), cut at a size limit (truncated says so). Redirects are followed up to "
        + $"{MaxRedirects} times. Loopback and private-network addresses are refused unless the agent allows them.";

    public override bool IsDangerous => true;

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var options = context.Agent.Tools.WebFetch;
        if (!options.Enabled)
        {
            throw new ToolFailureException(
                $"web_fetch is disabled for this agent; set agents.{context.Agent.Id}.tools.webFetch.enabled to true to allow it.");
        }

        var url = CheckUrl(ToolJson.GetString(parameters, "url"));
        var maxBytes = (int)Math.Min(options.MaxBytes, ToolJson.GetInteger(parameters, "max_bytes", 1, int.MaxValue) ?? options.MaxBytes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)), context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var handler = CreateHandler(options.AllowPrivateNetwork, context.Agent.Id);
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("OpenClaw.NET-web_fetch", "0.1"));
                request.Headers.Accept.ParseAdd("text/html, text/plain, application/json, application/xml;q=0.9, */*;q=0.5");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects == MaxRedirects)
                    {
                        throw new ToolFailureException($"Too many redirects (more than {MaxRedirects}).");
                    }

                    url = CheckUrl(new Uri(url, location).AbsoluteUri);
                    continue;
                }

                return await ReadAsync(response, url, maxBytes, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailureException($"The fetch timed out after {options.TimeoutSeconds} s.");
        }
        catch (HttpRequestException ex)
        {
            if (FindRefusal(ex) is { } refused)
            {
                throw new ToolFailureException(refused.Message);
            }

            throw new ToolFailureException($"Could not fetch {url.Host}: {ex.HttpRequestError}.");
        }
    }

    private static Uri CheckUrl(string? text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new ToolFailureException("url is not an absolute URL.");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ToolFailureException($"Only http and https URLs are fetched, not '{uri.Scheme}'.");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new ToolFailureException("URLs with a user name or password are not fetched.");
        }

        return uri;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static async Task<ToolOutcome> ReadAsync(HttpResponseMessage response, Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        var contentType = response.Content.Headers.ContentType;
        var mediaType = contentType?.MediaType ?? "";
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Math.Min(maxBytes, 64 * 1024) + 1];
            using var body = new MemoryStream();
            var truncated = false;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var room = maxBytes - (int)body.Length;
                if (read > room)
                {
                    body.Write(buffer, 0, room);
                    truncated = true;
                    break;
                }

                body.Write(buffer, 0, read);
                if (!IsText(mediaType) && mediaType.Length > 0)
                {
                    break;
                }
            }

            var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
            var binary = mediaType.Length > 0 ? !IsText(mediaType) : FileText.LooksBinary(bytes);
            var status = (int)response.StatusCode;
            var text = binary ? null : Decode(bytes, contentType?.CharSet);
            var result = ToolJson.Object(w =>
            {
                w.WriteString("url", url.AbsoluteUri);
                w.WriteNumber("status", status);
                w.WriteString("contentType", contentType?.ToString() ?? "");
                if (text is null)
                {
                    w.WriteNull("body");
                    w.WriteBoolean("binary", true);
                }
                else
                {
                    w.WriteString("body", text);
                }

                w.WriteBoolean("truncated", truncated);
            });

            if (status >= 400)
            {
                return ToolOutcome.Fail($"The server answered HTTP {status}.", result);
            }

            return ToolOutcome.Ok(result);
        }
    }

    private static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-javascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/ecmascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/yaml", StringComparison.OrdinalIgnoreCase);

    private static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        Encoding encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                // An unknown charset is read as UTF-8 (invalid bytes become U+FFFD).
            }
        }

        return encoding.GetString(bytes);
    }

    private static WebFetchRefusedException? FindRefusal(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is WebFetchRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private SocketsHttpHandler CreateHandler(bool allowPrivateNetwork, string agentId) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        Credentials = null,
        PreAuthenticate = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateNetwork, agentId, cancellationToken),
    };

    /// <summary>Resolves the host and connects to the first allowed address, checking the address actually connected to.</summary>
    private async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateNetwork, string agentId, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        IPAddress? refused = null;
        SocketException? failure = null;
        foreach (var address in addresses)
        {
            if (!allowPrivateNetwork && !_isPublic(address))
            {
                refused ??= address;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                if (!allowPrivateNetwork && (socket.RemoteEndPoint is not IPEndPoint remote || !_isPublic(remote.Address)))
                {
                    throw new WebFetchRefusedException(Refusal(host, address, agentId));
                }

                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (failure is null && refused is not null)
        {
            throw new WebFetchRefusedException(Refusal(host, refused, agentId));
        }

        throw failure ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static string Refusal(string host, IPAddress address, string agentId) =>
        $"{host} resolves to {address}, a loopback, private or otherwise non-public address; web_fetch refuses it unless "
        + $"agents.{agentId}.tools.webFetch.allowPrivateNetwork is true.";
}

/// <summary>Thrown from the connect callback when the only addresses of a host are not public.</summary>
internal sealed class WebFetchRefusedException : IOException
{
    public WebFetchRefusedException(string message)
        : base(message)
    {
    }

    public WebFetchRefusedException()
    {
    }

    public WebFetchRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
