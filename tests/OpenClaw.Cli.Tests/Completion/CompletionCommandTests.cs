using System.CommandLine;
using OpenClaw.Cli.Completion;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Completion;

/// <summary><c>openclaw completion</c>: the scripts, and the <c>[suggest]</c> directive they call on the real binary.</summary>
public sealed class CompletionCommandTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Theory]
    [InlineData("bash", "complete -o default -F _openclaw_complete openclaw")]
    [InlineData("zsh", "compdef _openclaw_complete openclaw")]
    [InlineData("fish", "complete -c openclaw")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName openclaw")]
    public async Task Each_script_registers_for_openclaw_and_calls_its_suggest_directive(string shell, string registration)
    {
        var root = new RootCommand { CompletionCommand.Create() };
        using var output = new StringWriter();

        var exit = await root.Parse(["completion", shell]).InvokeAsync(new InvocationConfiguration { Output = output }, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Contains(registration, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("openclaw \"[suggest:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_suggests_gateway_for_a_partial_command_line()
    {
        var (exit, _, suggestions) = await GatewayProcess.RunCapturingAsync(_state.Path, "[suggest:11]", "openclaw ga");

        Assert.Equal(0, exit);
        Assert.Equal(["gateway"], Lines(suggestions));
    }

    [Fact]
    public async Task The_binary_suggests_subcommands_and_shell_names()
    {
        var daemon = await GatewayProcess.RunCapturingAsync(_state.Path, "[suggest:20]", "openclaw daemon unin");
        var shells = await GatewayProcess.RunCapturingAsync(_state.Path, "[suggest:21]", "openclaw completion f");

        Assert.Equal(["uninstall"], Lines(daemon.StandardOutput));
        Assert.Equal(["fish"], Lines(shells.StandardOutput));
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error_naming_the_choices()
    {
        var (exit, output) = await GatewayProcess.RunAsync(_state.Path, "completion", "tcsh");

        Assert.NotEqual(0, exit); // a parse error: the root maps it to CliExit.Usage
        Assert.Contains("tcsh", output, StringComparison.Ordinal);
        Assert.Contains("bash", output, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
