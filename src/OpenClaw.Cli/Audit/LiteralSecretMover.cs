using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Cli.Audit;

/// <summary>What <see cref="LiteralSecretMover"/> did: the moves (key and credential name) and notes for the person.</summary>
/// <param name="Moved">Each config key now holding <c>"cred:NAME"</c>, with NAME.</param>
/// <param name="Notes">What the person should know (a name taken by a different value, a gateway in the way); never a secret.</param>
internal sealed record SecretMoveResult(IReadOnlyList<(string Key, string Credential)> Moved, IReadOnlyList<string> Notes);

/// <summary>
/// <c>openclaw security audit --fix</c>: moves each secret written literally in the config file into the credential
/// store (named after its provider or channel) and puts <c>"cred:NAME"</c> in its place through <see cref="ConfigEditor"/>,
/// so comments and formatting survive. Only while no gateway owns the state directory. Values are never shown.
/// </summary>
internal static class LiteralSecretMover
{
    /// <summary>Moves every literal secret in <paramref name="config"/> (as loaded from <paramref name="loader"/>).</summary>
    public static async Task<SecretMoveResult> MoveAsync(
        ConfigLoader loader, OpenClawConfig config, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var literals = config.EnumerateSecrets().Where(s => s.Value.IsLiteral).ToList();
        var moved = new List<(string, string)>();
        var notes = new List<string>();
        if (literals.Count == 0)
        {
            return new SecretMoveResult(moved, notes);
        }

        using var store = new CredentialStore(loader.Paths, CredentialStoreOptions.FromEnvironment(environment));
        try
        {
            await store.OpenAsync(cancellationToken);
        }
        catch (OpenClawException ex) when (ex.InnerException is IOException)
        {
            notes.Add("a running gateway owns the credential store; stop it and run `openclaw security audit --fix` again to move them");
            return new SecretMoveResult(moved, notes);
        }

        // A literal resolves to itself; the resolver is the one public way to read it.
        var resolver = new SecretResolver(store, environment);
        var editor = new ConfigEditor(loader);
        foreach (var (key, reference) in literals)
        {
            var value = (await resolver.ResolveAsync(reference, cancellationToken)).Secret;
            if (value is null || value.Reveal().Length == 0)
            {
                continue;
            }

            var wanted = CredentialNameFor(key);
            var name = wanted;
            for (var n = 2; await store.GetAsync(name, cancellationToken) is { } existing && !existing.Equals(value); n++)
            {
                name = $"{wanted}-{n}";
            }

            if (name != wanted)
            {
                notes.Add($"credential '{wanted}' already holds a different value, so {key} was stored as '{name}'");
            }

            await store.SetAsync(name, value, cancellationToken);
            await editor.SetAsync(key, Json5Writer.FormatString("cred:" + name), cancellationToken);
            moved.Add((key, name));
        }

        // Each edit keeps the file as it was in <config>.bak, which still holds the last literal: a secret moved out of
        // the config must not stay beside it in plain text.
        if (moved.Count > 0 && File.Exists(editor.BackupFile))
        {
            File.Delete(editor.BackupFile);
            notes.Add($"removed {Path.GetFileName(editor.BackupFile)}, which still held a literal secret");
        }

        return new SecretMoveResult(moved, notes);
    }

    /// <summary>The credential a secret at <paramref name="key"/> is stored as: its provider's or channel's name.</summary>
    internal static string CredentialNameFor(string key)
    {
        var segments = ConfigPath.Parse(key).Segments.Where(s => !s.IsIndex).Select(s => s.Name!).ToList();
        return segments switch
        {
            ["providers", var provider, ..] => provider,
            ["channels", var channel, "botToken"] => channel,
            ["channels", var channel, var field] => $"{channel}-{Kebab(field)}",
            _ => string.Join('-', segments.Select(Kebab)),
        };
    }

    // webhookSecret → webhook (the channel's name already says what it is for): telegram-webhook, as the docs name it.
    private static string Kebab(string field) =>
        field.EndsWith("Secret", StringComparison.Ordinal) && field.Length > 6 ? field[..^6].ToLowerInvariant() : field.ToLowerInvariant();
}
