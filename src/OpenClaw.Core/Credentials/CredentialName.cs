using OpenClaw.Core.Identifiers;

namespace OpenClaw.Core.Credentials;

/// <summary>
/// The rule for credential names: the id rule (1–128 characters from <c>A–Z a–z 0–9 . _ - @ +</c>), no leading '.'
/// and no "..". So a name is always a plain file name inside the credentials folder and never a path.
/// </summary>
internal static class CredentialName
{
    public const string FileExtension = ".cred";

    public static string Validate(string? name)
    {
        if (!IdFormat.TryValidate("credential name", name, out var error))
        {
            throw new OpenClawException(error);
        }

        if (name![0] == '.')
        {
            throw new OpenClawException($"credential name '{name}' must not start with '.'.");
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            throw new OpenClawException($"credential name '{name}' must not contain '..'.");
        }

        return name;
    }

    public static bool IsValid(string name)
    {
        return IdFormat.TryValidate("credential name", name, out _) && name[0] != '.' &&
            !name.Contains("..", StringComparison.Ordinal);
    }
}
