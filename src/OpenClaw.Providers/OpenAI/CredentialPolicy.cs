using System.ClientModel.Primitives;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.OpenAI;

/// <summary>
/// The SDK pipeline's authentication step: sets <c>Authorization: Bearer</c> from <see cref="IProviderCredential"/> on
/// every request (so a key stored while the gateway runs applies at once), sends no header at all when the credential
/// has none (keyless OpenAI-compatible servers), and after a 401 on an OAuth login refreshes once and resends.
/// </summary>
/// <remarks>Runs last before the transport, so it overrides the header the SDK's own (placeholder) key policy set.</remarks>
internal sealed class CredentialPolicy(string providerName, IProviderCredential credential) : PipelinePolicy
{
    private const string AuthorizationHeader = "Authorization";

    // The keys of the request running in this async flow: the client starts a record before calling the SDK, and this
    // policy (called from inside that call) fills it in. Never shared between requests, unlike a "last sent" field.
    private static readonly AsyncLocal<SentKeys?> s_current = new();

    /// <summary>Starts recording the keys the request about to be made sends (read them after it fails, to scrub its error).</summary>
    public static SentKeys Record()
    {
        var keys = new SentKeys();
        s_current.Value = keys;
        return keys;
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        // The client only calls the SDK's async methods; the synchronous path is here for completeness.
        ProcessAsync(message, pipeline, currentIndex).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var secret = await credential.GetAsync(message.CancellationToken).ConfigureAwait(false);
        secret = secret is null ? null : SecretScrubber.Sendable(providerName, secret);
        SetAuthorization(message, secret);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);

        if (message.Response is { Status: 401 } rejected && credential.IsOAuth && secret is not null)
        {
            var refreshed = await credential.RefreshAfterUnauthorizedAsync(secret, message.CancellationToken).ConfigureAwait(false);
            if (refreshed is not null)
            {
                refreshed = SecretScrubber.Sendable(providerName, refreshed);
                rejected.Dispose();
                SetAuthorization(message, refreshed);
                await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
            }
        }
    }

    private static void SetAuthorization(PipelineMessage message, Secret? secret)
    {
        if (secret is null)
        {
            message.Request.Headers.Remove(AuthorizationHeader);
            return;
        }

        if (s_current.Value is { } keys)
        {
            keys.Add(secret);
        }

        message.Request.Headers.Set(AuthorizationHeader, "Bearer " + secret.Reveal());
    }
}

/// <summary>The keys one request sent (the first, and the one after an OAuth refresh), for scrubbing its error.</summary>
internal sealed class SentKeys
{
    /// <summary>The first key sent.</summary>
    public Secret? First { get; private set; }

    /// <summary>The key sent after a refresh.</summary>
    public Secret? Second { get; private set; }

    /// <summary>Notes a key as sent.</summary>
    public void Add(Secret secret)
    {
        if (First is null)
        {
            First = secret;
        }
        else
        {
            Second = secret;
        }
    }
}
