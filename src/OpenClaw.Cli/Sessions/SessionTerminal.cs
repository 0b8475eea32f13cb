namespace OpenClaw.Cli.Sessions;

/// <summary>What <c>sessions replay</c> needs of the terminal: whether it is one, and the next key pressed.</summary>
/// <param name="IsInteractive">Whether standard input and output are a terminal (so replay steps on key presses).</param>
/// <param name="ReadKey">The next key pressed, or null when the input has ended.</param>
internal sealed record SessionTerminal(Func<TextWriter, bool> IsInteractive, Func<ConsoleKeyInfo?> ReadKey)
{
    /// <summary>The process's console: interactive only when both standard streams are a terminal and output goes to it.</summary>
    public static SessionTerminal System { get; } = new(
        output => ReferenceEquals(output, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected,
        () => Console.ReadKey(intercept: true));
}
