using OpenClaw.Core.Config;

namespace OpenClaw.Core.Validation;

/// <summary>
/// Size and shape limits applied to everything that comes from outside (RPC frames, channel messages, attachments).
/// Bound from <c>gateway.limits</c> in the config; the defaults are CONFIG.md's.
/// </summary>
public sealed record InputLimits
{
    /// <summary>The limits in force when the config sets none.</summary>
    public static InputLimits Default { get; } = new();

    /// <summary>The limits set in <c>gateway.limits</c>.</summary>
    public static InputLimits From(GatewayLimitsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new InputLimits
        {
            MaxMessageBytes = options.MaxMessageBytes,
            MaxJsonDepth = options.MaxJsonDepth,
            MaxAttachmentBytes = options.MaxAttachmentBytes,
        };
    }

    /// <summary>Largest message (RPC body, WebSocket frame, chat text) in UTF-8 bytes.</summary>
    public int MaxMessageBytes { get; init; } = 1_048_576;

    /// <summary>Deepest nesting of JSON objects and arrays.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Largest attachment in bytes.</summary>
    public long MaxAttachmentBytes { get; init; } = 20_971_520;
}
