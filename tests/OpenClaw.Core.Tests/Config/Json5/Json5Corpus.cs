using System.Globalization;
using System.Text;

namespace OpenClaw.Core.Tests.Config.Json5;

/// <summary>
/// Generates JSON5 texts exercising the whole grammar (every white space, comment, key, string escape and number
/// form), and mutations of them that are usually invalid. Deterministic for a given <see cref="Random"/> seed.
/// Characters are limited to ones whose Unicode class is stable across Unicode versions, so .NET and Node agree.
/// </summary>
internal sealed class Json5Corpus(Random random)
{
    private static readonly string[] s_whiteSpace =
    [
        " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\v", "\f", "\u00A0", "\uFEFF", "\u2028", "\u2029",
        "\u1680", "\u2000", "\u2005", "\u200A", "\u202F", "\u205F", "\u3000",
    ];

    private static readonly string[] s_lineEnds = ["\n", "\r\n", "\r", "\u2028", "\u2029"];

    private static readonly string[] s_identifierKeys =
    [
        "a", "b", "port", "bind", "$", "_", "$ref", "_private", "a1", "camelCase", "snake_case", "café", "ñame", "日本",
        "ǅx", "Ⅻ", "x\u0301", "a\u200Cb", "a\u200Db", "a‿b", "𝑥", "a𝟎", "ᾼ", "true", "null", "NaN", "Infinity",
        "\\u0061bc", "a\\u0062", "\\u0024", "\\u005F_", "\\u00e9t\\u00E9", "x\\u200C", "__proto__", "constructor",
    ];

    private static readonly string[] s_quotedKeys =
    [
        "", " ", "a b", "1", "2", "10", "-1", "0x1", "a-b", "a.b", "key\"q", "it's", "\u2028", "ключ", "😀",
    ];

    private static readonly string[] s_stringPieces =
    [
        "a", "hello", " ", "\t", "\u0001", "\u007F", "é", "日本", "😀", "\u2028", "\u2029", "\u00A0", "/", "//", "/*",
        "\\'", "\\\"", "\\\\", "\\b", "\\f", "\\n", "\\r", "\\t", "\\v", "\\0", "\\0a", "\\x41", "\\xfF", "\\x00",
        "\\u0041", "\\u00e9", "\\uD83D\\uDE00", "\\uD800", "\\uDFFF", "\\u2028", "\\uFEFF", "\\a", "\\q", "\\é", "\\😀",
        "\\/", "\\ ", "\\\n", "\\\r\n", "\\\r", "\\\u2028", "\\\u2029", "\\x7f", "{", "}", "[", "]", ":", ",",
    ];

    private static readonly string[] s_numbers =
    [
        "0", "-0", "+0", "1", "-1", "+1", "42", "18789", "0.5", ".5", "5.", "-.5", "+5.", "0.0", "1e3", "1E3", "1e+3",
        "1e-3", "1.5e10", ".5e-2", "5.e2", "0e0", "0.0e-0", "1e308", "1.7976931348623157e308", "1e309", "-1e309",
        "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "9007199254740993",
        "123456789012345678901234567890", "0.1", "0.30000000000000004", "0x0", "0x1F", "0XaB", "-0x10", "+0xFF",
        "0x000000000000000000001", "0xFFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFF", "0x20000000000001", "0x20000000000003",
        "0x7FFFFFFFFFFFFC00", "0x7FFFFFFFFFFFFDFF", "0xFFFFFFFFFFFFF800000000000000000000000000000000000001",
        "Infinity", "-Infinity", "+Infinity", "NaN", "-NaN", "+NaN",
    ];

    /// <summary>Characters that tend to break a JSON5 text when inserted.</summary>
    private static readonly string[] s_noise =
    [
        "{", "}", "[", "]", ":", ",", "'", "\"", "\\", "/", "*", "\n", "\r", "x", "0", "1", "9", ".", "+", "-", "e",
        "E", "u", "a", "$", "_", " ", "\u2028", "\u00A0", "\0", "\uD800", "Ⅻ", "I", "N", "t", "f", "n", "//", "/*",
        "*/", "0x", "\\u", "\\x", "\u0301", "\uFEFF",
    ];

    /// <summary>A valid JSON5 document (possibly with duplicate keys, which npm json5 accepts).</summary>
    public string Valid()
    {
        var sb = new StringBuilder();
        Trivia(sb);
        Value(sb, depth: 0);
        Trivia(sb);
        return sb.ToString();
    }

    /// <summary>A valid document changed in one to three random places.</summary>
    public string Mutated()
    {
        var text = new StringBuilder(Valid());
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(6))
            {
                case 0 when text.Length > 0:
                    text.Remove(Math.Min(at, text.Length - 1), 1);
                    break;
                case 1:
                    text.Insert(at, Pick(s_noise));
                    break;
                case 2 when at < text.Length:
                    text[at] = Pick(s_noise)[0];
                    break;
                case 3:
                    text.Length = at;
                    break;
                case 4 when at < text.Length:
                    var length = random.Next(1, Math.Min(12, text.Length - at) + 1);
                    text.Insert(at, text.ToString(at, length));
                    break;
                default:
                    if (at + 1 < text.Length)
                    {
                        (text[at], text[at + 1]) = (text[at + 1], text[at]);
                    }

                    break;
            }
        }

        return text.ToString();
    }

    private void Value(StringBuilder sb, int depth)
    {
        var kind = random.Next(depth >= 5 ? 5 : 8);
        switch (kind)
        {
            case 0:
                sb.Append(Pick(["true", "false", "null"]));
                break;
            case 1 or 2:
                sb.Append(Number());
                break;
            case 3 or 4:
                String(sb);
                break;
            case 5 or 6:
                Object(sb, depth + 1);
                break;
            default:
                Array(sb, depth + 1);
                break;
        }
    }

    private void Object(StringBuilder sb, int depth)
    {
        sb.Append('{');
        var count = random.Next(0, 6);
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            Trivia(sb);
            if (names.Count > 0 && random.Next(12) == 0)
            {
                // Same name again, possibly quoted differently: npm json5 keeps the last, we reject.
                var again = Pick(names);
                sb.Append(IsPlainIdentifier(again) && random.Next(2) == 0 ? again : Quote(again));
            }
            else if (random.Next(3) > 0)
            {
                var key = Pick(s_identifierKeys);
                sb.Append(key);
                names.Add(Unescape(key));
            }
            else
            {
                var key = random.Next(2) == 0 ? Pick(s_quotedKeys) : Pick(s_identifierKeys);
                var name = Unescape(key);
                sb.Append(Quote(name));
                names.Add(name);
            }

            Trivia(sb);
            sb.Append(':');
            Trivia(sb);
            Value(sb, depth);
            Trivia(sb);
            if (i < count - 1 || random.Next(3) == 0)
            {
                sb.Append(',');
            }
        }

        Trivia(sb);
        sb.Append('}');
    }

    private void Array(StringBuilder sb, int depth)
    {
        sb.Append('[');
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            Trivia(sb);
            Value(sb, depth);
            Trivia(sb);
            if (i < count - 1 || random.Next(3) == 0)
            {
                sb.Append(',');
            }
        }

        Trivia(sb);
        sb.Append(']');
    }

    private void String(StringBuilder sb)
    {
        var quote = random.Next(2) == 0 ? '"' : '\'';
        sb.Append(quote);
        var pieces = random.Next(0, 6);
        for (var i = 0; i < pieces; i++)
        {
            var piece = Pick(s_stringPieces);
            if (random.Next(4) == 0)
            {
                piece = RandomEscape();
            }

            if (piece == "\\0" && random.Next(2) == 0)
            {
                // "\0" must not be followed by a digit; keep the document valid.
                piece = "\\0 ";
            }

            sb.Append(piece);
        }

        if (random.Next(5) == 0)
        {
            // The other quote raw, which needs no escape.
            sb.Append(quote == '"' ? '\'' : '"');
        }

        sb.Append(quote);
    }

    private string RandomEscape() => random.Next(2) == 0
        ? "\\x" + random.Next(256).ToString("x2", CultureInfo.InvariantCulture)
        : "\\u" + random.Next(65536).ToString(random.Next(2) == 0 ? "X4" : "x4", CultureInfo.InvariantCulture);

    private string Number()
    {
        if (random.Next(4) > 0)
        {
            return Pick(s_numbers);
        }

        // A random decimal or hexadecimal literal, built part by part.
        var sb = new StringBuilder();
        sb.Append(Pick(["", "", "-", "+"]));
        if (random.Next(5) == 0)
        {
            sb.Append(Pick(["0x", "0X"]));
            var digits = random.Next(1, 30);
            for (var i = 0; i < digits; i++)
            {
                sb.Append("0123456789abcdefABCDEF"[random.Next(22)]);
            }

            return sb.ToString();
        }

        var intDigits = random.Next(0, 20);
        var fraction = random.Next(0, 20);
        if (intDigits == 0 && fraction == 0)
        {
            fraction = 1;
        }

        sb.Append(intDigits == 0 ? "" : (char)('1' + random.Next(9)) + Digits(intDigits - 1));
        if (fraction > 0 || random.Next(3) == 0)
        {
            sb.Append('.').Append(Digits(fraction));
        }

        if (random.Next(3) == 0)
        {
            sb.Append(Pick(["e", "E"])).Append(Pick(["", "+", "-"])).Append(random.Next(400));
        }

        return sb.ToString();
    }

    private string Digits(int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }

        return new string(chars);
    }

    private void Trivia(StringBuilder sb)
    {
        var count = random.Next(0, 3);
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    sb.Append("// note ").Append(Pick(["", "/*", "*/", "'", "{"])).Append(Pick(s_lineEnds));
                    break;
                case 1:
                    sb.Append("/*").Append(Pick(["", "*", "**", " a ", "\n", "\r\n", "/", "// x", "\u2028"])).Append("*/");
                    break;
                default:
                    sb.Append(Pick(s_whiteSpace));
                    break;
            }
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static bool IsPlainIdentifier(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '$' or '_');

    /// <summary>The name an identifier key stands for (its \uXXXX escapes decoded).</summary>
    private static string Unescape(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '\\')
            {
                sb.Append((char)int.Parse(key.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 5;
            }
            else
            {
                sb.Append(key[i]);
            }
        }

        return sb.ToString();
    }

    private string Quote(string name)
    {
        var quote = random.Next(2) == 0 ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in name)
        {
            if (c == quote || c == '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append(quote).ToString();
    }
}
