using System.Security.Cryptography;
using System.Text;

namespace OpenClaw.Core.Credentials;

/// <summary>
/// The on-disk form of one secret:
/// <c>magic "OCCR" (4) | format version (1) | key id (8) | nonce (12) | ciphertext | tag (16)</c>.
/// AES-256-GCM with a fresh random nonce per write; the associated data is the header plus the credential's name,
/// so a renamed or swapped file, a changed header or a flipped bit all fail authentication.
/// </summary>
internal static class CredentialFormat
{
    public const byte CurrentVersion = 1;
    public const int KeyIdSize = 8;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int HeaderSize = 4 + 1 + KeyIdSize + NonceSize;

    private static ReadOnlySpan<byte> Magic => "OCCR"u8;

    private static ReadOnlySpan<byte> NameLabel => "openclaw-credential:"u8;

    public static byte[] Encrypt(MasterKey key, string name, string value)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        try
        {
            var file = new byte[HeaderSize + plaintext.Length + TagSize];
            Magic.CopyTo(file);
            file[4] = CurrentVersion;
            key.Id.CopyTo(file.AsSpan(5, KeyIdSize));
            RandomNumberGenerator.Fill(file.AsSpan(5 + KeyIdSize, NonceSize));

            using var aes = new AesGcm(key.Bytes, TagSize);
            aes.Encrypt(
                file.AsSpan(5 + KeyIdSize, NonceSize),
                plaintext,
                file.AsSpan(HeaderSize, plaintext.Length),
                file.AsSpan(HeaderSize + plaintext.Length, TagSize),
                AssociatedData(file.AsSpan(0, HeaderSize), name));
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The key id in a file's header as hex (for error messages), or "?" when the header is unreadable.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> file) =>
        file.Length >= HeaderSize && file[..4].SequenceEqual(Magic)
            ? Convert.ToHexStringLower(file.Slice(5, KeyIdSize))
            : "?";

    public static DecryptResult Decrypt(MasterKey key, string name, ReadOnlySpan<byte> file, out string? value)
    {
        value = null;
        if (file.Length < HeaderSize + TagSize || !file[..4].SequenceEqual(Magic))
        {
            return DecryptResult.NotACredentialFile;
        }

        if (file[4] != CurrentVersion)
        {
            return file[4] > CurrentVersion ? DecryptResult.NewerVersion : DecryptResult.NotACredentialFile;
        }

        if (!file.Slice(5, KeyIdSize).SequenceEqual(key.Id))
        {
            return DecryptResult.OtherKey;
        }

        var ciphertextLength = file.Length - HeaderSize - TagSize;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key.Bytes, TagSize);
            aes.Decrypt(
                file.Slice(5 + KeyIdSize, NonceSize),
                file.Slice(HeaderSize, ciphertextLength),
                file.Slice(HeaderSize + ciphertextLength, TagSize),
                plaintext,
                AssociatedData(file[..HeaderSize], name));
            value = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(plaintext);
            return DecryptResult.Ok;
        }
        catch (AuthenticationTagMismatchException)
        {
            return DecryptResult.Damaged;
        }
        catch (DecoderFallbackException)
        {
            return DecryptResult.Damaged;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var data = new byte[header.Length + NameLabel.Length + nameBytes.Length];
        header.CopyTo(data);
        NameLabel.CopyTo(data.AsSpan(header.Length));
        nameBytes.CopyTo(data.AsSpan(header.Length + NameLabel.Length));
        return data;
    }
}

/// <summary>What decrypting one file found.</summary>
internal enum DecryptResult
{
    Ok,
    NotACredentialFile,
    NewerVersion,
    OtherKey,
    Damaged,
}
