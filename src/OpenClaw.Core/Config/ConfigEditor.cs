using System.Text;
using OpenClaw.Core.State;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Config;

/// <summary>The outcome of a <see cref="ConfigEditor"/> edit.</summary>
/// <param name="Changed">Whether the file was rewritten (false when the value was already so, or an unset key was absent).</param>
/// <param name="File">The config file.</param>
/// <param name="BackupFile">Where the previous content was kept, or <see langword="null"/> when there was no previous file or no change.</param>
public sealed record ConfigEditResult(bool Changed, string File, string? BackupFile);

/// <summary>
/// <c>openclaw config set/unset</c>: edits the config file's text in place so comments and formatting survive, validates
/// the result completely before writing, keeps <c>&lt;file&gt;.bak</c>, and replaces the file atomically with mode 0600.
/// </summary>
/// <remarks>Not safe against two editors writing the same file at once; the last rename wins.</remarks>
public sealed class ConfigEditor
{
    private readonly ConfigLoader _loader;

    /// <summary>Creates an editor for the file <paramref name="loader"/> reads, validated the way it validates.</summary>
    public ConfigEditor(ConfigLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        _loader = loader;
    }

    /// <summary>The backup file kept beside the config.</summary>
    public string BackupFile => _loader.ConfigFile + ".bak";

    /// <summary>
    /// Sets the key at <paramref name="path"/> to <paramref name="value"/>: JSON5 text, or a bare string when it does not parse.
    /// </summary>
    /// <exception cref="ConfigException">The path is invalid, or the edited file would not be valid (nothing is written).</exception>
    public async Task<ConfigEditResult> SetAsync(string path, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var keyPath = ConfigPath.Parse(path);
        var bytes = await ConfigLoader.ReadBytesAsync(_loader.ConfigFile, cancellationToken);
        var original = bytes is null ? null : ConfigLoader.Decode(_loader.ConfigFile, bytes);
        var text = original is null || string.IsNullOrWhiteSpace(original) ? ConfigTextEdit.EmptyDocument
            : Json5Reader.IsBlank(original) ? AfterComments(original)
            : original;
        var root = ParseExisting(text);
        var edited = ConfigTextEdit.Set(text, root, keyPath, FormatValue(value, ConfigTextEdit.Style.Detect(text, root)));
        return await CommitAsync(bytes, original, edited, cancellationToken);
    }

    /// <summary>Removes the key (or array item) at <paramref name="path"/> with its comma; nothing changes when it is absent.</summary>
    /// <exception cref="ConfigException">The path is invalid, or the edited file would not be valid (nothing is written).</exception>
    public async Task<ConfigEditResult> UnsetAsync(string path, CancellationToken cancellationToken = default)
    {
        var keyPath = ConfigPath.Parse(path);
        var bytes = await ConfigLoader.ReadBytesAsync(_loader.ConfigFile, cancellationToken);
        var original = bytes is null ? null : ConfigLoader.Decode(_loader.ConfigFile, bytes);
        if (original is null || Json5Reader.IsBlank(original))
        {
            return new ConfigEditResult(false, _loader.ConfigFile, null);
        }

        var edited = ConfigTextEdit.Unset(original, ParseExisting(original), keyPath);
        return edited is null
            ? new ConfigEditResult(false, _loader.ConfigFile, null)
            : await CommitAsync(bytes, original, edited, cancellationToken);
    }

    // A file of only comments keeps them and gets the object after them (a trailing // comment needs its line ended).
    private static string AfterComments(string comments) =>
        comments + (comments.EndsWith('\n') ? "" : "\n") + ConfigTextEdit.EmptyDocument;

    /// <summary>The JSON5 text a value argument stands for: itself when it parses as JSON5, else a quoted string.</summary>
    internal static string FormatValue(string value, ConfigTextEdit.Style style)
    {
        Json5Node node;
        try
        {
            node = Json5Reader.Parse(value);
        }
        catch (Json5Exception)
        {
            return Json5Writer.FormatString(value);
        }

        return ConfigTextEdit.Format(node, style);
    }

    private Json5Node ParseExisting(string text)
    {
        try
        {
            return Json5Reader.Parse(text);
        }
        catch (Json5Exception ex)
        {
            throw new ConfigException(_loader.ConfigFile, [new ConfigError("", ex.Line, ex.Column, ex.Reason + " (fix the file by hand first)")]);
        }
    }

    private async Task<ConfigEditResult> CommitAsync(byte[]? originalBytes, string? original, string edited, CancellationToken cancellationToken)
    {
        var validation = _loader.Validate(edited);
        if (!validation.IsValid)
        {
            // The positions refer to the edited text, which differs from the file only around the edited key.
            throw new ConfigException(_loader.ConfigFile, validation.Errors);
        }

        if (original == edited)
        {
            return new ConfigEditResult(false, _loader.ConfigFile, null);
        }

        string? backup = null;
        if (originalBytes is not null)
        {
            // The backup is the file exactly as it was, byte for byte (a BOM or odd encoding details included).
            await WriteAsync(BackupFile, originalBytes, cancellationToken);
            backup = BackupFile;
        }

        var content = Encoding.UTF8.GetBytes(edited);
        if (originalBytes is [0xEF, 0xBB, 0xBF, ..])
        {
            content = [0xEF, 0xBB, 0xBF, .. content];
        }

        // A symlinked config (dotfiles) stays a link: the file it points to is replaced, not the link.
        await WriteAsync(LinkTarget(_loader.ConfigFile), content, cancellationToken);
        return new ConfigEditResult(true, _loader.ConfigFile, backup);
    }

    private static string LinkTarget(string file)
    {
        try
        {
            return File.ResolveLinkTarget(file, returnFinalTarget: true)?.FullName ?? file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return file; // not there yet, or not a link we can follow: write the path itself
        }
    }

    // File system failures (a parent that is a file, a .bak that is a directory, a read-only directory) become clear errors.
    private static async Task WriteAsync(string file, byte[] content, CancellationToken cancellationToken)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            if (!Directory.Exists(directory))
            {
                AtomicFile.EnsurePrivateDirectory(directory);
            }

            await AtomicFile.WriteAsync(Path.GetFullPath(file), content, overwrite: true, beforeReplace: null, cancellationToken);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConfigException(file,
                $"cannot write {file}: permission denied; make its directory writable by the user running openclaw, or set OPENCLAW_CONFIG_PATH.", ex);
        }
        catch (IOException ex)
        {
            throw new ConfigException(file, $"cannot write {file}: {ex.Message}", ex);
        }
    }
}
