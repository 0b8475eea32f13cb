namespace OpenClaw.Core.Credentials;

/// <summary>Reads secrets by name; the seam through which config resolves <c>cred:NAME</c>.</summary>
public interface ICredentialReader
{
    /// <summary>The secret called <paramref name="name"/>, or <see langword="null"/> when none is stored.</summary>
    /// <exception cref="OpenClawException">The name is invalid, or the stored secret cannot be decrypted.</exception>
    ValueTask<Secret?> GetAsync(string name, CancellationToken cancellationToken = default);
}
