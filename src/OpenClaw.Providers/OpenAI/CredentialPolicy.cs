using System.ClientModel.Primitives;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.OpenAI;

/// <summary>
/// The SDK pipeline's authentication step: sets <c>Authorization: Bearer</c> from <see cref="IProviderCredential"/> on
/// every request (so a key stored while the gateway runs applies at once), sends no header at all when the credential
/// has none (keyless OpenAI-compatible servers), and after a 401 on an OAuth login refreshes once and resends.
/// </summary>
/// <remarks>Runs last before the transport, so it overrides the header the SDK's own (placeholder) key policy set.</remarks>
internal sealed class CredentialPolicy(IProviderCredential credential) : PipelinePolicy
{
    private const string AuthorizationHeader = "Authorization";
    private Secret? _lastSent;

    /// <summary>The key most recently sent, so that error messages can be scrubbed of it.</summary>
    public Secret? LastSent => Volatile.Read(ref _lastSent);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        // The client only calls the SDK's async methods; the synchronous path is here for completeness.
        ProcessAsync(message, pipeline, currentIndex).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var secret = await credential.GetAsync(message.CancellationToken).ConfigureAwait(false);
        SetAuthorization(message, secret);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);

        if (message.Response is { Status: 401 } rejected && credential.IsOAuth && secret is not null)
        {
            var refreshed = await credential.RefreshAfterUnauthorizedAsync(secret, message.CancellationToken).ConfigureAwait(false);
            if (refreshed is not null)
            {
                rejected.Dispose();
                SetAuthorization(message, refreshed);
                await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
            }
        }
    }

    private void SetAuthorization(PipelineMessage message, Secret? secret)
    {
        if (secret is null)
        {
            message.Request.Headers.Remove(AuthorizationHeader);
            return;
        }

        Volatile.Write(ref _lastSent, secret);
        message.Request.Headers.Set(AuthorizationHeader, "Bearer " + secret.Reveal());
    }
}
