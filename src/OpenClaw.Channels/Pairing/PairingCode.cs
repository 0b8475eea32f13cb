using System.Security.Cryptography;

namespace OpenClaw.Channels.Pairing;

/// <summary>Pairing codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L).</summary>
internal static class PairingCode
{
    public const int Length = 8;

    /// <summary>23 letters and 8 digits: about 8.5 × 10^11 codes.</summary>
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// <summary>A new random code from a cryptographic generator.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>Whether <paramref name="code"/> is a code in canonical form (as issued).</summary>
    public static bool IsCanonical(string? code)
    {
        if (code is null || code.Length != Length)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The canonical form of a code typed by a person: upper case, with spaces and hyphens anywhere removed (so
    /// <c>" abcd-efgh "</c> matches <c>ABCDEFGH</c>); <see langword="null"/> when what is left is not a possible code.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 64)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[Length];
        var count = 0;
        foreach (var c in typed)
        {
            if (char.IsWhiteSpace(c) || c == '-')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (count == Length || !Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                return null;
            }

            buffer[count++] = upper;
        }

        return count == Length ? new string(buffer) : null;
    }
}
