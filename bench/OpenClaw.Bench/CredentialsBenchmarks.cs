using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Bench;

/// <summary>
/// The credential store's start-up costs: opening the store and reading one secret (what resolving a
/// <c>cred:NAME</c> reference costs a fresh process), with master.key and with an Argon2id master password.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class CredentialsBenchmarks
{
    private const string Password = "bench master password";
    private string _keyFileRoot = null!;
    private string _passwordRoot = null!;
    private string _warmRoot = null!;
    private CredentialStore _warm = null!;

    /// <summary>Two state directories with 20 secrets each (one keyed by master.key, one by a master password), and one held open.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _keyFileRoot = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
        _passwordRoot = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
        using var keyed = new CredentialStore(new StatePaths(_keyFileRoot));
        using var locked = new CredentialStore(new StatePaths(_passwordRoot), PasswordOptions());
        for (var i = 0; i < 20; i++)
        {
            keyed.SetAsync($"provider{i}", new Secret($"sk-{i}-{new string('x', 100)}")).GetAwaiter().GetResult();
            locked.SetAsync($"provider{i}", new Secret($"sk-{i}-{new string('x', 100)}")).GetAwaiter().GetResult();
        }

        // The open store holds its folder's lock for its lifetime, so it gets a folder of its own.
        _warmRoot = Path.Combine(Path.GetTempPath(), "openclaw-bench", Guid.NewGuid().ToString("N"));
        _warm = new CredentialStore(new StatePaths(_warmRoot));
        _warm.SetAsync("provider7", new Secret($"sk-7-{new string('x', 100)}")).GetAwaiter().GetResult();
        _warm.GetAsync("provider7").AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Removes the state directories.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _warm.Dispose();
        Directory.Delete(_keyFileRoot, recursive: true);
        Directory.Delete(_passwordRoot, recursive: true);
        Directory.Delete(_warmRoot, recursive: true);
    }

    /// <summary>New store instance (recovery scan, key file load, mode check) plus one decrypt. Target: under 5 ms.</summary>
    [Benchmark(Baseline = true)]
    public async Task<string> OpenAndReadOne_KeyFile()
    {
        using var store = new CredentialStore(new StatePaths(_keyFileRoot));
        return (await store.GetAsync("provider7"))!.Reveal();
    }

    /// <summary>A read from an already open store: file read plus AES-GCM decrypt.</summary>
    [Benchmark]
    public async Task<string> ReadOne_OpenStore()
    {
        return (await _warm.GetAsync("provider7"))!.Reveal();
    }

    /// <summary>New store instance with OPENCLAW_MASTER_PASSWORD: Argon2id (64 MiB, t=4, p=1) once, then one decrypt.</summary>
    [Benchmark]
    public async Task<string> OpenAndReadOne_MasterPassword()
    {
        using var store = new CredentialStore(new StatePaths(_passwordRoot), PasswordOptions());
        return (await store.GetAsync("provider7"))!.Reveal();
    }

    private static CredentialStoreOptions PasswordOptions() => new() { MasterPassword = new Secret(Password) };
}
