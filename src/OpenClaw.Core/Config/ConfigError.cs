namespace OpenClaw.Core.Config;

/// <summary>One problem in a config file: the key path, where it is (1-based line and column) and what was expected.</summary>
/// <param name="Path">The key path, e.g. <c>agents.default.sandbox.level</c>; empty for a syntax error.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ConfigError(string Path, int Line, int Column, string Message)
{
    /// <summary>"L:C path: message", the form every error list uses.</summary>
    public override string ToString() => Path.Length == 0 ? $"{Line}:{Column}: {Message}" : $"{Line}:{Column}: {Path}: {Message}";
}

/// <summary>A config file that cannot be used: every error found, each with its key path, line and column.</summary>
public sealed class ConfigException : OpenClawException
{
    /// <summary>Creates the exception for <paramref name="file"/> (a path or a display name) with its errors.</summary>
    public ConfigException(string file, IReadOnlyList<ConfigError> errors)
        : base(Format(file, errors))
    {
        File = file;
        Errors = errors;
    }

    /// <summary>Creates an exception for a file that could not be read at all (no positions), with the cause.</summary>
    public ConfigException(string file, string message, Exception innerException)
        : base(message, innerException)
    {
        File = file;
        Errors = [];
    }

    /// <summary>Creates an exception for a file that cannot be used as a whole (no positions).</summary>
    public ConfigException(string file, string message)
        : base(message)
    {
        File = file;
        Errors = [];
    }

    /// <summary>Creates an exception with a message only.</summary>
    public ConfigException(string message)
        : base(message)
    {
        File = "";
        Errors = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "";
        Errors = [];
    }

    /// <summary>Creates an exception with no message.</summary>
    public ConfigException()
    {
        File = "";
        Errors = [];
    }

    /// <summary>The file the errors are in.</summary>
    public string File { get; }

    /// <summary>Every error, in file order; empty when the file could not be read at all.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(string file, IReadOnlyList<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var head = errors.Count == 1 ? $"{file} has 1 error:" : $"{file} has {errors.Count} errors:";
        return head + string.Concat(errors.Select(e => $"{Environment.NewLine}  {file}:{e}"));
    }
}
