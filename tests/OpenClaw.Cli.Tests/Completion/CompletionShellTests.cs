using System.Diagnostics;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Completion;

/// <summary>
/// Each completion script loaded into its real shell (bash, zsh, fish, PowerShell) asks the real binary and offers
/// what a person pressing Tab would see. scripts/setup.sh installs zsh and fish (Debian) and PowerShell (the NuGet
/// global tool, into .tools/); a missing shell fails the test with that hint rather than skipping it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the shells and their scripts are the Unix ones
public sealed class CompletionShellTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CompletionShellTests()
    {
        // `openclaw` on PATH, as the scripts expect: a wrapper that runs the built binary over a private state dir.
        var bin = Directory.CreateDirectory(_dir.Combine("bin")).FullName;
        var host = RepositoryPaths.DotnetHost();
        var wrapper = Path.Combine(bin, "openclaw");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{host}' '{Path.Combine(AppContext.BaseDirectory, "openclaw.dll")}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        BinDirectory = bin;
    }

    private string BinDirectory { get; }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Bash_offers_gateway_for_openclaw_ga()
    {
        var output = await RunShellAsync(Shell("bash"), "-c",
            "source <(openclaw completion bash); COMP_LINE='openclaw ga'; COMP_POINT=11; COMP_WORDS=(openclaw ga); COMP_CWORD=1; " +
            "_openclaw_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");

        Assert.Equal(["gateway"], Lines(output));
    }

    [Fact]
    public async Task Bash_offers_only_the_words_that_start_with_what_was_typed()
    {
        // The binary's suggestions contain "st" anywhere (install, uninstall); Tab completes prefixes.
        var output = await RunShellAsync(Shell("bash"), "-c",
            "source <(openclaw completion bash); COMP_LINE='openclaw daemon st'; COMP_POINT=18; COMP_WORDS=(openclaw daemon st); COMP_CWORD=2; " +
            "_openclaw_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");

        Assert.Equal(["start", "status", "stop"], Lines(output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Zsh_hands_compadd_the_binarys_suggestions()
    {
        // compadd only works inside a completion widget (where it also does the prefix matching); a stand-in records
        // what the script hands it, after compinit has defined compdef for the script's registration.
        var output = await RunShellAsync(Shell("zsh"), "-f", "-c",
            "autoload -U compinit && compinit -u -D; source <(openclaw completion zsh); " +
            "compadd() { shift; print -l -- \"$@\" }; BUFFER='openclaw completion f'; CURSOR=21; _openclaw_complete");

        Assert.Equal(["fish"], Lines(output));
    }

    [Fact]
    public async Task Fish_completes_a_command_line_with_its_own_complete_builtin()
    {
        var output = await RunShellAsync(Shell("fish"), "--no-config", "-c",
            "openclaw completion fish | source; complete -C 'openclaw completion f'");

        Assert.Equal(["fish"], Lines(output));
    }

    [Fact]
    public async Task PowerShell_completes_through_TabExpansion2()
    {
        var output = await RunShellAsync(PowerShell(), "-NoProfile", "-NonInteractive", "-Command",
            "openclaw completion powershell | Out-String | Invoke-Expression; " +
            "(TabExpansion2 -inputScript 'openclaw daemon st' -cursorColumn 18).CompletionMatches | ForEach-Object { $_.CompletionText }");

        Assert.Equal(["start", "status", "stop"], Lines(output).Order(StringComparer.Ordinal));
    }

    private async Task<string> RunShellAsync(string shell, params string[] args)
    {
        var info = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PATH"] = BinDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = _dir.Path;
        info.Environment["OPENCLAW_STATE_DIR"] = _dir.Combine("state");
        info.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        info.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static string Shell(string name)
    {
        var path = new[] { "/usr/bin/", "/bin/" }.Select(d => d + name).FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{name} is not installed; scripts/setup.sh installs it (apt-get install {name}).");
        return path;
    }

    private static string PowerShell()
    {
        var root = RepositoryPaths.Root();
        var local = Path.Combine(root, ".tools", "pwsh", "pwsh");
        var path = File.Exists(local) ? local : new[] { "/usr/bin/pwsh", "/usr/local/bin/pwsh" }.FirstOrDefault(File.Exists);
        Assert.True(path is not null, "PowerShell is not installed; scripts/setup.sh installs it (dotnet tool install --tool-path .tools/pwsh PowerShell).");
        return path;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
