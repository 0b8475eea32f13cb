using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace OpenClaw.Gateway.Auth;

/// <summary>Argon2id cost: memory in KiB, passes (t) and lanes (p; libsodium computes one lane).</summary>
internal readonly record struct PasswordHashParameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>19 MiB, 2 passes, 1 lane: OWASP's minimum recommended Argon2id setting (about 30 ms per hash on one core).</summary>
    public static PasswordHashParameters Default => new(19 * 1024, 2, 1);

    /// <summary>True when libsodium can compute it and a stored hash with it cannot exhaust memory or time.</summary>
    public bool IsUsable => Parallelism == 1 && MemoryKiB is >= 8 and <= 1024 * 1024 && Iterations is >= 1 and <= 64;
}

/// <summary>
/// Hashes passwords with Argon2id (libsodium through NSec) into PHC strings,
/// <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c> (unpadded standard base64), and verifies them in
/// constant time with the parameters read from the string, so raising the cost later keeps old hashes valid.
/// </summary>
internal sealed class PasswordHasher
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinPasswordLength = 8;

    /// <summary>The longest password accepted (bounds the work a request can ask for).</summary>
    public const int MaxPasswordLength = 1024;

    private const int SaltSize = 16;
    private const int HashSize = 32;
    private const string Prefix = "$argon2id$v=19$";

    private readonly PasswordHashParameters _parameters;

    /// <summary>Creates a hasher that makes new hashes with <paramref name="parameters"/> (default: <see cref="PasswordHashParameters.Default"/>).</summary>
    public PasswordHasher(PasswordHashParameters? parameters = null)
    {
        _parameters = parameters ?? PasswordHashParameters.Default;
        if (!_parameters.IsUsable)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "Argon2id needs p=1, m in 8..1048576 KiB and t in 1..64.");
        }
    }

    /// <summary>Throws <see cref="AuthException"/> (Invalid) when <paramref name="password"/> breaks the length rule.</summary>
    public static void ValidatePassword(string? password)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            throw new AuthException(AuthErrorKind.Invalid, $"The password is too short; use at least {MinPasswordLength} characters.") { Field = "password" };
        }

        if (password.Length > MaxPasswordLength)
        {
            throw new AuthException(AuthErrorKind.Invalid, $"The password is too long; use at most {MaxPasswordLength} characters.") { Field = "password" };
        }
    }

    /// <summary>Hashes a password that satisfies the rules into a PHC string.</summary>
    public string Hash(string password)
    {
        ValidatePassword(password);
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        Span<byte> hash = stackalloc byte[HashSize];
        Derive(password, salt, _parameters, hash);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}m={_parameters.MemoryKiB},t={_parameters.Iterations},p={_parameters.Parallelism}${Unpadded(salt)}${Unpadded(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="phc"/>; false also for a malformed hash.</summary>
    public static bool Verify(string password, string phc)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(phc);
        if (password.Length > MaxPasswordLength || !TryParse(phc, out var parameters, out var salt, out var expected))
        {
            return false;
        }

        var actual = new byte[expected.Length];
        Derive(password, salt, parameters, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Reads the cost of a stored hash (for tests and a future rehash-on-login).</summary>
    internal static bool TryParse(string phc, out PasswordHashParameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = default;
        salt = hash = [];
        if (!phc.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = phc[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        foreach (var pair in parts[0].Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 1 || !int.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            switch (pair[..eq])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        parameters = new PasswordHashParameters(m, t, p);
        if (!parameters.IsUsable || !TryUnpadded(parts[1], out salt) || !TryUnpadded(parts[2], out hash))
        {
            return false;
        }

        return salt.Length == SaltSize && hash.Length is >= 16 and <= 64;
    }

    private static void Derive(string password, ReadOnlySpan<byte> salt, PasswordHashParameters parameters, Span<byte> output)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = parameters.Parallelism,
            MemorySize = parameters.MemoryKiB,
            NumberOfPasses = parameters.Iterations,
        });
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            algorithm.DeriveBytes(passwordBytes, salt, output);
        }
        catch (NotImplementedException ex)
        {
            // NSec reports a failed libsodium call (almost always: not enough memory) this way.
            throw new Core.OpenClawException(
                $"hashing a password failed; Argon2id needs {parameters.MemoryKiB / 1024} MiB of memory. Free some memory and try again.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static string Unpadded(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryUnpadded(string text, out byte[] bytes)
    {
        var padded = text + new string('=', (4 - (text.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (text.Contains('=', StringComparison.Ordinal) || !Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
