using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests;

/// <summary>
/// Runs one of the reference implementations in tests/oracle (npm packages, installed by scripts/setup.sh) over a
/// whole corpus in one node process: the corpus is written one case a line, the script answers one verdict a line.
/// </summary>
internal static class NodeOracle
{
    /// <summary>
    /// Runs <c>tests/oracle/<paramref name="script"/></c> on <paramref name="corpusLines"/> (each one line) and returns its
    /// verdicts, one per line, after checking that npm <paramref name="package"/> is installed and there is one per case.
    /// </summary>
    public static async Task<string[]> RunAsync(string script, string package, IReadOnlyList<string> corpusLines, CancellationToken cancellationToken)
    {
        var oracleDirectory = Path.Combine(RepositoryPaths.Root(), "tests", "oracle");
        if (!File.Exists(Path.Combine(oracleDirectory, "node_modules", package, "package.json")))
        {
            Assert.Fail($"npm {package} is not installed in {oracleDirectory}/node_modules; run scripts/setup.sh (npm ci there).");
        }

        using var temp = new TempDirectory();
        var corpus = temp.Combine("corpus.txt");
        var text = new StringBuilder();
        foreach (var line in corpusLines)
        {
            text.Append(line).Append('\n');
        }

        await File.WriteAllTextAsync(corpus, text.ToString(), cancellationToken);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = oracleDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(oracleDirectory, script));
        start.ArgumentList.Add(corpus);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"node is not on PATH ({ex.Message}); the {package} oracle tests need Node.js: run scripts/setup.sh.");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(TestTimeouts.Default, cancellationToken);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            var errors = await stderr;
            Assert.True(process.ExitCode == 0, $"node {script} failed with exit code {process.ExitCode}: {errors}");
            var verdicts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(corpusLines.Count, verdicts.Length);
            return verdicts;
        }
    }
}
