using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenClaw.Core.Config.Json5;

/// <summary>
/// The JSON5 engine behind <see cref="Json5Reader"/>: one pass over the text, an explicit stack instead of recursion
/// (so depth costs heap, not call stack), and line tracking only where line terminators may occur.
/// </summary>
internal sealed class Json5Parser
{
    private const int MaxQuotedLength = 40;
    private const int MaxQuotedWordStart = 4;

    private readonly string _text;
    private readonly int _maxDepth;
    private readonly bool _allowDuplicateKeys;
    private readonly List<Frame> _frames = [];
    private readonly List<Json5Property> _properties = [];
    private readonly List<Json5Node> _items = [];
    private int _depth;
    private StringBuilder? _builder;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Json5Parser(string text, Json5ReaderOptions options)
    {
        _text = text;
        _maxDepth = options.MaxDepth;
        _allowDuplicateKeys = options.AllowDuplicateKeys;
    }

    private TextPosition Here => new(_pos, _line, _pos - _lineStart + 1);

    public Json5Node ParseDocument()
    {
        SkipTrivia();
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of input, expected a value", Here);
        }

        var root = ParseValue();
        SkipTrivia();
        if (_pos < _text.Length)
        {
            throw Unexpected("expected end of input");
        }

        return root;
    }

    /// <summary>Whether the text is only white space and comments (no value at all); false when a comment is unterminated.</summary>
    public bool IsOnlyTrivia()
    {
        try
        {
            SkipTrivia();
        }
        catch (Json5Exception)
        {
            return false;
        }

        return _pos >= _text.Length;
    }

    private Json5Node ParseValue()
    {
        while (true)
        {
            // Positioned at a value (trivia skipped).
            Json5Node value;
            var c = _text[_pos];
            if (c is '{' or '[')
            {
                var start = Here;
                if (_depth >= _maxDepth)
                {
                    throw Error($"nesting deeper than {_maxDepth} levels", start);
                }

                _pos++;
                var frame = Push(c == '{', start);
                SkipTrivia();
                if (!TryClose(frame, out value))
                {
                    if (frame.IsObject)
                    {
                        ReadPropertyName(frame);
                    }

                    SkipTrivia();
                    RequireValueStart();
                    continue;
                }
            }
            else
            {
                value = ParseScalar();
            }

            // Attach the finished value to its parent, closing every container that ends here.
            while (true)
            {
                if (_depth == 0)
                {
                    return value;
                }

                var frame = _frames[_depth - 1];
                if (frame.IsObject)
                {
                    _properties.Add(new Json5Property(frame.PendingName, frame.PendingNameSpan, value));
                }
                else
                {
                    _items.Add(value);
                }

                SkipTrivia();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                    SkipTrivia();
                    if (TryClose(frame, out value))
                    {
                        continue;
                    }

                    if (frame.IsObject)
                    {
                        ReadPropertyName(frame);
                    }

                    SkipTrivia();
                    RequireValueStart();
                    break;
                }

                if (!TryClose(frame, out value))
                {
                    throw Unexpected(frame.IsObject ? "expected ',' or '}'" : "expected ',' or ']'");
                }
            }
        }
    }

    /// <summary>Closes the innermost container if the next character is its closing bracket.</summary>
    private bool TryClose(Frame frame, out Json5Node value)
    {
        var closer = frame.IsObject ? '}' : ']';
        if (_pos >= _text.Length || _text[_pos] != closer)
        {
            value = null!;
            return false;
        }

        _pos++;
        var span = new TextSpan(frame.Start, Here);
        value = frame.IsObject
            ? new Json5Object(span, PopMembers(_properties, frame.First))
            : new Json5Array(span, PopMembers(_items, frame.First));
        _depth--;
        return true;
    }

    /// <summary>Enters a container, reusing the frame object of an earlier container at the same depth.</summary>
    private Frame Push(bool isObject, TextPosition start)
    {
        if (_depth == _frames.Count)
        {
            _frames.Add(new Frame());
        }

        var frame = _frames[_depth++];
        frame.Reset(isObject, start, isObject ? _properties.Count : _items.Count);
        return frame;
    }

    /// <summary>Moves a finished container's members from the shared scratch list into an exactly sized array.</summary>
    private static T[] PopMembers<T>(List<T> scratch, int first)
    {
        var count = scratch.Count - first;
        if (count == 0)
        {
            return [];
        }

        var members = CollectionsMarshal.AsSpan(scratch).Slice(first, count).ToArray();
        scratch.RemoveRange(first, count);
        return members;
    }

    /// <summary>Whether the innermost object already has a member called <paramref name="name"/>, and where.</summary>
    private bool TryFindName(Frame frame, string name, out TextPosition first)
    {
        var members = CollectionsMarshal.AsSpan(_properties)[frame.First..];
        if (members.Length < 8)
        {
            foreach (var p in members)
            {
                if (string.Equals(p.Name, name, StringComparison.Ordinal))
                {
                    first = p.NameSpan.Start;
                    return true;
                }
            }

            first = default;
            return false;
        }

        // Large objects get an index, extended with the members added since the last lookup.
        var names = frame.Names ??= new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        for (; frame.Indexed < members.Length; frame.Indexed++)
        {
            names.TryAdd(members[frame.Indexed].Name, members[frame.Indexed].NameSpan.Start);
        }

        return names.TryGetValue(name, out first);
    }

    private void RequireValueStart()
    {
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of input, expected a value", Here);
        }
    }

    private void ReadPropertyName(Frame frame)
    {
        // Positioned after '{' or ',' with trivia skipped, and not at '}'.
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of input, expected a property name or '}'", Here);
        }

        var start = Here;
        var c = _text[_pos];
        string name;
        if (c is '"' or '\'')
        {
            name = ReadString();
        }
        else if (c == '\\' || IsIdentifierStartAt(_pos))
        {
            name = ReadIdentifierName();
        }
        else
        {
            throw Unexpected("expected a property name or '}'");
        }

        var nameSpan = new TextSpan(start, Here);
        if (!_allowDuplicateKeys && TryFindName(frame, name, out var first))
        {
            throw Error($"duplicate key {Quote(name)} (first defined at line {first.Line})", start);
        }

        frame.PendingName = name;
        frame.PendingNameSpan = nameSpan;

        SkipTrivia();
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of input, expected ':'", Here);
        }

        if (_text[_pos] != ':')
        {
            throw Unexpected("expected ':' after the property name");
        }

        _pos++;
    }

    private string ReadIdentifierName()
    {
        var begin = _pos;
        var plain = true;
        var first = true;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\\')
            {
                plain = false;
                _pos++;
                continue;
            }

            if (first ? !IsIdentifierStartAt(_pos) : !IsIdentifierPartAt(_pos))
            {
                break;
            }

            _pos += char.IsHighSurrogate(c) ? 2 : 1;
            first = false;
        }

        if (plain)
        {
            return _text[begin.._pos];
        }

        // Slow path: decode \uXXXX escapes, each of which must itself be a valid identifier character.
        _pos = begin;
        var sb = Builder();
        first = true;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\\')
            {
                var escape = Here;
                _pos++;
                if (_pos >= _text.Length)
                {
                    throw Error("unexpected end of input, expected 'u' after '\\' in a property name", Here);
                }

                if (_text[_pos] != 'u')
                {
                    throw Unexpected("expected 'u' after '\\' in a property name");
                }

                _pos++;
                var decoded = (char)ReadHex(4, escape, "\\u");
                var valid = first ? IsIdentifierStart(decoded) : IsIdentifierPart(decoded);
                if (!valid)
                {
                    throw Error($"invalid identifier character {Quote(decoded.ToString())} from escape", escape);
                }

                sb.Append(decoded);
            }
            else if (first ? IsIdentifierStartAt(_pos) : IsIdentifierPartAt(_pos))
            {
                var width = char.IsHighSurrogate(c) ? 2 : 1;
                sb.Append(_text, _pos, width);
                _pos += width;
            }
            else
            {
                break;
            }

            first = false;
        }

        return sb.ToString();
    }

    private Json5Node ParseScalar()
    {
        var start = Here;
        var c = _text[_pos];
        switch (c)
        {
            case '"' or '\'':
                {
                    var value = ReadString();
                    return new Json5String(new TextSpan(start, Here), value);
                }

            case '+' or '-' or '.' or (>= '0' and <= '9'):
                return ReadNumber(start);
        }

        if (c == '\\' || IsIdentifierStartAt(_pos))
        {
            var word = ReadWord();
            var span = new TextSpan(start, Here);
            switch (word)
            {
                case "true":
                    return new Json5Boolean(span, true);
                case "false":
                    return new Json5Boolean(span, false);
                case "null":
                    return new Json5Null(span);
                case "Infinity":
                    return new Json5Number(span, double.PositiveInfinity, word);
                case "NaN":
                    return new Json5Number(span, double.NaN, word);
                default:
                    throw Error($"unexpected word {QuoteWord(word)}, expected a value (strings need quotes)", start);
            }
        }

        throw Unexpected("expected a value");
    }

    private string ReadWord()
    {
        var begin = _pos;
        while (_pos < _text.Length && (_text[_pos] == '\\' || IsIdentifierPartAt(_pos)))
        {
            _pos += char.IsHighSurrogate(_text[_pos]) && _pos + 1 < _text.Length ? 2 : 1;
        }

        return _text[begin.._pos];
    }

    private Json5Number ReadNumber(TextPosition start)
    {
        var begin = _pos;
        var negative = false;
        var c = _text[_pos];
        if (c is '+' or '-')
        {
            negative = c == '-';
            _pos++;
            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of input, expected a number after the sign", Here);
            }

            c = _text[_pos];
            if (c is 'I' or 'N')
            {
                var wordStart = Here;
                var word = ReadWord();
                if (word is not ("Infinity" or "NaN"))
                {
                    throw Error($"unexpected word {QuoteWord(word)}, expected Infinity or NaN after the sign", wordStart);
                }

                var special = word == "NaN" ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity;
                return new Json5Number(new TextSpan(start, Here), special, _text[begin.._pos]);
            }
        }

        var digitsBegin = _pos;
        double magnitude;
        if (c == '0' && _pos + 1 < _text.Length && _text[_pos + 1] is 'x' or 'X')
        {
            _pos += 2;
            var hexBegin = _pos;
            while (_pos < _text.Length && char.IsAsciiHexDigit(_text[_pos]))
            {
                _pos++;
            }

            if (_pos == hexBegin)
            {
                throw Unexpected("expected a hexadecimal digit after '0x'");
            }

            magnitude = HexToDouble(_text.AsSpan(hexBegin, _pos - hexBegin));
        }
        else
        {
            var intDigits = 0;
            if (c == '0')
            {
                _pos++;
                intDigits = 1;
                if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    throw Error("leading zeros are not allowed in numbers", start);
                }
            }
            else
            {
                intDigits = SkipDigits();
            }

            var fractionDigits = 0;
            if (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                fractionDigits = SkipDigits();
            }

            if (intDigits == 0 && fractionDigits == 0)
            {
                throw Unexpected("expected a digit");
            }

            if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
            {
                _pos++;
                if (_pos < _text.Length && _text[_pos] is '+' or '-')
                {
                    _pos++;
                }

                if (SkipDigits() == 0)
                {
                    throw Unexpected("expected a digit in the exponent");
                }
            }

            // The grammar above guarantees a literal double.Parse accepts; huge exponents give 0 or Infinity, as in JS.
            magnitude = double.Parse(
                _text.AsSpan(digitsBegin, _pos - digitsBegin),
                NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture);
        }

        return new Json5Number(new TextSpan(start, Here), negative ? -magnitude : magnitude, _text[begin.._pos]);
    }

    private int SkipDigits()
    {
        var begin = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        return _pos - begin;
    }

    /// <summary>Converts hexadecimal digits to the nearest double (ties to even), like JavaScript's Number().</summary>
    private static double HexToDouble(ReadOnlySpan<char> digits)
    {
        var i = 0;
        while (i < digits.Length && digits[i] == '0')
        {
            i++;
        }

        digits = digits[i..];
        if (digits.Length > 256)
        {
            // At least 16^256 = 2^1024, beyond double.MaxValue.
            return double.PositiveInfinity;
        }

        ulong mantissa = 0;
        var take = Math.Min(digits.Length, 16);
        for (var k = 0; k < take; k++)
        {
            mantissa = (mantissa << 4) | (uint)HexValue(digits[k]);
        }

        var sticky = false;
        for (var k = take; k < digits.Length && !sticky; k++)
        {
            sticky = digits[k] != '0';
        }

        // 64 bits hold 11 more than a double's 53; folding the dropped digits into the lowest bit keeps rounding exact.
        if (sticky)
        {
            mantissa |= 1;
        }

        return Math.ScaleB((double)mantissa, 4 * (digits.Length - take));
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private string ReadString()
    {
        var open = Here;
        var quote = _text[_pos];
        _pos++;
        var begin = _pos;

        // Fast path: no escapes and no line separators, so the value is a slice of the source.
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == quote)
            {
                var value = _text[begin.._pos];
                _pos++;
                return value;
            }

            if (c is '\\' or '\n' or '\r' or '\u2028' or '\u2029')
            {
                break;
            }

            _pos++;
        }

        var sb = Builder();
        sb.Append(_text, begin, _pos - begin);
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string", open);
            }

            var c = _text[_pos];
            if (c == quote)
            {
                _pos++;
                return sb.ToString();
            }

            switch (c)
            {
                case '\\':
                    ReadEscape(sb, open);
                    break;
                case '\n' or '\r':
                    throw Error("unterminated string (a line break must be written as \\n)", open);
                case '\u2028' or '\u2029':
                    // Allowed unescaped (JSON5 follows JSON here), and still a line terminator for positions.
                    sb.Append(c);
                    _pos++;
                    NewLine();
                    break;
                default:
                    sb.Append(c);
                    _pos++;
                    break;
            }
        }
    }

    private void ReadEscape(StringBuilder sb, TextPosition open)
    {
        var escape = Here;
        _pos++;
        if (_pos >= _text.Length)
        {
            throw Error("unterminated string", open);
        }

        var c = _text[_pos];
        _pos++;
        switch (c)
        {
            case 'b': sb.Append('\b'); break;
            case 'f': sb.Append('\f'); break;
            case 'n': sb.Append('\n'); break;
            case 'r': sb.Append('\r'); break;
            case 't': sb.Append('\t'); break;
            case 'v': sb.Append('\v'); break;
            case '0':
                if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    throw Error($"invalid escape '\\0{_text[_pos]}' (octal escapes are not allowed)", escape);
                }

                sb.Append('\0');
                break;
            case >= '1' and <= '9':
                throw Error($"invalid escape '\\{c}' (octal escapes are not allowed)", escape);
            case 'x':
                sb.Append((char)ReadHex(2, escape, "\\x"));
                break;
            case 'u':
                sb.Append((char)ReadHex(4, escape, "\\u"));
                break;
            case '\n' or '\r' or '\u2028' or '\u2029':
                // A line continuation: the escaped line break stands for nothing.
                _pos--;
                SkipLineBreak();
                break;
            default:
                // Any other character, quotes and backslash included, stands for itself.
                sb.Append(c);
                break;
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> hex digits of an escape that began at <paramref name="escape"/>.</summary>
    private int ReadHex(int count, TextPosition escape, string prefix)
    {
        var value = 0;
        for (var k = 0; k < count; k++)
        {
            if (_pos >= _text.Length || !char.IsAsciiHexDigit(_text[_pos]))
            {
                var written = _text.AsSpan(escape.Offset + 2, _pos - escape.Offset - 2).ToString();
                throw Error(
                    $"invalid escape '{prefix}{written}' (expected {(count == 2 ? "two" : "four")} hexadecimal digits)",
                    escape);
            }

            value = (value << 4) | HexValue(_text[_pos]);
            _pos++;
        }

        return value;
    }

    /// <summary>Skips white space and comments, counting lines.</summary>
    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            switch (c)
            {
                case ' ' or '\t' or '\v' or '\f' or '\u00A0' or '\uFEFF':
                    _pos++;
                    break;
                case '\n' or '\r' or '\u2028' or '\u2029':
                    SkipLineBreak();
                    break;
                case '/':
                    SkipComment();
                    break;
                default:
                    if (c > '\u00A0' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator)
                    {
                        _pos++;
                        break;
                    }

                    return;
            }
        }
    }

    private void SkipComment()
    {
        var start = Here;
        var next = _pos + 1 < _text.Length ? _text[_pos + 1] : '\0';
        if (next == '/')
        {
            _pos += 2;
            while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r' or '\u2028' or '\u2029'))
            {
                _pos++;
            }

            return;
        }

        if (next != '*')
        {
            _pos++;
            throw Unexpected("expected '/' or '*' after '/' (comments start with // or /*)");
        }

        _pos += 2;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            switch (c)
            {
                case '*' when _pos + 1 < _text.Length && _text[_pos + 1] == '/':
                    _pos += 2;
                    return;
                case '\n' or '\r' or '\u2028' or '\u2029':
                    SkipLineBreak();
                    break;
                default:
                    _pos++;
                    break;
            }
        }

        throw Error("unterminated comment", start);
    }

    /// <summary>Records that a line terminator ended just before <see cref="_pos"/>.</summary>
    /// <summary>Steps over one line terminator at the cursor (CRLF counts as one) and starts a new line.</summary>
    private void SkipLineBreak()
    {
        if (_text[_pos] == '\r' && _pos + 1 < _text.Length && _text[_pos + 1] == '\n')
        {
            _pos++;
        }

        _pos++;
        NewLine();
    }

    private void NewLine()
    {
        _line++;
        _lineStart = _pos;
    }

    private bool IsIdentifierStartAt(int index)
    {
        var c = _text[index];
        if (char.IsAsciiLetter(c) || c is '$' or '_')
        {
            return true;
        }

        if (c < 0x80)
        {
            return false;
        }

        return TryCodePointAt(index, out var cp) && IsIdentifierStartCategory(CharUnicodeInfo.GetUnicodeCategory(cp));
    }

    private bool IsIdentifierPartAt(int index)
    {
        var c = _text[index];
        if (char.IsAsciiLetterOrDigit(c) || c is '$' or '_')
        {
            return true;
        }

        if (c < 0x80)
        {
            return false;
        }

        if (c is '\u200C' or '\u200D')
        {
            return true;
        }

        return TryCodePointAt(index, out var cp) && IsIdentifierPartCategory(CharUnicodeInfo.GetUnicodeCategory(cp));
    }

    private bool TryCodePointAt(int index, out int codePoint)
    {
        var c = _text[index];
        if (!char.IsSurrogate(c))
        {
            codePoint = c;
            return true;
        }

        if (char.IsHighSurrogate(c) && index + 1 < _text.Length && char.IsLowSurrogate(_text[index + 1]))
        {
            codePoint = char.ConvertToUtf32(c, _text[index + 1]);
            return true;
        }

        codePoint = 0;
        return false;
    }

    private static bool IsIdentifierStart(char c) =>
        char.IsAsciiLetter(c) || c is '$' or '_' ||
        (c >= 0x80 && !char.IsSurrogate(c) && IsIdentifierStartCategory(CharUnicodeInfo.GetUnicodeCategory(c)));

    private static bool IsIdentifierPart(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '$' or '_' or '\u200C' or '\u200D' ||
        (c >= 0x80 && !char.IsSurrogate(c) && IsIdentifierPartCategory(CharUnicodeInfo.GetUnicodeCategory(c)));

    // ECMAScript 5.1 IdentifierStart / IdentifierPart, which JSON5 1.0 refers to (and npm json5 implements).
    private static bool IsIdentifierStartCategory(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;

    private static bool IsIdentifierPartCategory(UnicodeCategory category) => IsIdentifierStartCategory(category) ||
        category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;

    private StringBuilder Builder()
    {
        _builder ??= new StringBuilder();
        _builder.Clear();
        return _builder;
    }

    private Json5Exception Unexpected(string expected)
    {
        if (_pos >= _text.Length)
        {
            return Error($"unexpected end of input, {expected}", Here);
        }

        return Error($"unexpected character {DescribeCharAt(_pos)}, {expected}", Here);
    }

    private string DescribeCharAt(int index)
    {
        var c = _text[index];
        if (char.IsHighSurrogate(c) && index + 1 < _text.Length && char.IsLowSurrogate(_text[index + 1]))
        {
            return $"'{_text.Substring(index, 2)}'";
        }

        return c switch
        {
            '\'' => "'\\''",
            '\\' => "'\\\\'",
            _ when c < 0x20 || c == 0x7F || char.IsSurrogate(c) || (c != ' ' && char.IsWhiteSpace(c))
                => $"'\\u{(int)c:X4}'",
            _ => $"'{c}'",
        };
    }

    /// <summary>A name for a message: quoted and escaped, shortened when long.</summary>
    // An unquoted word is often a value that should have been a string, such as a secret: show only its start and length.
    private static string QuoteWord(string word) =>
        word.Length <= MaxQuotedWordStart ? Quote(word) : $"{Json5Writer.FormatString(word[..MaxQuotedWordStart] + "…")} ({word.Length} characters)";

    private static string Quote(string value) =>
        Json5Writer.FormatString(value.Length > MaxQuotedLength ? value[..MaxQuotedLength] + "..." : value);

    private static Json5Exception Error(string reason, TextPosition position) => new(reason, position);

    /// <summary>An object or array still being read; its members so far sit in the scratch lists from <see cref="First"/>.</summary>
    private sealed class Frame
    {
        public bool IsObject { get; private set; }

        public TextPosition Start { get; private set; }

        public int First { get; private set; }

        public string PendingName { get; set; } = "";

        public TextSpan PendingNameSpan { get; set; }

        public Dictionary<string, TextPosition>? Names { get; set; }

        public int Indexed { get; set; }

        public void Reset(bool isObject, TextPosition start, int first)
        {
            IsObject = isObject;
            Start = start;
            First = first;
            PendingName = "";
            Names?.Clear();
            Indexed = 0;
        }
    }
}
