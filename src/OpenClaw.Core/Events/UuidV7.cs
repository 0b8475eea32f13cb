using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenClaw.Core.Events;

/// <summary>
/// UUIDv7 (RFC 9562) from a given time, like <see cref="Guid.CreateVersion7(DateTimeOffset)"/>, but drawing its random
/// bits from a per-thread block of cryptographic randomness instead of one system call per id (imports make millions).
/// </summary>
internal static class UuidV7
{
    private const int BlockSize = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_offset;

    public static Guid Create(DateTimeOffset timestamp)
    {
        var random = t_random ??= new byte[BlockSize];
        if (t_offset == 0 || t_offset + 10 > BlockSize)
        {
            RandomNumberGenerator.Fill(random);
            t_offset = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        var millis = timestamp.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64BigEndian(bytes, millis << 16);
        random.AsSpan(t_offset, 10).CopyTo(bytes[6..]);
        t_offset += 10;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
