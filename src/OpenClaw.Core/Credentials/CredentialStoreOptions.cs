namespace OpenClaw.Core.Credentials;

/// <summary>How the credential store gets its key.</summary>
public sealed class CredentialStoreOptions
{
    /// <summary>The environment variable that switches the store from master.key to a master password.</summary>
    public const string MasterPasswordVariable = "OPENCLAW_MASTER_PASSWORD";

    /// <summary>
    /// When set, the key is derived from this password with Argon2id (salt and parameters in master.kdf) instead of
    /// being read from master.key.
    /// </summary>
    public Secret? MasterPassword { get; init; }

    /// <summary>
    /// Read without taking the store's lock, for a CLI command that only reads while a running gateway owns the store
    /// (files are replaced atomically, so a read sees a whole old or new value). Writes are refused.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Argon2id cost for a new master.kdf; tests lower it, production keeps the default.</summary>
    internal Argon2Settings Argon2 { get; init; } = Argon2Settings.Default;

    /// <summary>Reads <c>OPENCLAW_MASTER_PASSWORD</c> through <paramref name="getEnvironmentVariable"/>; an empty value is unset.</summary>
    public static CredentialStoreOptions FromEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var password = getEnvironmentVariable(MasterPasswordVariable);
        return new CredentialStoreOptions { MasterPassword = string.IsNullOrEmpty(password) ? null : new Secret(password) };
    }
}
