using System.Net;
using System.Net.Sockets;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Rpc;

/// <summary>Where a running gateway is, and the credential to present to it (only ever in the Authorization header).</summary>
/// <param name="BaseUrl">The gateway's base URL, ending in <c>/</c>.</param>
/// <param name="Token">The bearer token, or null to call without a credential.</param>
/// <param name="TokenSource">Where the token came from, for messages (never the token itself).</param>
internal sealed record GatewayTarget(Uri BaseUrl, Secret? Token, string? TokenSource)
{
    /// <summary>The credential the gateway itself accepts (<c>OPENCLAW_GATEWAY_TOKEN</c>).</summary>
    public const string TokenVariable = "OPENCLAW_GATEWAY_TOKEN";

    /// <summary>The name of the stored credential read when no environment variable gives a token.</summary>
    public const string StoredTokenName = "gateway-token";

    /// <summary>The JSON-RPC endpoint over HTTP.</summary>
    public Uri RpcUri => new(BaseUrl, "rpc");

    /// <summary>The WebSocket endpoint (<c>ws:</c> or <c>wss:</c>).</summary>
    public Uri WebSocketUri => new UriBuilder(new Uri(BaseUrl, "ws"))
    {
        Scheme = BaseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
    }.Uri;

    /// <summary>The base URL as shown to a user.</summary>
    public string Display => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// Resolves the target: <paramref name="url"/>, else the address in the config file as the gateway would load it;
    /// the token from the variable <paramref name="tokenVariable"/> (https or loopback only), else, for a gateway on
    /// this machine only, <c>OPENCLAW_GATEWAY_TOKEN</c> or the stored <c>gateway-token</c> credential (read without
    /// the lock a running gateway holds), else none.
    /// </summary>
    /// <exception cref="OpenClawException">The URL is not an http(s) URL, the config is broken, or the named variable is empty.</exception>
    public static async Task<GatewayTarget> ResolveAsync(
        Func<string, string?> environment, string? url, string? tokenVariable, TextWriter warnings, CancellationToken cancellationToken)
    {
        var paths = StatePaths.FromEnvironment(environment);
        var baseUrl = url is not null ? ParseUrl(url) : DefaultUrl(await LoadGatewayOptionsAsync(paths, environment, cancellationToken));

        // An explicit --token-env is what the user asked for, so it comes first; and no token crosses a network in clear.
        if (tokenVariable is not null)
        {
            var value = environment(tokenVariable);
            return string.IsNullOrEmpty(value)
                ? throw new OpenClawException($"the environment variable {tokenVariable} (--token-env) is not set or is empty.")
                : new GatewayTarget(RequireSafeTransport(baseUrl), new Secret(value), $"the environment variable {tokenVariable}");
        }

        // The local gateway's own credentials (its admin token) go only to a gateway on this machine: never to another
        // host named by --url, where a typo or a hostile address would receive them.
        if (!IsLoopback(baseUrl))
        {
            await warnings.WriteLineAsync(
                $"warning: {baseUrl.Host} is not this machine, so the local gateway token is not sent; pass one with --token-env to authenticate.");
            return new GatewayTarget(baseUrl, null, null);
        }

        if (environment(TokenVariable) is { Length: > 0 } fromGateway)
        {
            return new GatewayTarget(baseUrl, new Secret(fromGateway), TokenVariable);
        }

        try
        {
            using var store = new CredentialStore(paths, ReadOnlyStoreOptions(environment));
            if (await store.GetAsync(StoredTokenName, cancellationToken) is { } stored)
            {
                return new GatewayTarget(baseUrl, stored, $"the stored credential '{StoredTokenName}'");
            }
        }
        catch (Exception ex) when (ex is OpenClawException or IOException or UnauthorizedAccessException)
        {
            // Methods that need no credential still work: say why there is none and carry on.
            await warnings.WriteLineAsync($"warning: cannot read the stored credential '{StoredTokenName}' ({ex.Message}); calling without a credential.");
        }

        return new GatewayTarget(baseUrl, null, null);
    }

    /// <summary>The URL a local client reaches a gateway on: wildcard and name binds become the loopback address.</summary>
    public static Uri DefaultUrl(GatewayOptions gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var host = gateway.Bind switch
        {
            "localhost" or "0.0.0.0" => "127.0.0.1",
            "::" or "[::]" => "[::1]",
            var bind when IPAddress.TryParse(bind, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 && !bind.StartsWith('[') => $"[{bind}]",
            var bind => bind,
        };
        return new Uri($"http://{host}:{gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
    }

    private static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new OpenClawException("--url is not an http:// or https:// URL; e.g. --url http://127.0.0.1:18789.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
        {
            // A credential belongs in OPENCLAW_GATEWAY_TOKEN or --token-env, never in a URL that logs and `ps` show.
            throw new OpenClawException("--url must not carry user information or a query; pass the token through OPENCLAW_GATEWAY_TOKEN or --token-env.");
        }

        // A trailing slash makes "rpc" and "ws" resolve under the URL's path instead of replacing its last segment.
        return uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
    }

    // The address comes from the config file; when the file is broken (a running gateway keeps its last good config),
    // say how to reach the gateway anyway.
    private static async Task<GatewayOptions> LoadGatewayOptionsAsync(
        StatePaths paths, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        try
        {
            return (await new ConfigLoader(paths, environment).LoadAsync(cancellationToken)).Gateway;
        }
        catch (ConfigException ex)
        {
            throw new OpenClawException(
                ex.Message + Environment.NewLine +
                "The gateway's address is read from this file; fix it, or pass --url http://127.0.0.1:PORT to reach a running gateway anyway.", ex);
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static Uri RequireSafeTransport(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || IsLoopback(url)
            ? url
            : throw new OpenClawException(
                $"refusing to send a token to {url.Host} over plain http; use an https:// URL (or a gateway on this machine).");

    private static CredentialStoreOptions ReadOnlyStoreOptions(Func<string, string?> environment)
    {
        var options = CredentialStoreOptions.FromEnvironment(environment);
        return new CredentialStoreOptions { MasterPassword = options.MasterPassword, ReadOnly = true };
    }
}
