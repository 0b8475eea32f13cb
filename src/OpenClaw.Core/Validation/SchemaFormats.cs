using System.Net;
using System.Net.Sockets;

namespace OpenClaw.Core.Validation;

/// <summary>
/// The <c>format</c> values the validator asserts (RFC 3339 date-time/date/time, email, hostname, uri, uuid, ipv4,
/// ipv6); any other format is an annotation.
/// </summary>
internal static class SchemaFormats
{
    /// <summary>Whether <paramref name="text"/> is a valid <paramref name="format"/>.</summary>
    public static bool IsValid(string format, string text) => format switch
    {
        "date-time" => IsDateTime(text),
        "date" => IsDate(text),
        "time" => IsTime(text),
        "email" => IsEmail(text),
        "hostname" => IsHostname(text),
        "uri" => IsUri(text),
        "uuid" => IsUuid(text),
        "ipv4" => IsIPv4(text),
        "ipv6" => IsIPv6(text),
        _ => true,
    };

    /// <summary>RFC 3339 date-time: full-date "T" full-time (with an offset).</summary>
    private static bool IsDateTime(string text) =>
        text.Length > 11 && text[10] is 'T' or 't' && IsDate(text.AsSpan(0, 10)) && IsTime(text.AsSpan(11));

    /// <summary>RFC 3339 full-date: YYYY-MM-DD with a day that exists in that month.</summary>
    private static bool IsDate(ReadOnlySpan<char> text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-' ||
            !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..], out var day))
        {
            return false;
        }

        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(year, 1), month);
    }

    /// <summary>RFC 3339 full-time: HH:MM:SS[.frac] then Z or ±HH:MM (a leap second, :60, is allowed).</summary>
    private static bool IsTime(ReadOnlySpan<char> text)
    {
        if (text.Length < 9 || text[2] != ':' || text[5] != ':' ||
            !TryDigits(text[..2], out var hour) || !TryDigits(text[3..5], out var minute) || !TryDigits(text[6..8], out var second) ||
            hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var rest = text[8..];
        if (rest.Length > 0 && rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits == 1)
            {
                return false;
            }

            rest = rest[digits..];
        }

        if (rest is "Z" or "z")
        {
            return true;
        }

        return rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' &&
               TryDigits(rest[1..3], out var offsetHour) && TryDigits(rest[4..], out var offsetMinute) && offsetHour <= 23 && offsetMinute <= 59;
    }

    /// <summary>An address: a dot-atom or quoted local part, "@", and a hostname or an address literal.</summary>
    private static bool IsEmail(string text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.Length > 254)
        {
            return false;
        }

        var local = text.AsSpan(0, at);
        var domain = text.AsSpan(at + 1);
        var localOk = local.Length > 1 && local[0] == '"' && local[^1] == '"'
            ? !local[1..^1].ContainsAny("\"\\\r\n\0")
            : local.Length <= 64 && IsDotAtom(local);
        if (!localOk)
        {
            return false;
        }

        if (domain[0] == '[' && domain[^1] == ']')
        {
            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? IsIPv6(literal[5..].ToString()) : IsIPv4(literal);
        }

        return IsHostname(domain);
    }

    private static bool IsDotAtom(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || text[0] == '.' || text[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-".Contains(c, StringComparison.Ordinal) ||
                     (c == '.' && text[i - 1] != '.');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 1123 hostname: dot-separated labels of 1–63 letters, digits and inner hyphens, 253 characters at most.</summary>
    private static bool IsHostname(ReadOnlySpan<char> text)
    {
        if (text.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>An absolute RFC 3986 URI: a scheme, ":", then only URI characters and well-formed percent escapes.</summary>
    private static bool IsUri(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]) && text[i] is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        var fragments = 0;
        for (var i = colon + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c == '#')
            {
                fragments++;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && !"-._~:/?[]@!$&'()*+,;=".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return fragments <= 1;
    }

    private static bool IsUuid(string text)
    {
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var ok = i is 8 or 13 or 18 or 23 ? text[i] == '-' : char.IsAsciiHexDigit(text[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Dotted quad of 0–255 without leading zeros.</summary>
    private static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !TryDigits(part, out var value) || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>An IPv6 address (RFC 4291 text forms, an embedded IPv4 allowed), without a zone or brackets.</summary>
    private static bool IsIPv6(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
            {
                return false;
            }
        }

        return text.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address) &&
               address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return text.Length > 0;
    }
}
