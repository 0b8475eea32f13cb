using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Cli.Onboard;

/// <summary>One provider to set up: its name in <c>providers</c>, its wire format, its base URL and its key.</summary>
/// <param name="Name">The key in <c>providers</c> and the credential's name.</param>
/// <param name="Type">The wire format.</param>
/// <param name="BaseUrl">The base URL (required for <c>openai-compatible</c>), or <see langword="null"/> for the type's default.</param>
/// <param name="ApiKey">The key to store, or <see langword="null"/> to keep the stored one (or use none).</param>
/// <param name="ReplaceKey">Whether a stored credential of that name may be replaced.</param>
/// <param name="ReplaceEntry">Whether the provider's entry in the config file may be replaced.</param>
internal sealed record OnboardProvider(string Name, ProviderType Type, string? BaseUrl, Secret? ApiKey, bool ReplaceKey = false, bool ReplaceEntry = false)
{
    /// <summary>The config spelling of the type.</summary>
    public string TypeName => TypeNameOf(Type);

    /// <summary>The config spelling of <paramref name="type"/>.</summary>
    public static string TypeNameOf(ProviderType type) => type switch
    {
        ProviderType.Anthropic => "anthropic",
        ProviderType.OpenAI => "openai",
        _ => "openai-compatible",
    };

    /// <summary>Reads a <c>--provider</c> value; <see langword="null"/> when it is none of the three.</summary>
    public static ProviderType? ParseType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "anthropic" => ProviderType.Anthropic,
        "openai" => ProviderType.OpenAI,
        "openai-compatible" or "compatible" => ProviderType.OpenAICompatible,
        _ => null,
    };

    /// <summary>The model suggested for a provider of <paramref name="type"/>, or <see langword="null"/> when there is no sensible default.</summary>
    public static string? DefaultModel(ProviderType type) => type switch
    {
        ProviderType.Anthropic => "claude-sonnet-4-5",
        ProviderType.OpenAI => "gpt-4o",
        _ => null,
    };
}

/// <summary>Everything onboarding writes, gathered from the wizard or from flags before anything is written.</summary>
internal sealed record OnboardPlan
{
    /// <summary>The providers to configure, the first one serving the default agent.</summary>
    public IReadOnlyList<OnboardProvider> Providers { get; init; } = [];

    /// <summary>The default agent's model as <c>&lt;provider&gt;/&lt;model&gt;</c>, or <see langword="null"/> to leave it.</summary>
    public string? Model { get; init; }

    /// <summary>The workspace directory, or <see langword="null"/> for the default (<c>&lt;state&gt;/workspace</c>).</summary>
    public string? Workspace { get; init; }

    /// <summary>Whether to enable Telegram.</summary>
    public bool Telegram { get; init; }

    /// <summary>The bot token to store, or <see langword="null"/> to keep the stored one.</summary>
    public Secret? TelegramToken { get; init; }

    /// <summary>Whether a stored Telegram token may be replaced.</summary>
    public bool ReplaceTelegramToken { get; init; }

    /// <summary>Whether the model replaces one already in the config file.</summary>
    public bool ReplaceModel { get; init; }

    /// <summary>Whether the workspace replaces one already in the config file.</summary>
    public bool ReplaceWorkspace { get; init; }

    /// <summary>Whether settings already in the config file (and stored credentials) are replaced.</summary>
    public bool Force { get; init; }
}
