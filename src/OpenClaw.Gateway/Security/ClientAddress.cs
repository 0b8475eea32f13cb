using System.Net;
using Microsoft.AspNetCore.Http;

namespace OpenClaw.Gateway.Security;

/// <summary>The address limits are counted against.</summary>
internal static class ClientAddress
{
    /// <summary>The remote address, with an IPv4-mapped IPv6 address reduced to its IPv4 address.</summary>
    public static IPAddress? Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
    }
}
