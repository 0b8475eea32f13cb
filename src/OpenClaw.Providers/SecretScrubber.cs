using System.Text;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers;

/// <summary>
/// Removes the key a request sent from any text the provider (or a proxy in front of it) sent back, and checks a key
/// before it goes into a header. Both clients pass the secrets of the one request whose answer they are reading, never
/// shared state, so concurrent requests with different keys each scrub their own.
/// </summary>
internal static class SecretScrubber
{
    /// <summary>How many leading characters of a key identify a (truncated) echo of it.</summary>
    internal const int PrefixChars = 12;

    /// <summary>Keys shorter than this are placeholders, not secrets, and are left in the text.</summary>
    internal const int MinScrubbedChars = 8;

    /// <summary>
    /// <paramref name="text"/> with every echo of <paramref name="first"/> or <paramref name="second"/> replaced by
    /// <see cref="Secret.Redacted"/>: the whole key, and any run of at least <see cref="PrefixChars"/> characters that
    /// matches the key's start (an echo cut short by the server). Apply it to the whole text before shortening it.
    /// </summary>
    /// <param name="text">What the provider sent.</param>
    /// <param name="first">A key this request sent, or <see langword="null"/>.</param>
    /// <param name="second">Another key this request sent (after an OAuth refresh), or <see langword="null"/>.</param>
    public static string? Scrub(string? text, Secret? first, Secret? second = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = ScrubOne(text, first);
        return ScrubOne(text, second);
    }

    /// <summary>
    /// The key as it goes into a header: surrounding spaces trimmed; a key with a line break or another control
    /// character (pasted from a <c>.env</c> file) refused, since .NET would drop or refuse the header.
    /// </summary>
    /// <param name="provider">The provider's name, for the message.</param>
    /// <param name="secret">The stored key or token.</param>
    /// <exception cref="ProviderException"><see cref="ProviderFailure.MissingCredential"/>; the message never quotes the key.</exception>
    public static Secret Sendable(string provider, Secret secret)
    {
        var value = secret.Reveal();
        var trimmed = value.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsControl(c))
            {
                throw new ProviderException(provider, ProviderFailure.MissingCredential,
                    $"The stored key for provider '{provider}' contains a line break or control character, so it cannot be sent. "
                    + "Store it again without one: `openclaw credentials set <name>` (the credential named in the provider's apiKey), "
                    + "pasting the key alone.");
            }
        }

        return ReferenceEquals(trimmed, value) ? secret : new Secret(trimmed);
    }

    private static string ScrubOne(string text, Secret? secret)
    {
        if (secret is null)
        {
            return text;
        }

        var key = secret.Reveal().Trim();
        if (key.Length < MinScrubbedChars)
        {
            // A placeholder such as "ollama" or "EMPTY" (what local servers are given) is no secret, and replacing it
            // everywhere would mangle the provider's message ("model 'ollama/…'").
            return text;
        }

        if (key.Length <= PrefixChars)
        {
            return text.Replace(key, Secret.Redacted, StringComparison.Ordinal);
        }

        var prefix = key.AsSpan(0, PrefixChars);
        var start = text.AsSpan().IndexOf(prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (start >= 0)
        {
            // The run matching the key's start: the whole key, or as much of it as the echo kept.
            var length = PrefixChars;
            while (length < key.Length && start + length < rest.Length && rest[start + length] == key[length])
            {
                length++;
            }

            result.Append(rest[..start]).Append(Secret.Redacted);
            rest = rest[(start + length)..];
            start = rest.IndexOf(prefix, StringComparison.Ordinal);
        }

        return result.Append(rest).ToString();
    }
}
