using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Cli.Tests.Onboard;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Terminal;

/// <summary>
/// What the built binary shows at a terminal and what it writes into a pipe: colour and progress lines only at a
/// terminal, none with <c>NO_COLOR</c> or when redirected.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TerminalOutputTests : IDisposable
{
    // SGR (colour) sequences; .NET itself may put the terminal's keypad mode (ESC[?1h ESC=) on a terminal's screen.
    private static readonly System.Text.RegularExpressions.Regex s_colour = new(@"\e\[[0-9;]*m");
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Doctor_at_a_terminal_colours_its_status_words()
    {
        using var terminal = PtyProcess.Start(_state.Path, "doctor");
        await terminal.WaitForExitAsync();

        Assert.Contains("\e[32mok  \e[0m  config.valid", terminal.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_with_NO_COLOR_at_a_terminal_prints_no_escape_codes()
    {
        using var terminal = PtyProcess.Start(_state.Path, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, "doctor");
        await terminal.WaitForExitAsync();

        Assert.Contains("ok    config.valid", terminal.Screen, StringComparison.Ordinal);
        Assert.DoesNotMatch(s_colour, terminal.Screen);
    }

    [Fact]
    public async Task Doctor_and_status_into_a_pipe_print_no_escape_codes()
    {
        var (_, doctor) = await GatewayProcess.RunAsync(_state.Path, "doctor");
        var (_, status) = await GatewayProcess.RunAsync(_state.Path, "status");

        Assert.Contains("ok    config.valid", doctor, StringComparison.Ordinal);
        Assert.Contains("not running", status, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", doctor + status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_key_at_a_terminal_shows_its_progress_then_the_result()
    {
        await SetCredentialsAsync("openai", "anthropic", "telegram");

        using var terminal = PtyProcess.Start(_state.Path, "credentials", "rotate-key");
        Assert.Equal(0, await terminal.WaitForExitAsync());

        Assert.Contains("re-encrypting credentials: 3/3", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("credential key rotated (3 credential(s) re-encrypted).", terminal.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_key_into_a_pipe_prints_only_the_result_and_every_secret_still_reads()
    {
        await SetCredentialsAsync("openai", "anthropic");
        var keyBefore = await File.ReadAllBytesAsync(Path.Combine(_state.Path, "master.key"), TestContext.Current.CancellationToken);

        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "credentials", "rotate-key");
        var (_, list) = await GatewayProcess.RunAsync(_state.Path, "credentials", "list");

        Assert.Equal(0, exit);
        Assert.Equal("credential key rotated (2 credential(s) re-encrypted).", output.Trim());
        Assert.NotEqual(keyBefore, await File.ReadAllBytesAsync(Path.Combine(_state.Path, "master.key"), TestContext.Current.CancellationToken));
        Assert.Contains("openai", list, StringComparison.Ordinal);
        Assert.Contains("anthropic", list, StringComparison.Ordinal);
    }

    private async Task SetCredentialsAsync(params string[] names)
    {
        foreach (var name in names)
        {
            var (exit, output, _) = await GatewayProcess.RunWithInputAsync(
                _state.Path, new Dictionary<string, string> { ["SECRET_VALUE"] = "sk-" + name }, "", "credentials", "set", name, "--from-env", "SECRET_VALUE");
            Assert.True(exit == 0, output);
        }
    }
}
