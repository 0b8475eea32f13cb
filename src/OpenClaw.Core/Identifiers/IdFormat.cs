using System.Diagnostics.CodeAnalysis;

namespace OpenClaw.Core.Identifiers;

/// <summary>The single rule for agent, channel and peer ids: 1–128 characters from <c>A–Z a–z 0–9 . _ - @ +</c>.</summary>
public static class IdFormat
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>Checks <paramref name="value"/> against the id rule and explains the first problem found.</summary>
    public static bool TryValidate(string kind, string? value, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(value))
        {
            error = $"{kind} must not be empty.";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"{kind} is {value.Length} characters long; at most {MaxLength} are allowed.";
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (!IsAllowed(value[i]))
            {
                error = $"{kind} '{Printable(value)}' contains {Describe(value[i])} at position {i + 1}; " +
                    "only letters A-Z a-z, digits and . _ - @ + are allowed.";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Throws <see cref="OpenClawException"/> when <paramref name="value"/> breaks the id rule.</summary>
    public static string Validate(string kind, string? value)
    {
        if (!TryValidate(kind, value, out var error))
        {
            throw new OpenClawException(error);
        }

        return value!;
    }

    internal static bool IsAllowed(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '@' or '+';

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"the character U+{(int)c:X4}" : $"'{c}'";

    // Errors echo the offending id, but never raw control characters or unbounded length.
    private static string Printable(string value)
    {
        var clipped = value.Length > 40 ? value[..40] + "…" : value;
        return string.Create(clipped.Length, clipped, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
