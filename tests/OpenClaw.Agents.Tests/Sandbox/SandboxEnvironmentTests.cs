using OpenClaw.Agents.Sandbox;

namespace OpenClaw.Agents.Tests.Sandbox;

public sealed class SandboxEnvironmentTests
{
    private static SandboxRequest Request(string workingDirectory) => new()
    {
        Command = ["true"],
        WorkspacePath = "/ws",
        WorkingDirectory = workingDirectory,
        Limits = new SandboxLimits(1, 1, 1, 1, 1),
    };

    [Theory]
    [InlineData("", "")]
    [InlineData(".", "")]
    [InlineData("a/b/", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("a\\b", "a/b")]
    public void Relative_working_directories_are_normalised(string given, string expected) =>
        Assert.Equal(expected, SandboxEnvironment.RelativeWorkingDirectory(Request(given)));

    [Theory]
    [InlineData("..")]
    [InlineData("a/../../etc")]
    [InlineData("/etc")]
    public void A_working_directory_outside_the_workspace_is_refused(string given) =>
        Assert.Throws<ArgumentException>(() => SandboxEnvironment.RelativeWorkingDirectory(Request(given)));

    [Fact]
    public void A_variable_name_with_an_equals_sign_is_refused()
    {
        var request = Request("") with { Environment = new Dictionary<string, string> { ["A=B"] = "x" } };

        Assert.Throws<ArgumentException>(() => SandboxEnvironment.For(request, "/workspace", "/tmp"));
    }

    [Theory]
    [InlineData(0, SandboxTermination.Exited)]
    [InlineData(1, SandboxTermination.Exited)]
    [InlineData(137, SandboxTermination.Signalled)]
    [InlineData(152, SandboxTermination.CpuLimit)]
    public void Exit_codes_map_to_terminations(int exitCode, SandboxTermination expected) =>
        Assert.Equal(expected, SandboxEnvironment.FromExitCode(exitCode));
}
