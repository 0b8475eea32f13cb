using System.Net;
using System.Net.Sockets;

namespace OpenClaw.Agents.Tools;

/// <summary>Which IP addresses web_fetch may connect to without <c>allowPrivateNetwork</c>: public unicast only.</summary>
internal static class NetworkAddressPolicy
{
    /// <summary>
    /// False for loopback, private (RFC 1918), CGNAT (100.64/10), link-local, unique-local, site-local, multicast,
    /// unspecified, reserved and documentation ranges, and for IPv6 forms that embed such an IPv4 address
    /// (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsPublicV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        // ::/96 covers ::, ::1 and the deprecated IPv4-compatible form.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return false;
        }

        // 64:ff9b::/96 (NAT64) and 6to4 (2002::/16) reach the IPv4 address they embed.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(b[12..]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b[2..6]);
        }

        // 100::/64 (discard), 2001::/32 (Teredo, which embeds an address), 2001:db8::/32 (documentation).
        if ((b[0] == 0x01 && b[1] == 0x00 && b[2..8].IndexOfAnyExcept((byte)0) < 0)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8))
        {
            return false;
        }

        return true;
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 or 10 or 127 => false,
        100 => (b[1] & 0xC0) != 64,
        169 => b[1] != 254,
        172 => (b[1] & 0xF0) != 16,
        192 => !(b[1] == 168 || (b[1] == 0 && (b[2] == 0 || b[2] == 2)) || (b[1] == 88 && b[2] == 99)),
        198 => !(b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100)),
        203 => !(b[1] == 0 && b[2] == 113),
        >= 224 => false,
        _ => true,
    };
}
