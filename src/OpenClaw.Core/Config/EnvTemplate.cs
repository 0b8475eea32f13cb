using System.Text;

namespace OpenClaw.Core.Config;

/// <summary><c>${NAME}</c> substitution in config strings; <c>$${</c> is a literal <c>${</c>.</summary>
internal static class EnvTemplate
{
    /// <summary>Whether <paramref name="text"/> needs expanding at all (fast path for the common plain string).</summary>
    public static bool HasMarkers(string text) => text.Contains("${", StringComparison.Ordinal);

    /// <summary>
    /// Checks the syntax and lists the variables referenced, in order; with <paramref name="quoteText"/> false (secret
    /// fields) an error gives only positions, never the text.
    /// </summary>
    public static bool TryScan(string text, out List<string> variables, out string? error, bool quoteText = true)
    {
        variables = [];
        return Walk(text, lookup: null, output: null, variables, missing: null, out error, quoteText);
    }

    /// <summary>
    /// Expands every <c>${NAME}</c> through <paramref name="lookup"/>; the result is <see langword="null"/> when the syntax
    /// is wrong (<paramref name="error"/> says why) or a variable is unset (each listed once in <paramref name="missing"/>).
    /// </summary>
    public static string? Expand(string text, Func<string, string?> lookup, List<string> missing, out string? error)
    {
        if (!HasMarkers(text))
        {
            error = null;
            return text;
        }

        var output = new StringBuilder(text.Length);
        var before = missing.Count;
        if (!Walk(text, lookup, output, [], missing, out error))
        {
            return null;
        }

        return missing.Count > before ? null : output.ToString();
    }

    /// <summary>Undoes <c>$${</c> escapes in a string that has no <c>${NAME}</c> references.</summary>
    public static string Unescape(string text) => text.Replace("$${", "${", StringComparison.Ordinal);

    private static bool Walk(
        string text, Func<string, string?>? lookup, StringBuilder? output, List<string> variables, List<string>? missing, out string? error,
        bool quoteText = true)
    {
        error = null;
        var i = 0;
        while (i < text.Length)
        {
            if (Matches(text, i, "$${"))
            {
                output?.Append("${");
                i += 3;
                continue;
            }

            if (Matches(text, i, "${"))
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    error = $"'${{' at character {i + 1} has no closing '}}' (write '$${{' for a literal '${{')";
                    return false;
                }

                var name = text[(i + 2)..close];
                if (!IsValidName(name))
                {
                    var what = quoteText ? $"'${{{Clip(name)}}}'" : $"the '${{…}}' at character {i + 1} ({name.Length} characters inside)";
                    error = $"{what} is not a valid environment variable name " +
                        "(letters, digits and _, not starting with a digit; write '$${' for a literal '${')";
                    return false;
                }

                variables.Add(name);
                if (lookup is not null)
                {
                    var value = lookup(name);
                    if (value is null)
                    {
                        if (missing is not null && !missing.Contains(name))
                        {
                            missing.Add(name);
                        }
                    }
                    else
                    {
                        output?.Append(value);
                    }
                }

                i = close + 1;
                continue;
            }

            output?.Append(text[i]);
            i++;
        }

        return true;
    }

    private static bool Matches(string text, int at, string what) =>
        at + what.Length <= text.Length && string.CompareOrdinal(text, at, what, 0, what.Length) == 0;

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
