namespace OpenClaw.Testing;

/// <summary>Where the repository and the dotnet host are, for tests that run scripts, oracles or the built binary.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding OpenClaw.slnx, found by walking up from the test binaries.</summary>
    /// <exception cref="InvalidOperationException">The tests do not run from inside the repository.</exception>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenClaw.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OpenClaw.slnx not found above {AppContext.BaseDirectory}; these tests run from the repository.");
    }

    /// <summary>The dotnet host that runs the tests (<c>dotnet test</c> says which in DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
