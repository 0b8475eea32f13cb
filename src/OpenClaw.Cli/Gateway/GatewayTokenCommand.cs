using OpenClaw.Core;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Hosting;

namespace OpenClaw.Cli.Gateway;

/// <summary><c>openclaw gateway token [--rotate]</c>: prints (or replaces) the token that acts as admin.</summary>
internal static class GatewayTokenCommand
{
    public static async Task<int> RunAsync(
        StatePaths paths, Func<string, string?> environment, bool rotate, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(environment(GatewayToken.EnvironmentVariable)))
        {
            // The variable's holder already has the token; never echo it.
            await error.WriteLineAsync(rotate
                ? $"error: {GatewayToken.EnvironmentVariable} is set and overrides the stored token; change or unset the variable instead."
                : $"The gateway uses the token in {GatewayToken.EnvironmentVariable} (it overrides the stored one).");
            return rotate ? 1 : 0;
        }

        var options = CredentialStoreOptions.FromEnvironment(environment);
        using (var store = new CredentialStore(paths, options))
        {
            if (await TryOpenAsync(store, cancellationToken))
            {
                // No gateway runs: this process owns the store.
                using var token = new GatewayToken(store, environment);
                var secret = rotate ? await token.RotateAsync(cancellationToken) : await token.RevealAsync(cancellationToken);
                await output.WriteLineAsync(secret.Reveal());
                if (rotate)
                {
                    await error.WriteLineAsync("The gateway token was replaced; clients using the old one must sign in again.");
                }

                return 0;
            }
        }

        if (rotate)
        {
            await error.WriteLineAsync(
                "error: a running gateway owns the state directory; stop it (Ctrl+C or SIGTERM), run `openclaw gateway token --rotate`, then start it again.");
            return 1;
        }

        // A running gateway owns the store: read its token without taking the lock, unless that gateway was started
        // with the variable (then the stored token is not the one in force).
        var marker = GatewayHost.TokenSourceMarker(paths);
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker, cancellationToken)).Trim() == "environment")
        {
            await error.WriteLineAsync(
                $"error: the running gateway uses {GatewayToken.EnvironmentVariable} from its own environment, not the stored token; use that value.");
            return 1;
        }

        using var reader = new CredentialStore(paths, new CredentialStoreOptions { MasterPassword = options.MasterPassword, ReadOnly = true });
        var stored = await reader.GetAsync(GatewayToken.CredentialName, cancellationToken)
            ?? throw new OpenClawException("the running gateway has no stored token (was it started with OPENCLAW_GATEWAY_TOKEN?).");
        await output.WriteLineAsync(stored.Reveal());
        return 0;
    }

    private static async Task<bool> TryOpenAsync(CredentialStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.OpenAsync(cancellationToken);
            return true;
        }
        catch (OpenClawException ex) when (ex.InnerException is IOException)
        {
            return false; // the lock is held: a gateway runs
        }
    }
}
