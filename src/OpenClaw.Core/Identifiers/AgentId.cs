using System.Diagnostics.CodeAnalysis;

namespace OpenClaw.Core.Identifiers;

/// <summary>A validated agent id (see <see cref="IdFormat"/>).</summary>
public readonly record struct AgentId : IParsable<AgentId>
{
    private AgentId(string value) => Value = value;

    /// <summary>The id as text.</summary>
    public string Value { get; }

    /// <summary>Creates an id, throwing <see cref="OpenClawException"/> with a clear message when it is invalid.</summary>
    public static AgentId From(string value) => new(IdFormat.Validate("agent id", value));

    /// <inheritdoc />
    public static AgentId Parse(string s, IFormatProvider? provider) => From(s);

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out AgentId result)
    {
        if (IdFormat.TryValidate("agent id", s, out _))
        {
            result = new AgentId(s!);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
