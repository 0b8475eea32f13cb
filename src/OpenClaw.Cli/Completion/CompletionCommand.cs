using System.CommandLine;

namespace OpenClaw.Cli.Completion;

/// <summary>
/// <c>openclaw completion bash | zsh | fish | powershell</c>: a shell script that asks the binary itself for
/// completions through System.CommandLine's <c>[suggest:POSITION] "COMMAND LINE"</c> directive.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>The shells a script exists for.</summary>
    public static readonly string[] Shells = ["bash", "zsh", "fish", "powershell"];

    /// <summary>Builds <c>completion</c>.</summary>
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh, fish or powershell." };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command(
            "completion",
            "Print a shell completion script; e.g. add `source <(openclaw completion bash)` to ~/.bashrc " +
            "(zsh: `source <(openclaw completion zsh)` in ~/.zshrc; fish: `openclaw completion fish | source`; " +
            "PowerShell: `openclaw completion powershell | Out-String | Invoke-Expression` in $PROFILE).")
        {
            shell,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            await result.InvocationConfiguration.Output.WriteAsync(Script(result.GetRequiredValue(shell)));
            return CliExit.Success;
        });
        return command;
    }

    /// <summary>The script for <paramref name="shell"/> (one of <see cref="Shells"/>).</summary>
    public static string Script(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        "powershell" => PowerShell,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "Not a supported shell."),
    };

    // The directive takes the cursor's offset into the whole command line and the line itself as one argument;
    // it prints one suggestion a line: every one CONTAINING the word being completed ("st" gives install too), so
    // each script keeps those that start with it, as a shell's Tab does (zsh's compadd and fish filter by themselves),
    // comparing literally: no glob, wildcard or expansion applies to a suggestion or to the typed word.
    private const string Bash = """
        # openclaw completion for bash: source <(openclaw completion bash)
        _openclaw_complete() {
            local word="${COMP_WORDS[COMP_CWORD]}" line
            COMPREPLY=()
            while IFS= read -r line; do
                [[ "$line" == "$word"* ]] && COMPREPLY+=("$line")
            done < <(openclaw "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
        }
        complete -o default -F _openclaw_complete openclaw

        """;

    private const string Zsh = """
        # openclaw completion for zsh: source <(openclaw completion zsh)
        _openclaw_complete() {
            local -a suggestions
            suggestions=("${(@f)$(openclaw "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
            compadd -- "${suggestions[@]}"
        }
        compdef _openclaw_complete openclaw

        """;

    private const string Fish = """
        # openclaw completion for fish: openclaw completion fish | source
        function __openclaw_complete
            set -l line (commandline -cp)
            openclaw "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c openclaw -f -a '(__openclaw_complete)'

        """;

    private const string PowerShell = """
        # openclaw completion for PowerShell: openclaw completion powershell | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName openclaw -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $line = $commandAst.ToString()
            $position = $cursorPosition - $commandAst.Extent.StartOffset
            & openclaw "[suggest:$position]" "$line" 2>$null | Where-Object { $_.StartsWith($wordToComplete, [System.StringComparison]::Ordinal) } | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
