using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Auth;
using OpenClaw.Testing;

namespace OpenClaw.Gateway.Tests.Auth;

/// <summary>
/// The auth services over one real state directory (credential store, auth.db), with a fake clock, cheap Argon2id
/// parameters and captured logs; <see cref="Restart"/> disposes them and opens new instances over the same files.
/// </summary>
internal sealed class AuthHarness : IDisposable
{
    public const string Password = "correct horse battery staple";

    /// <summary>The cheapest Argon2id libsodium accepts, so tests stay fast; the format and checks are the same.</summary>
    public static readonly PasswordHashParameters FastHash = new(8, 1, 1);

    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public AuthHarness()
    {
        Paths = new StatePaths(_directory.Path);
        Open();
    }

    public StatePaths Paths { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public CapturingLoggerProvider Logs { get; } = new();

    public AuthOptions Options { get; } = new() { PasswordHash = FastHash };

    public CredentialStore Credentials { get; private set; } = null!;

    public PasswordHasher Hasher { get; private set; } = null!;

    public GatewayToken GatewayToken { get; private set; } = null!;

    public UserStore Users { get; private set; } = null!;

    public TokenService Tokens { get; private set; } = null!;

    public void SetEnvironment(string name, string? value)
    {
        if (value is null)
        {
            _environment.Remove(name);
        }
        else
        {
            _environment[name] = value;
        }
    }

    /// <summary>Disposes every service and opens new ones over the same state directory, as a gateway restart does.</summary>
    public void Restart()
    {
        Close();
        Open();
    }

    public void Dispose()
    {
        Close();
        _directory.Dispose();
    }

    private void Open()
    {
        Credentials = new CredentialStore(Paths, new CredentialStoreOptions(), Logs.CreateLogger<CredentialStore>(), Time);
        Hasher = new PasswordHasher(Options.PasswordHash);
        GatewayToken = new GatewayToken(Credentials, name => _environment.GetValueOrDefault(name), Logs.CreateLogger<GatewayToken>());
        Users = UserStore.Open(UserStore.PathFor(Paths), Hasher, Time, Logs.CreateLogger<UserStore>());
        Tokens = new TokenService(Users, Hasher, GatewayToken, Credentials, Options, Time, Logs.CreateLogger<TokenService>());
    }

    private void Close()
    {
        Tokens?.Dispose();
        Users?.Dispose();
        GatewayToken?.Dispose();
        Credentials?.Dispose();
    }
}
