using System.CommandLine;
using OpenClaw.Cli.Credentials;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Credentials;

public sealed class CredentialCommandsTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public CredentialCommandsTests() => _environment["OPENCLAW_STATE_DIR"] = _state.Path;

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task List_StateDirectoryPathIsInvalid_PrintsAnErrorWithoutAStackTrace()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path + "/bad\0name";

        var (exit, error) = await RunAsync("list");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_StateDirectoryUnderAFile_SaysWhichPathAndExits1()
    {
        var file = _state.Combine("not-a-folder");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        _environment["OPENCLAW_STATE_DIR"] = Path.Combine(file, "state");
        _environment["VALUE"] = "sk-1";

        var (exit, error) = await RunAsync("set", "openai", "--from-env", "VALUE");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(file, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_ThenList_ShowsTheName()
    {
        _environment["VALUE"] = "sk-1";

        Assert.Equal(0, (await RunAsync("set", "openai", "--from-env", "VALUE")).Exit);
        var root = new RootCommand { CredentialCommands.Create(name => _environment.GetValueOrDefault(name)) };
        using var output = new StringWriter();
        var exit = await root.Parse(["credentials", "list"]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = TextWriter.Null }, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Equal("openai", output.ToString().Trim());

        using var json = new StringWriter();
        Assert.Equal(0, await root.Parse(["credentials", "list", "--json"]).InvokeAsync(
            new InvocationConfiguration { Output = json, Error = TextWriter.Null }, TestContext.Current.CancellationToken));
        Assert.Equal("""["openai"]""", json.ToString().Trim());
        Assert.DoesNotContain("sk-1", json.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { CredentialCommands.Create(name => _environment.GetValueOrDefault(name), TextReader.Null) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(["credentials", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, error.ToString());
    }
}
