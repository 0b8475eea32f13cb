using System.Diagnostics.CodeAnalysis;

namespace OpenClaw.Core.Identifiers;

/// <summary>A validated channel id (see <see cref="IdFormat"/>).</summary>
public readonly record struct ChannelId : IParsable<ChannelId>
{
    private ChannelId(string value) => Value = value;

    /// <summary>The id as text.</summary>
    public string Value { get; }

    /// <summary>Creates an id, throwing <see cref="OpenClawException"/> with a clear message when it is invalid.</summary>
    public static ChannelId From(string value) => new(IdFormat.Validate("channel id", value));

    /// <inheritdoc />
    public static ChannelId Parse(string s, IFormatProvider? provider) => From(s);

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ChannelId result)
    {
        if (IdFormat.TryValidate("channel id", s, out _))
        {
            result = new ChannelId(s!);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
