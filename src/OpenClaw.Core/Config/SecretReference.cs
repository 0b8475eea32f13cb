namespace OpenClaw.Core.Config;

/// <summary>Where a secret-bearing field's value comes from.</summary>
public enum SecretSource
{
    /// <summary><c>"${NAME}"</c> (or any text with <c>${…}</c>): from the environment.</summary>
    Environment,

    /// <summary><c>"cred:NAME"</c>: from the credential store.</summary>
    Credential,

    /// <summary>The secret itself, written in the file (works, but the security audit flags it).</summary>
    Literal,
}

/// <summary>
/// A secret-bearing config value as written: a reference that <see cref="SecretResolver"/> turns into a secret when
/// it is needed, so a missing credential or variable is reported at use, not at start-up.
/// </summary>
/// <remarks><see cref="ToString"/> never shows a literal secret.</remarks>
public sealed class SecretReference
{
    private const string CredentialPrefix = "cred:";

    private SecretReference(SecretSource source, string name, string text, bool isImplicit)
    {
        Source = source;
        Name = name;
        Text = text;
        IsImplicit = isImplicit;
    }

    /// <summary>Where the value comes from.</summary>
    public SecretSource Source { get; }

    /// <summary>The credential name, or the (first) environment variable name; empty for a literal.</summary>
    public string Name { get; }

    /// <summary>Whether the file did not name this secret and the credential named after the provider or channel is used.</summary>
    public bool IsImplicit { get; }

    /// <summary>Whether the file holds the secret itself (what <c>openclaw security audit</c> flags).</summary>
    public bool IsLiteral => Source == SecretSource.Literal;

    // The text as written: the template for Environment, "cred:NAME", or the literal secret (escapes undone).
    internal string Text { get; }

    /// <summary>A reference to the credential <paramref name="name"/> as if the file had said <c>"cred:NAME"</c>.</summary>
    public static SecretReference Credential(string name) => new(SecretSource.Credential, name, CredentialPrefix + name, isImplicit: false);

    /// <summary>The reference used when the file names no secret: the credential named after the provider or channel.</summary>
    public static SecretReference ImplicitCredential(string name) => new(SecretSource.Credential, name, CredentialPrefix + name, isImplicit: true);

    /// <summary>Reads a secret field's string; <see langword="null"/> with an explanation when it is malformed.</summary>
    internal static SecretReference? TryParse(string text, out string? error)
    {
        error = null;
        if (text.StartsWith(CredentialPrefix, StringComparison.Ordinal))
        {
            var name = text[CredentialPrefix.Length..];
            if (!Identifiers.IdFormat.TryValidate("credential name", name, out error))
            {
                return null;
            }

            return Credential(name);
        }

        if (!EnvTemplate.TryScan(text, out var variables, out error, quoteText: false))
        {
            return null;
        }

        if (variables.Count > 0)
        {
            return new SecretReference(SecretSource.Environment, variables[0], text, isImplicit: false);
        }

        return new SecretReference(SecretSource.Literal, "", EnvTemplate.Unescape(text), isImplicit: false);
    }

    /// <summary>Whether <paramref name="other"/> names the same secret the same way (for telling whether a reloaded config changed it).</summary>
    public bool RefersToSameAs(SecretReference? other) =>
        other is not null && Source == other.Source && IsImplicit == other.IsImplicit &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(Text), System.Text.Encoding.UTF8.GetBytes(other.Text));

    /// <summary>The reference as it would be written in the file; a literal shows as <c>***</c>.</summary>
    public override string ToString() => Source == SecretSource.Literal ? Credentials.Secret.Redacted : Text;
}
