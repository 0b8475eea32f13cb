using System.Runtime.CompilerServices;
using OpenClaw.Providers.AotCheck;

// Usage: openclaw-aot-check
// Runs every provider check against in-process loopback fakes and prints "aot-check: <name> ok" or
// "aot-check: <name> FAILED: <why>" per check; exits 0 only when all pass. Meant to run as a NativeAOT binary (.ci/run).
Console.WriteLine(RuntimeFeature.IsDynamicCodeSupported
    ? "aot-check: running on the JIT (publish with -p:PublishAot=true for the real check)"
    : "aot-check: running as a NativeAOT binary");
var failed = 0;
foreach (var (name, run) in Checks.All())
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    try
    {
        await run(timeout.Token);
        Console.WriteLine($"aot-check: {name} ok");
    }
#pragma warning disable CA1031 // Any exception is a failed check, reported and counted; the remaining checks still run.
    catch (Exception ex)
#pragma warning restore CA1031
    {
        failed++;
        Console.WriteLine($"aot-check: {name} FAILED: {Checks.Describe(ex)}");
        await Console.Error.WriteLineAsync(ex.ToString());
    }
}

Console.WriteLine(failed == 0 ? "aot-check: all checks passed" : $"aot-check: {failed} check(s) failed");
return failed == 0 ? 0 : 1;
