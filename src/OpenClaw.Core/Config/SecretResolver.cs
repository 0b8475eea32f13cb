using OpenClaw.Core.Credentials;

namespace OpenClaw.Core.Config;

/// <summary>The outcome of resolving a <see cref="SecretReference"/>: the secret, or what is missing and how to set it.</summary>
public sealed record SecretResolution
{
    /// <summary>The secret, or <see langword="null"/> when it is missing.</summary>
    public Secret? Secret { get; init; }

    /// <summary>What is missing (e.g. "credential 'anthropic' is not stored"), or <see langword="null"/> when resolved.</summary>
    public string? Problem { get; init; }

    /// <summary>How to fix it (e.g. "run `openclaw credentials set anthropic`"), or <see langword="null"/> when resolved.</summary>
    public string? Fix { get; init; }

    /// <summary>Whether the secret was found.</summary>
    public bool IsResolved => Secret is not null;

    /// <summary>The problem and the fix in one sentence, for an error a user sees.</summary>
    public string? Message => Problem is null ? null : $"{Problem}; {Fix}.";
}

/// <summary>Turns <see cref="SecretReference"/> values into secrets, from the environment or the credential store, when they are used.</summary>
/// <remarks>Thread-safe when the environment lookup and the credential reader are.</remarks>
public sealed class SecretResolver
{
    private readonly ICredentialReader _credentials;
    private readonly Func<string, string?> _getEnvironmentVariable;

    /// <summary>Creates a resolver over a credential store and an environment lookup (the process environment by default).</summary>
    public SecretResolver(ICredentialReader credentials, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Resolves <paramref name="reference"/>; a missing credential or variable is a result, not an exception.</summary>
    /// <exception cref="OpenClawException">The credential store failed (e.g. the secret cannot be decrypted).</exception>
    public async ValueTask<SecretResolution> ResolveAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        switch (reference.Source)
        {
            case SecretSource.Literal:
                return new SecretResolution { Secret = new Secret(reference.Text) };

            case SecretSource.Credential:
                var stored = await _credentials.GetAsync(reference.Name, cancellationToken);
                return stored is not null
                    ? new SecretResolution { Secret = stored }
                    : new SecretResolution
                    {
                        Problem = $"credential '{reference.Name}' is not stored",
                        Fix = $"run `openclaw credentials set {reference.Name}`",
                    };

            default:
                var missing = new List<string>();
                // An empty variable is as good as unset for a key or token.
                var value = EnvTemplate.Expand(reference.Text, name => _getEnvironmentVariable(name) is { Length: > 0 } v ? v : null, missing, out var error);
                if (value is not null && value.Length > 0)
                {
                    return new SecretResolution { Secret = new Secret(value) };
                }

                var names = missing.Count > 0 ? missing : [reference.Name];
                return new SecretResolution
                {
                    Problem = error ?? (names.Count == 1
                        ? $"environment variable {names[0]} is not set"
                        : $"environment variables {string.Join(", ", names)} are not set"),
                    Fix = names.Count == 1
                        ? $"set the environment variable {names[0]} where the gateway runs, or use \"cred:NAME\" with `openclaw credentials set NAME`"
                        : $"set the environment variables {string.Join(", ", names)} where the gateway runs",
                };
        }
    }
}
