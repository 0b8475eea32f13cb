using System.Diagnostics;

namespace OpenClaw.Cli.Daemon;

/// <summary>What an external command printed and how it exited.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The first non-empty line of standard error (else of standard output), for messages.</summary>
    public string FirstLine =>
        (StandardError + "\n" + StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no output";
}

/// <summary>An external program (systemctl, launchctl) found on PATH and run with an argument list, never through a shell.</summary>
/// <param name="Program">The program's name as looked up on PATH.</param>
/// <param name="Arguments">Its arguments, each passed as one argument.</param>
internal sealed record ExternalCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The command as a user would type it.</summary>
    public string Display => string.Join(' ', [Program, .. Arguments.Select(QuoteForDisplay)]);

    /// <summary>The full path of <paramref name="program"/> in the directories of PATH, or null.</summary>
    public static string? Find(string program, Func<string, string?> environment)
    {
        foreach (var directory in (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs the program at <paramref name="path"/> with these arguments, capturing what it prints.</summary>
    public async Task<ProcessResult> RunAsync(string path, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new IOException($"{Program} could not be started.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }

    private static string QuoteForDisplay(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '@')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
