using System.Globalization;
using System.Text;

namespace OpenClaw.Core.Validation;

/// <summary>
/// Normalises text from outside before it is stored or shown to a model: Unicode NFKC, control characters other than
/// tab, newline and carriage return removed, and unpaired surrogates replaced by U+FFFD.
/// </summary>
/// <remarks>
/// NFKC folds look-alike compatibility forms (full-width letters, ligatures) so ids, commands and allowlist entries
/// compare as a person reads them. It needs ICU; the build keeps globalisation on for that reason.
/// </remarks>
public static class TextNormalizer
{
    /// <summary>Returns the normalised form of <paramref name="text"/>; the same instance when nothing changes.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = RemoveControlsAndRepairSurrogates(text);
        return cleaned.IsNormalized(NormalizationForm.FormKC) ? cleaned : cleaned.Normalize(NormalizationForm.FormKC);
    }

    private static string RemoveControlsAndRepairSurrogates(string text)
    {
        var i = 0;
        for (; i < text.Length; i++)
        {
            if (NeedsRewrite(text, i))
            {
                break;
            }
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append('\uFFFD');
            }
            else if (!IsStrippedControl(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsRewrite(string text, int i)
    {
        var c = text[i];
        if (IsStrippedControl(c))
        {
            return true;
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        // A low surrogate reached here was not consumed after a high one (the caller skips valid pairs by re-checking).
        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }

    private static bool IsStrippedControl(char c) =>
        c is not ('\t' or '\n' or '\r') && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Control;
}
