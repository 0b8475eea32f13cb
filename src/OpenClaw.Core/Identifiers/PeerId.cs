using System.Diagnostics.CodeAnalysis;

namespace OpenClaw.Core.Identifiers;

/// <summary>A validated peer id (see <see cref="IdFormat"/>).</summary>
public readonly record struct PeerId : IParsable<PeerId>
{
    private PeerId(string value) => Value = value;

    /// <summary>The id as text.</summary>
    public string Value { get; }

    /// <summary>Creates an id, throwing <see cref="OpenClawException"/> with a clear message when it is invalid.</summary>
    public static PeerId From(string value) => new(IdFormat.Validate("peer id", value));

    /// <inheritdoc />
    public static PeerId Parse(string s, IFormatProvider? provider) => From(s);

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PeerId result)
    {
        if (IdFormat.TryValidate("peer id", s, out _))
        {
            result = new PeerId(s!);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
