using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OpenClaw.Core.Validation;

/// <summary>
/// A JSON number held exactly as a <see cref="decimal"/> when it fits (so 0.1, 0.3 and multipleOf 0.01 are exact) and
/// as a <see cref="double"/> otherwise.
/// </summary>
internal readonly record struct SchemaNumber(bool IsDecimal, decimal Decimal, double Double)
{
    /// <summary>Reads a number element (the caller checked its kind).</summary>
    public static SchemaNumber From(JsonElement element)
    {
        // decimal rounds what is below its range (1e-40) to 0: then only double keeps the sign and the non-zero value.
        if (element.TryGetDecimal(out var d) && (d != 0 || !HasNonZeroDigit(JsonMarshal.GetRawUtf8Value(element))))
        {
            return new SchemaNumber(true, d, (double)d);
        }

        if (element.TryGetDouble(out var x))
        {
            return new SchemaNumber(false, 0, x);
        }

        // Beyond double's range (1e400): only its sign matters for every comparison.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return new SchemaNumber(false, 0, raw.Length > 0 && raw[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity);
    }

    private static bool HasNonZeroDigit(ReadOnlySpan<byte> raw)
    {
        foreach (var b in raw)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                return false;
            }

            if (b is >= (byte)'1' and <= (byte)'9')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the value has no fractional part (2020-12: 1.0 is an integer).</summary>
    public bool IsInteger => IsDecimal ? decimal.Truncate(Decimal) == Decimal : double.IsFinite(Double) && Math.Floor(Double) == Double;

    /// <summary>Compares two numbers by value.</summary>
    public int CompareTo(SchemaNumber other) =>
        IsDecimal && other.IsDecimal ? Decimal.CompareTo(other.Decimal) : Double.CompareTo(other.Double);

    /// <summary>Whether this value is an integer multiple of <paramref name="divisor"/> (which is positive).</summary>
    public bool IsMultipleOf(SchemaNumber divisor)
    {
        if (IsDecimal && divisor.IsDecimal)
        {
            try
            {
                return Decimal % divisor.Decimal == 0;
            }
            catch (OverflowException)
            {
                // Falls through to the binary check.
            }
        }

        var quotient = Double / divisor.Double;
        return double.IsFinite(quotient) && Math.Floor(quotient) == quotient;
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsDecimal ? Decimal.ToString(CultureInfo.InvariantCulture) : Double.ToString("R", CultureInfo.InvariantCulture);
}
