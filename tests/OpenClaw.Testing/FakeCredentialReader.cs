using System.Collections.Concurrent;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Testing;

/// <summary>An in-memory credential store for tests: secrets are whatever the test put in.</summary>
public sealed class FakeCredentialReader : ICredentialReader
{
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    /// <summary>The names asked for, in order, so a test can check a secret was (or was not) read.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> and returns this reader for chaining.</summary>
    public FakeCredentialReader With(string name, string value)
    {
        _secrets[name] = value;
        return this;
    }

    /// <inheritdoc />
    public ValueTask<Secret?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests.Enqueue(name);
        return ValueTask.FromResult(_secrets.TryGetValue(name, out var value) ? new Secret(value) : null);
    }
}
