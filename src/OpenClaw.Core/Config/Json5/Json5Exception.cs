namespace OpenClaw.Core.Config.Json5;

/// <summary>The only exception the JSON5 reader throws: what is wrong, and where (1-based line and column).</summary>
public sealed class Json5Exception : OpenClawException
{
    /// <summary>Creates an error at a position; <see cref="Exception.Message"/> reads "&lt;reason&gt; at line L, column C".</summary>
    public Json5Exception(string reason, TextPosition position)
        : base($"{reason} at line {position.Line}, column {position.Column}")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>Where the problem was found.</summary>
    public TextPosition Position { get; }

    /// <summary>The 1-based line.</summary>
    public int Line => Position.Line;

    /// <summary>The 1-based column (in UTF-16 code units).</summary>
    public int Column => Position.Column;
}
