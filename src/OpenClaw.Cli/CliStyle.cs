namespace OpenClaw.Cli;

/// <summary>What a coloured word means; each has one colour everywhere.</summary>
internal enum Tone
{
    /// <summary>Passed, running, present (green).</summary>
    Good,

    /// <summary>Worth a look (yellow).</summary>
    Warning,

    /// <summary>Failed, missing, down (red).</summary>
    Bad,

    /// <summary>Not applicable (dim).</summary>
    Muted,
}

/// <summary>
/// Colour for status words, only at a terminal: never when the output is redirected, when <c>NO_COLOR</c> is set to
/// anything (https://no-color.org), or when <c>TERM</c> is <c>dumb</c>. Only standard SGR codes, so every terminal
/// that has colour shows it and piped output stays plain text.
/// </summary>
internal static class CliStyle
{
    /// <summary>Whether text written to <paramref name="output"/> may carry colour.</summary>
    public static bool Enabled(TextWriter output) => IsTerminal(output) && Allowed(Environment.GetEnvironmentVariable);

    /// <summary>Whether <paramref name="writer"/> is the process's standard output or error and that goes to a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected) ||
        (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Whether the environment allows colour (the terminal check aside).</summary>
    public static bool Allowed(Func<string, string?> environment) =>
        string.IsNullOrEmpty(environment("NO_COLOR")) && !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary><paramref name="text"/> in the colour of <paramref name="tone"/> when <paramref name="output"/> is a terminal that allows it.</summary>
    public static string Paint(TextWriter output, string text, Tone tone) => Enabled(output) ? Paint(text, tone) : text;

    /// <summary><paramref name="text"/> wrapped in the SGR codes of <paramref name="tone"/>.</summary>
    public static string Paint(string text, Tone tone) => tone switch
    {
        Tone.Good => "\e[32m" + text + "\e[0m",
        Tone.Warning => "\e[33m" + text + "\e[0m",
        Tone.Bad => "\e[1;31m" + text + "\e[0m",
        _ => "\e[2m" + text + "\e[0m",
    };
}
