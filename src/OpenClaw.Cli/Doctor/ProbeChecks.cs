using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Doctor;

/// <summary>
/// <c>openclaw doctor --probe</c>: one cheap authenticated request per configured provider with a key (its model
/// listing) and Telegram's <c>getMe</c> when the channel is on. Keys go only into request headers (the bot token into
/// Telegram's URL); no key, token or URL holding one is ever part of a result.
/// </summary>
internal static class ProbeChecks
{
    /// <summary>How long one probe may take unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The probe checks (<c>providers.reachable</c>, <c>telegram.token</c>) for <paramref name="config"/>.</summary>
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(
        OpenClawConfig config, StatePaths paths, Func<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Read-only: a running gateway holds the store's lock, and a probe must work beside it.
        var options = CredentialStoreOptions.FromEnvironment(environment);
        using var store = new CredentialStore(paths, new CredentialStoreOptions { MasterPassword = options.MasterPassword, ReadOnly = true });
        var resolver = new SecretResolver(store, environment);
        using var handler = new SocketsHttpHandler { ConnectTimeout = timeout, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = timeout };

        var checks = new List<CheckResult> { await ProbeProvidersAsync(config, resolver, http, cancellationToken) };
        if (config.Channels.Telegram.Enabled)
        {
            checks.Add(await ProbeTelegramAsync(config.Channels.Telegram, resolver, http, cancellationToken));
        }

        return checks;
    }

    private static async Task<CheckResult> ProbeProvidersAsync(OpenClawConfig config, SecretResolver resolver, HttpClient http, CancellationToken cancellationToken)
    {
        var passed = new List<string>();
        var failed = new List<(string Message, string Fix)>();
        foreach (var provider in config.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (provider.OAuth is not null)
            {
                continue; // a subscription login's tokens are refreshed by the gateway; nothing cheap to probe here
            }

            var key = await ResolveAsync(resolver, provider.ApiKey, cancellationToken);
            if (key.Secret is null && provider.Type != ProviderType.OpenAICompatible)
            {
                if (!provider.ApiKey.IsImplicit)
                {
                    failed.Add(($"{provider.Name}: no key ({key.Problem})", key.Fix ?? $"openclaw credentials set {provider.Name}"));
                }

                continue; // a built-in provider nobody gave a key is not configured
            }

            if (provider.BaseUrl is not { Length: > 0 } baseUrl)
            {
                continue; // validation requires it for openai-compatible; the others have defaults
            }

            var outcome = await ProbeProviderAsync(provider, baseUrl, key.Secret, http, cancellationToken);
            if (outcome.Fix is null)
            {
                passed.Add($"{provider.Name}: {outcome.Message}");
            }
            else
            {
                failed.Add(($"{provider.Name}: {outcome.Message}", outcome.Fix));
            }
        }

        if (failed.Count > 0)
        {
            return new("providers.reachable", CheckStatus.Fail, string.Join("; ", failed.Select(f => f.Message).Concat(passed)),
                string.Join("; ", failed.Select(f => f.Fix).Distinct(StringComparer.Ordinal)));
        }

        return passed.Count == 0
            ? new("providers.reachable", CheckStatus.Skip, "no provider has a key to probe", "openclaw onboard, or openclaw credentials set anthropic")
            : new("providers.reachable", CheckStatus.Ok, string.Join("; ", passed));
    }

    private static async Task<(string Message, string? Fix)> ProbeProviderAsync(
        ProviderOptions provider, string baseUrl, Secret? key, HttpClient http, CancellationToken cancellationToken)
    {
        var root = baseUrl.TrimEnd('/');
        var url = provider.Type == ProviderType.Anthropic ? root + "/v1/models?limit=1" : root + "/models";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null && provider.Type == ProviderType.Anthropic)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", key.Reveal());
            request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        }
        else if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }

        var keyFix = provider.ApiKey.Source == SecretSource.Environment
            ? $"check the environment variable {provider.ApiKey.Name}"
            : $"openclaw credentials set {(provider.ApiKey.Source == SecretSource.Credential ? provider.ApiKey.Name : provider.Name)}";
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ($"key rejected (HTTP {(int)response.StatusCode} from {Shown(url)})", keyFix),
                _ when response.IsSuccessStatusCode => ($"key accepted by {Shown(url)}", null),
                HttpStatusCode.NotFound when provider.Type == ProviderType.OpenAICompatible => ($"{root} answers (it has no model listing)", null),
                _ => ($"HTTP {(int)response.StatusCode} from {Shown(url)}", $"check providers.{provider.Name}.baseUrl and the provider's status"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = ex is TaskCanceledException ? $"no answer within {http.Timeout.TotalSeconds:0} s" : Scrub(ex.Message, key);
            return ($"cannot reach {Shown(url)}: {why}", $"check the network and providers.{provider.Name}.baseUrl");
        }
    }

    private static async Task<CheckResult> ProbeTelegramAsync(TelegramOptions telegram, SecretResolver resolver, HttpClient http, CancellationToken cancellationToken)
    {
        const string Fix = "openclaw credentials set telegram";
        var token = await ResolveAsync(resolver, telegram.BotToken, cancellationToken);
        if (token.Secret is null)
        {
            return new("telegram.token", CheckStatus.Fail, "Telegram is enabled but has no bot token: " + token.Problem, token.Fix ?? Fix);
        }

        var root = telegram.ApiBaseUrl.TrimEnd('/');
        try
        {
            using var response = await http.GetAsync(new Uri($"{root}/bot{token.Secret.Reveal()}/getMe"), cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound)
            {
                // Telegram answers 401 for a revoked token and 404 for one that is not a token at all.
                return new("telegram.token", CheckStatus.Fail, $"the bot token is rejected by {root} (HTTP {(int)response.StatusCode})", Fix);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new("telegram.token", CheckStatus.Fail, $"{root} answered getMe with HTTP {(int)response.StatusCode}", "check channels.telegram.apiBaseUrl and Telegram's status");
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var name = "";
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("result", out var result) && result.TryGetProperty("username", out var username))
                {
                    name = " as @" + username.GetString();
                }
            }
            catch (JsonException)
            {
                // accepted either way; the name is a courtesy
            }

            return new("telegram.token", CheckStatus.Ok, $"the bot token is accepted{name}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = ex is TaskCanceledException ? $"no answer within {http.Timeout.TotalSeconds:0} s" : Scrub(ex.Message, token.Secret);
            return new("telegram.token", CheckStatus.Fail, $"cannot reach {root}: {why}", "check the network and channels.telegram.apiBaseUrl");
        }
    }

    private static async Task<SecretResolution> ResolveAsync(SecretResolver resolver, SecretReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(reference, cancellationToken);
        }
        catch (OpenClawException ex)
        {
            return new SecretResolution { Problem = ex.Message, Fix = "run `openclaw doctor` for the credential store's state" };
        }
    }

    // A URL as shown: without its query (never a secret there, but keep lines short).
    private static string Shown(string url) => url.Split('?')[0];

    // An OS or HttpClient message never carries a secret today; this keeps it so if one ever quotes the request.
    private static string Scrub(string message, Secret? secret) =>
        secret is null || secret.Reveal().Length == 0 ? message : message.Replace(secret.Reveal(), Secret.Redacted, StringComparison.Ordinal);
}
