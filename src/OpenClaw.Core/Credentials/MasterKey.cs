using System.Security.Cryptography;

namespace OpenClaw.Core.Credentials;

/// <summary>The 32-byte AES-256 key that encrypts every credential, with its public 8-byte id.</summary>
/// <remarks>The id is an HMAC of a fixed label under the key: it names the key without revealing anything about it.</remarks>
internal sealed class MasterKey : IDisposable
{
    public const int Size = 32;

    public MasterKey(byte[] bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a master key is {Size} bytes.", nameof(bytes));
        }

        Bytes = bytes;
        Id = HMACSHA256.HashData(bytes, "openclaw credential key id v1"u8)[..CredentialFormat.KeyIdSize];
    }

    public byte[] Bytes { get; }

    public byte[] Id { get; }

    public string IdHex => Convert.ToHexStringLower(Id);

    public static MasterKey CreateRandom() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>A value stored beside a password's salt, so a wrong password is told apart from damaged files.</summary>
    public byte[] CheckValue() => HMACSHA256.HashData(Bytes, "openclaw master password check v1"u8);

    public void Dispose() => CryptographicOperations.ZeroMemory(Bytes);
}
