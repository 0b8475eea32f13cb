using System.Text;
using System.Text.Json;

namespace OpenClaw.Core.Validation;

/// <summary>Checks sizes and JSON depth against <see cref="InputLimits"/>; every entry point calls it before parsing further.</summary>
public sealed class InputValidator(InputLimits limits)
{
    /// <summary>The limits being enforced.</summary>
    public InputLimits Limits { get; } = limits ?? throw new ArgumentNullException(nameof(limits));

    /// <summary>Checks a text message's UTF-8 size.</summary>
    public ValidationResult CheckMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Count without allocating; a string can never need more than 3 bytes per UTF-16 unit.
        if ((long)text.Length * 3 <= Limits.MaxMessageBytes)
        {
            return ValidationResult.Valid;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes <= Limits.MaxMessageBytes
            ? ValidationResult.Valid
            : ValidationResult.Fail("", $"message is {bytes} bytes; the limit is {Limits.MaxMessageBytes} (gateway.limits.maxMessageBytes).");
    }

    /// <summary>Checks an attachment's size in bytes.</summary>
    public ValidationResult CheckAttachmentSize(long bytes) =>
        bytes < 0
            ? ValidationResult.Fail("", "attachment size is negative.")
            : bytes <= Limits.MaxAttachmentBytes
                ? ValidationResult.Valid
                : ValidationResult.Fail("", $"attachment is {bytes} bytes; the limit is {Limits.MaxAttachmentBytes} (gateway.limits.maxAttachmentBytes).");

    /// <summary>
    /// Checks raw JSON for size, well-formedness and nesting depth without building a document, so a hostile payload
    /// costs one linear scan.
    /// </summary>
    public ValidationResult CheckJson(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > Limits.MaxMessageBytes)
        {
            return ValidationResult.Fail("", $"message is {utf8Json.Length} bytes; the limit is {Limits.MaxMessageBytes} (gateway.limits.maxMessageBytes).");
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = Limits.MaxJsonDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= Limits.MaxJsonDepth
                    && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return ValidationResult.Fail("", $"JSON nests deeper than {Limits.MaxJsonDepth} levels (gateway.limits.maxJsonDepth).");
                }
            }

            return ValidationResult.Valid;
        }
        catch (JsonException ex)
        {
            return ValidationResult.Fail("", $"not valid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}.");
        }
    }
}
