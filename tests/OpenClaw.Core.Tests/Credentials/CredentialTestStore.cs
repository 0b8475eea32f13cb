using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Testing;

namespace OpenClaw.Core.Tests.Credentials;

/// <summary>Opens stores over one temp state directory, with a cheap Argon2id cost for password tests.</summary>
internal sealed class CredentialTestStore : IDisposable
{
    /// <summary>8 MiB, one pass: fast enough for many tests; the production default is tested separately.</summary>
    public static readonly CredentialStoreOptions CheapPassword = Password("correct horse battery staple");

    private readonly List<CredentialStore> _opened = [];

    public TempDirectory Temp { get; } = new();

    public StatePaths Paths => new(Temp.Path);

    public string CredentialsDirectory => Paths.CredentialsDirectory;

    public string FileOf(string name) => Path.Combine(CredentialsDirectory, name + ".cred");

    public static CredentialStoreOptions Password(string password) =>
        new() { MasterPassword = new Secret(password), Argon2 = new Argon2Settings(8 * 1024, 1, 1) };

    /// <summary>
    /// A new store, as a new process would open it: the stores opened before are disposed first (as if their process
    /// had exited), because a store holds the credentials folder's exclusive lock for its lifetime.
    /// </summary>
    public CredentialStore Open(CredentialStoreOptions? options = null)
    {
        foreach (var previous in _opened)
        {
            previous.Dispose();
        }

        var store = new CredentialStore(Paths, options);
        _opened.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        Temp.Dispose();
    }
}

internal sealed class InjectedCrashException : Exception
{
    public InjectedCrashException()
        : base("injected crash")
    {
    }
}
