using System.Text;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Config;

/// <summary>The outcome of validating config text: the config, or every error found.</summary>
/// <param name="Config">The bound config, or <see langword="null"/> when there are errors.</param>
/// <param name="Errors">Every error, in file order; empty when the text is valid.</param>
public sealed record ConfigValidation(OpenClawConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether the text is a valid config.</summary>
    public bool IsValid => Config is not null && Errors.Count == 0;
}

/// <summary>
/// Finds, reads, parses and validates <c>openclaw.json</c>. A missing file gives every default; a broken one (an empty
/// one included) is never replaced by defaults but reported with every error at once.
/// </summary>
/// <remarks>Thread-safe: it holds no mutable state.</remarks>
public sealed class ConfigLoader
{
    /// <summary>The largest config file read (a config is a few KiB; anything near this is a mistake).</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Func<string, string?> _getEnvironmentVariable;

    /// <summary>Creates a loader for the state layout <paramref name="paths"/>; <c>${NAME}</c> is resolved through <paramref name="getEnvironmentVariable"/>.</summary>
    public ConfigLoader(StatePaths paths, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Paths = paths;
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The state layout.</summary>
    public StatePaths Paths { get; }

    /// <summary>The config file this loader reads (<c>OPENCLAW_CONFIG_PATH</c>, else <c>&lt;state dir&gt;/openclaw.json</c>).</summary>
    public string ConfigFile => Paths.ConfigFile;

    /// <summary>A loader for the process's (or the given) environment: state directory, config path and <c>${NAME}</c> values.</summary>
    public static ConfigLoader FromEnvironment(Func<string, string?>? getEnvironmentVariable = null) =>
        new(StatePaths.FromEnvironment(getEnvironmentVariable), getEnvironmentVariable);

    /// <summary>Reads and validates the config file; a missing file gives every default.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is not a valid config; every error is listed.</exception>
    public async Task<OpenClawConfig> LoadAsync(CancellationToken cancellationToken = default)
    {
        var text = await ReadTextAsync(ConfigFile, cancellationToken);
        if (text is null)
        {
            return OpenClawConfig.CreateDefault(Paths);
        }

        // Only a missing file means defaults: an empty one is more likely a failed save than a wish for defaults.
        return Json5Reader.IsBlank(text)
            ? throw new ConfigException(ConfigFile, $"{ConfigFile} is empty; delete it to use the defaults, or {EmptyFix}")
            : Parse(text, ConfigFile);
    }

    private const string EmptyFix = "write the settings as an object, e.g. { gateway: { port: 18789 } } (openclaw config set does that for you).";

    /// <summary>Validates config text and returns the config.</summary>
    /// <exception cref="ConfigException">The text is not a valid config; every error is listed against <paramref name="sourceName"/>.</exception>
    public OpenClawConfig Parse(string text, string? sourceName = null)
    {
        var result = Validate(text);
        return result.IsValid ? result.Config! : throw new ConfigException(sourceName ?? ConfigFile, result.Errors);
    }

    /// <summary>Validates config text without throwing: the config, or every error with its key path, line and column.</summary>
    public ConfigValidation Validate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Json5Reader.IsBlank(text))
        {
            return new ConfigValidation(null, [new ConfigError("", 1, 1, "the file is empty (only white space or comments); delete it to use the defaults, or " + EmptyFix)]);
        }

        Json5Node root;
        try
        {
            root = Json5Reader.Parse(text);
        }
        catch (Json5Exception ex)
        {
            return new ConfigValidation(null, [new ConfigError("", ex.Line, ex.Column, ex.Reason)]);
        }

        var context = new BindContext(Paths, _getEnvironmentVariable);
        var config = ConfigSchema.Bind(root, context);
        if (context.Errors.Count > 0 || config is null)
        {
            var errors = context.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray();
            return new ConfigValidation(null, errors);
        }

        return new ConfigValidation(config, []);
    }

    /// <summary>Reads a config file as strict UTF-8 (a leading BOM is dropped); <see langword="null"/> when it does not exist.</summary>
    /// <exception cref="ConfigException">It is a directory, unreadable, too large or not UTF-8.</exception>
    public static async Task<string?> ReadTextAsync(string file, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadBytesAsync(file, cancellationToken);
        return bytes is null ? null : Decode(file, bytes);
    }

    /// <summary>Reads a config file's bytes as they are; <see langword="null"/> when it does not exist.</summary>
    /// <exception cref="ConfigException">It is a directory, unreadable or too large.</exception>
    internal static async Task<byte[]?> ReadBytesAsync(string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (Directory.Exists(file))
        {
            throw new ConfigException(file, $"{file} is a directory, not a config file; remove it or set OPENCLAW_CONFIG_PATH to a file.");
        }

        byte[] bytes;
        try
        {
            var info = new FileInfo(file);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                throw new ConfigException(file, $"{file} is {info.Length} bytes; a config file may be at most {MaxFileBytes} bytes.");
            }

            bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConfigException(file, $"cannot read {file}: permission denied; make it readable by the user running openclaw (chmod 600).", ex);
        }
        catch (IOException ex)
        {
            throw new ConfigException(file, $"cannot read {file}: {ex.Message}", ex);
        }

        return bytes;
    }

    /// <summary>Decodes a config file's bytes as strict UTF-8, dropping a leading BOM.</summary>
    /// <exception cref="ConfigException">The bytes are not UTF-8.</exception>
    internal static string Decode(string file, byte[] bytes)
    {
        try
        {
            var text = s_strictUtf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException ex)
        {
            var (line, column) = Locate(bytes, ex.Index);
            throw new ConfigException(file,
                $"{file} is not valid UTF-8 (bad byte 0x{bytes[Math.Clamp(ex.Index, 0, bytes.Length - 1)]:X2} at line {line}, column {column}); save it as UTF-8.", ex);
        }
    }

    // Line and column of a byte offset, counting the valid UTF-8 before it.
    private static (int Line, int Column) Locate(byte[] bytes, int index)
    {
        index = Math.Clamp(index, 0, bytes.Length);
        var line = 1;
        var column = 1;
        for (var i = 0; i < index; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((bytes[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }
}
