using System.Text;

namespace OpenClaw.Core.Validation;

/// <summary>
/// Rewrites a JSON Schema <c>pattern</c> (ECMA-262 syntax) so .NET's engine matches what ECMA-262 matches where the
/// two differ in ways that loosen a schema: <c>$</c> (.NET also matches before a final newline), <c>.</c> (.NET also
/// matches <c>\r</c>, U+2028, U+2029) and <c>\d</c>/<c>\w</c> (Unicode digits and letters in .NET, ASCII in ECMA-262).
/// Without it <c>^[a-z]+$</c> accepts "abc\n", the classic way a newline slips into a command or a header.
/// </summary>
internal static class EcmaPattern
{
    private const string LineTerminatorsExcluded = @"[^\n\r\u2028\u2029]";

    /// <summary>The .NET form of <paramref name="pattern"/>.</summary>
    public static string ToDotNet(string pattern)
    {
        var text = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                text.Append((next, inClass) switch
                {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[a-zA-Z0-9_]",
                    ('w', true) => "a-zA-Z0-9_",
                    ('W', false) => "[^a-zA-Z0-9_]",
                    _ => "\\" + next,
                });
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                text.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    text.Append(c);
                    // A ']' right after '[' or '[^' is a literal in .NET but ends an empty class in ECMA-262; rare
                    // enough to leave to .NET's reading.
                    break;
                case '$':
                    text.Append(@"\z");
                    break;
                case '.':
                    text.Append(LineTerminatorsExcluded);
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.ToString();
    }
}
