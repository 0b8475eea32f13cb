using System.Text.Json.Serialization;

namespace OpenClaw.Core.Credentials;

/// <summary>The content of master.kdf: how the key is derived from OPENCLAW_MASTER_PASSWORD.</summary>
internal sealed class KdfFile
{
    public const int CurrentFormat = 1;
    public const string Argon2id = "argon2id";

    public int Format { get; set; }

    public string? Algorithm { get; set; }

    public int MemoryKiB { get; set; }

    public int Iterations { get; set; }

    public int Parallelism { get; set; }

    public string? Salt { get; set; }

    public string? KeyCheck { get; set; }
}

/// <summary>Source-generated JSON for the credential store's own files (AOT-clean).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(KdfFile))]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext;
