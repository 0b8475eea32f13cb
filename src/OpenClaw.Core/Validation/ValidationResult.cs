namespace OpenClaw.Core.Validation;

/// <summary>One thing wrong with an input: where (a JSON Pointer or field name, empty for the whole value) and what.</summary>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>The outcome of a check: valid, or every error found. A return value, not an exception (a hot path).</summary>
public sealed class ValidationResult
{
    private ValidationResult(IReadOnlyList<ValidationError> errors) => Errors = errors;

    /// <summary>The shared result for a valid input.</summary>
    public static ValidationResult Valid { get; } = new([]);

    /// <summary>Every error found, in a stable order; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Whether the input passed.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A result holding <paramref name="errors"/> (valid when there are none).</summary>
    public static ValidationResult FromErrors(IReadOnlyList<ValidationError> errors) =>
        errors.Count == 0 ? Valid : new ValidationResult(errors);

    /// <summary>A result with one error.</summary>
    public static ValidationResult Fail(string path, string message) => new([new ValidationError(path, message)]);

    /// <summary>All errors on one line, for an error message.</summary>
    public override string ToString() => IsValid ? "valid" : string.Join("; ", Errors);
}
