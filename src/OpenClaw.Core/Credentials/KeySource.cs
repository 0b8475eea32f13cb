using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace OpenClaw.Core.Credentials;

/// <summary>Where the master key comes from: the key file, or a master password stretched with Argon2id.</summary>
internal abstract class KeySource
{
    protected KeySource(string filePath)
    {
        FilePath = filePath;
    }

    /// <summary>The file that holds the key (master.key) or the password's salt and parameters (master.kdf).</summary>
    public string FilePath { get; }

    /// <summary>A rotation's new key file, before it is committed by renaming it over <see cref="FilePath"/>.</summary>
    public string NextFilePath => FilePath + ".next";

    public string FileName => Path.GetFileName(FilePath);

    /// <summary>Turns the file's content into the key; throws <see cref="OpenClawException"/> with a fix when it cannot.</summary>
    public abstract MasterKey Load(byte[] content);

    /// <summary>A new key and the file content that reproduces it.</summary>
    public abstract (MasterKey Key, byte[] Content) Create(Secret? newPassword);

    /// <summary>Called once a rotation to <paramref name="newPassword"/> has committed: later keys come from it.</summary>
    public virtual void Committed(Secret? newPassword)
    {
    }

    /// <summary>Refuses a key file others can read.</summary>
    public virtual void CheckFileMode()
    {
    }
}

/// <summary>A random 32-byte key in <c>master.key</c> (mode 0600).</summary>
internal sealed class KeyFileSource(string filePath) : KeySource(filePath)
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public override MasterKey Load(byte[] content)
    {
        if (content.Length != MasterKey.Size)
        {
            throw new OpenClawException(
                $"master.key in the state directory is damaged: it holds {content.Length} bytes, not {MasterKey.Size}. " +
                "Restore it from a backup; without it the stored credentials cannot be decrypted.");
        }

        return new MasterKey(content);
    }

    public override (MasterKey Key, byte[] Content) Create(Secret? newPassword)
    {
        if (newPassword is not null)
        {
            throw new OpenClawException(
                "the credential store uses master.key, not a master password; rotate without a password, " +
                "or set OPENCLAW_MASTER_PASSWORD when creating a new store.");
        }

        var key = MasterKey.CreateRandom();
        return (key, key.Bytes.ToArray());
    }

    public override void CheckFileMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(FilePath);
        if ((mode & GroupOrOther) != 0)
        {
            // Like ssh with a private key: a key others can read is refused rather than used with a warning.
            throw new OpenClawException(
                $"master.key in the state directory is readable by other users (mode {Convert.ToString((int)mode, 8)}); " +
                $"refusing to use it. Run: chmod 600 {FilePath}");
        }
    }
}

/// <summary>A key derived from OPENCLAW_MASTER_PASSWORD with Argon2id; salt, parameters and a check value in master.kdf.</summary>
internal sealed class PasswordSource(string filePath, Secret password, Argon2Settings settings) : KeySource(filePath)
{
    private const int SaltSize = 16;

    // The password in force: the one the process started with until a rotation to a new one commits.
    private Secret _password = password;

    // The master.kdf a wrong password was last tried against: asking again fails at once instead of re-running
    // Argon2id (the password changes within a process only through a committed rotation, which clears this).
    private byte[]? _rejected;

    public override MasterKey Load(byte[] content)
    {
        if (_rejected is { } rejected && rejected.AsSpan().SequenceEqual(content))
        {
            throw WrongPassword();
        }

        KdfFile? file;
        try
        {
            file = JsonSerializer.Deserialize(content, CredentialsJsonContext.Default.KdfFile);
        }
        catch (JsonException)
        {
            file = null;
        }

        if (file is null || file.Salt is null || file.KeyCheck is null)
        {
            throw Damaged("it is not valid JSON with a salt and a key check");
        }

        if (file.Format > KdfFile.CurrentFormat)
        {
            throw new OpenClawException(
                $"master.kdf in the state directory was written by a newer OpenClaw (format {file.Format}; this version " +
                $"reads up to {KdfFile.CurrentFormat}). Upgrade OpenClaw.");
        }

        if (file.Algorithm != KdfFile.Argon2id)
        {
            throw Damaged($"unknown key derivation '{file.Algorithm}'");
        }

        var parameters = new Argon2Settings(file.MemoryKiB, file.Iterations, file.Parallelism);
        if (!parameters.IsUsable)
        {
            throw Damaged("its Argon2id parameters are out of range");
        }

        byte[] salt, check;
        try
        {
            salt = Convert.FromBase64String(file.Salt);
            check = Convert.FromBase64String(file.KeyCheck);
        }
        catch (FormatException)
        {
            throw Damaged("its salt or key check is not base64");
        }

        if (salt.Length != SaltSize)
        {
            throw Damaged("its salt is not 16 bytes");
        }

        var key = new MasterKey(Derive(_password, salt, parameters));
        if (!CryptographicOperations.FixedTimeEquals(key.CheckValue(), check))
        {
            key.Dispose();
            _rejected = content;
            throw WrongPassword();
        }

        return key;
    }

    public override (MasterKey Key, byte[] Content) Create(Secret? newPassword)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var key = new MasterKey(Derive(newPassword ?? _password, salt, settings));
        var file = new KdfFile
        {
            Format = KdfFile.CurrentFormat,
            Algorithm = KdfFile.Argon2id,
            MemoryKiB = settings.MemoryKiB,
            Iterations = settings.Iterations,
            Parallelism = settings.Parallelism,
            Salt = Convert.ToBase64String(salt),
            KeyCheck = Convert.ToBase64String(key.CheckValue()),
        };
        return (key, JsonSerializer.SerializeToUtf8Bytes(file, CredentialsJsonContext.Default.KdfFile));
    }

    public override void Committed(Secret? newPassword)
    {
        if (newPassword is not null)
        {
            _password = newPassword;
            _rejected = null;
        }
    }

    /// <summary>Argon2id through libsodium (NSec); see docs/security.md for why p=1 with t=4 meets RFC 9106's cost.</summary>
    internal static byte[] Derive(Secret password, byte[] salt, Argon2Settings parameters)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = parameters.Parallelism,
            MemorySize = parameters.MemoryKiB,
            NumberOfPasses = parameters.Iterations,
        });
        var passwordBytes = Encoding.UTF8.GetBytes(password.Reveal());
        try
        {
            var key = new byte[MasterKey.Size];
            algorithm.DeriveBytes(passwordBytes, salt, key);
            return key;
        }
        catch (NotImplementedException ex)
        {
            // NSec reports a failed libsodium call (almost always: not enough memory) this way.
            throw new OpenClawException(
                $"deriving the credential key from OPENCLAW_MASTER_PASSWORD failed; Argon2id needs " +
                $"{parameters.MemoryKiB / 1024} MiB of memory. Free some memory and try again.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static OpenClawException WrongPassword() =>
        new("wrong master password: OPENCLAW_MASTER_PASSWORD does not unlock this credential store. " +
            "Set it to the password the store was created (or last rotated) with.");

    private static OpenClawException Damaged(string what) =>
        new($"master.kdf in the state directory is damaged ({what}). Restore it from a backup; " +
            "without it the stored credentials cannot be decrypted.");
}

/// <summary>Argon2id cost parameters: memory in KiB, passes (t) and lanes (p).</summary>
internal readonly record struct Argon2Settings(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>64 MiB and 4 passes in one lane: at least RFC 9106's second recommended set (64 MiB, t=3, p=4).</summary>
    public static Argon2Settings Default => new(64 * 1024, 4, 1);

    // libsodium takes one lane only; the upper bounds stop a tampered master.kdf from exhausting memory or time.
    public bool IsUsable => Parallelism == 1 && MemoryKiB is >= 8 and <= 4 * 1024 * 1024 && Iterations is >= 1 and <= 64;
}
