using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Core.Validation;

/// <summary>JSON helpers for the validator: equality by value, string length in code points, matching without copies.</summary>
internal static class SchemaJson
{
    /// <summary>JSON equality as JSON Schema defines it: 1 equals 1.0, object members in any order, arrays in order.</summary>
    public static bool JsonEquals(JsonElement a, JsonElement b)
    {
        var kind = a.ValueKind;
        if (kind != b.ValueKind)
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return true;
            case JsonValueKind.Number:
                return SchemaNumber.From(a).CompareTo(SchemaNumber.From(b)) == 0;
            case JsonValueKind.String:
                return StringEquals(a, b);
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (var left = a.EnumerateArray())
                using (var right = b.EnumerateArray())
                {
                    while (left.MoveNext() && right.MoveNext())
                    {
                        if (!JsonEquals(left.Current, right.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Object:
                var count = 0;
                foreach (var property in a.EnumerateObject())
                {
                    count++;
                    if (!TryGetLastProperty(b, property, out var other) || !JsonEquals(property.Value, other))
                    {
                        return false;
                    }
                }

                var otherCount = 0;
                foreach (var unused in b.EnumerateObject())
                {
                    otherCount++;
                }

                return count == otherCount;
            default:
                return false;
        }
    }

    /// <summary>Whether two string elements hold the same text, without allocating when neither has escapes.</summary>
    public static bool StringEquals(JsonElement a, JsonElement b)
    {
        var rawA = JsonMarshal.GetRawUtf8Value(a);
        var rawB = JsonMarshal.GetRawUtf8Value(b);
        if (rawA.IndexOf((byte)'\\') < 0 && rawB.IndexOf((byte)'\\') < 0)
        {
            return rawA.SequenceEqual(rawB);
        }

        return a.ValueEquals(b.GetString());
    }

    /// <summary>A string element's length in Unicode code points (a surrogate pair counts once), as the spec says.</summary>
    public static long CodePointLength(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            // Raw UTF-8 with its two quotes: one code point per byte that does not continue a sequence.
            long count = 0;
            foreach (var b in raw)
            {
                count += (b & 0xC0) != 0x80 ? 1 : 0;
            }

            return count - 2;
        }

        var text = element.GetString()!;
        long length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            length++;
        }

        return length;
    }

    /// <summary>Runs <paramref name="pattern"/> over a string element, decoding into a pooled buffer when it has no escapes.</summary>
    public static bool IsMatch(SchemaPattern pattern, JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.IndexOf((byte)'\\') >= 0 || raw.Length < 2 || raw[0] != (byte)'"')
        {
            return pattern.Regex.IsMatch(element.GetString()!);
        }

        return IsMatch(pattern, raw[1..^1]);
    }

    /// <summary>Runs <paramref name="pattern"/> over a property's name.</summary>
    public static bool IsMatchName(SchemaPattern pattern, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') >= 0 ? pattern.Regex.IsMatch(property.Name) : IsMatch(pattern, raw);
    }

    /// <summary>
    /// The value of the member of <paramref name="obj"/> named like <paramref name="property"/>; the last one when the
    /// name repeats (as JSON.parse and ajv see it).
    /// </summary>
    private static bool TryGetLastProperty(JsonElement obj, JsonProperty property, out JsonElement value)
    {
        var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
        var found = false;
        value = default;
        foreach (var candidate in obj.EnumerateObject())
        {
            var candidateName = JsonMarshal.GetRawUtf8PropertyName(candidate);
            var same = rawName.IndexOf((byte)'\\') < 0 && candidateName.IndexOf((byte)'\\') < 0
                ? rawName.SequenceEqual(candidateName)
                : candidate.NameEquals(property.Name);
            if (same)
            {
                value = candidate.Value;
                found = true;
            }
        }

        return found;
    }

    private static bool IsMatch(SchemaPattern pattern, ReadOnlySpan<byte> utf8)
    {
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (max <= 256)
        {
            Span<char> stack = stackalloc char[256];
            var written = Encoding.UTF8.GetChars(utf8, stack);
            return pattern.Regex.IsMatch(stack[..written]);
        }

        var rented = ArrayPool<char>.Shared.Rent(max);
        try
        {
            var written = Encoding.UTF8.GetChars(utf8, rented);
            return pattern.Regex.IsMatch(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
