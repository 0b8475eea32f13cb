using System.Text.Json.Serialization;

namespace OpenClaw.Channels.Pairing;

/// <summary>The pairing file's shape on disk (validated into <see cref="PendingPairing"/> and <see cref="PairedSender"/> on load).</summary>
internal sealed class PairingFileModel
{
    public const int CurrentVersion = 1;

    public int Version { get; set; }

    public List<PendingEntry?>? Pending { get; set; }

    public List<ApprovedEntry?>? Approved { get; set; }
}

/// <summary>A pending code on disk.</summary>
internal sealed class PendingEntry
{
    public string? Channel { get; set; }

    public string? Code { get; set; }

    public string? SenderId { get; set; }

    public string? ChatId { get; set; }

    public string? SenderName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>An approved sender on disk.</summary>
internal sealed class ApprovedEntry
{
    public string? Channel { get; set; }

    public string? SenderId { get; set; }

    public string? SenderName { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }
}

/// <summary>Source-generated JSON for the pairing file (AOT-clean).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PairingFileModel))]
internal sealed partial class PairingJsonContext : JsonSerializerContext;
