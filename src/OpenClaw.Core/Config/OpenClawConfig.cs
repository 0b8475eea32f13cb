using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Config;

/// <summary>The whole typed, validated <c>openclaw.json</c> (CONFIG.md); every value not in the file has its default.</summary>
public sealed record OpenClawConfig
{
    /// <summary>Where and how the gateway listens.</summary>
    public GatewayOptions Gateway { get; init; } = new();

    /// <summary>Model providers by name; <c>anthropic</c> and <c>openai</c> always exist.</summary>
    public IReadOnlyDictionary<string, ProviderOptions> Providers { get; init; } = ProviderOptions.BuiltIns();

    /// <summary>Agents by id; <c>default</c> always exists.</summary>
    public required IReadOnlyDictionary<string, AgentOptions> Agents { get; init; }

    /// <summary>Messaging channels.</summary>
    public ChannelsOptions Channels { get; init; } = new();

    /// <summary>Which agent answers which conversation; the first match wins, else agent <c>default</c>.</summary>
    public IReadOnlyList<RouteOptions> Routing { get; init; } = [];

    /// <summary>Workflow definitions by id, kept as raw JSON5 objects until the workflow feature reads them.</summary>
    public IReadOnlyDictionary<string, Json5Object> Workflows { get; init; } = new Dictionary<string, Json5Object>(StringComparer.Ordinal);

    /// <summary>Plugins to load.</summary>
    public PluginsOptions Plugins { get; init; } = new();

    /// <summary>Log level and format.</summary>
    public LoggingOptions Logging { get; init; } = new();

    /// <summary>
    /// Every secret-bearing value with its key path (e.g. <c>providers.anthropic.apiKey</c>), for status, doctor and the
    /// security audit (which flags <see cref="SecretReference.IsLiteral"/>).
    /// </summary>
    public IEnumerable<KeyValuePair<string, SecretReference>> EnumerateSecrets()
    {
        foreach (var (name, provider) in Providers)
        {
            if (provider.OAuth is null)
            {
                yield return new(ConfigPath.Append(ConfigPath.Append("providers", name), "apiKey"), provider.ApiKey);
            }
            else
            {
                yield return new(ConfigPath.Append(ConfigPath.Append(ConfigPath.Append("providers", name), "oauth"), "credential"),
                    SecretReference.Credential(provider.OAuth.Credential));
            }
        }

        yield return new("channels.telegram.botToken", Channels.Telegram.BotToken);
        if (Channels.Telegram.Mode == TelegramMode.Webhook)
        {
            yield return new("channels.telegram.webhookSecret", Channels.Telegram.WebhookSecret);
        }
    }

    /// <summary>The configuration used when there is no file: every default, with the state directory's workspace.</summary>
    public static OpenClawConfig CreateDefault(StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new OpenClawConfig
        {
            Agents = new Dictionary<string, AgentOptions>(StringComparer.Ordinal)
            {
                [AgentOptions.DefaultId] = AgentOptions.CreateDefault(AgentOptions.DefaultId, paths),
            },
        };
    }
}

/// <summary><c>gateway</c>: the listening address, browser origins and request limits.</summary>
public sealed record GatewayOptions
{
    /// <summary>The address to bind; a non-loopback address needs <see cref="CorsOptions.AllowedOrigins"/>.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 18789;

    /// <summary>Extra browser origins allowed to call the gateway (same origin is always allowed).</summary>
    public CorsOptions Cors { get; init; } = new();

    /// <summary>Size and rate limits.</summary>
    public GatewayLimitsOptions Limits { get; init; } = new();
}

/// <summary><c>gateway.cors</c>.</summary>
public sealed record CorsOptions
{
    /// <summary>Origins such as <c>https://example.com</c>; empty by default.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
}

/// <summary><c>gateway.limits</c>: what one client may send.</summary>
public sealed record GatewayLimitsOptions
{
    /// <summary>The largest JSON-RPC message in bytes.</summary>
    public int MaxMessageBytes { get; init; } = 1_048_576;

    /// <summary>The most requests in one batch.</summary>
    public int MaxBatch { get; init; } = 100;

    /// <summary>The deepest JSON nesting accepted.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>The largest attachment in bytes.</summary>
    public int MaxAttachmentBytes { get; init; } = 20_971_520;

    /// <summary>Requests per minute per principal.</summary>
    public int RequestsPerMinute { get; init; } = 6000;

    /// <summary>Failed authentications per minute per remote address.</summary>
    public int AuthFailuresPerMinute { get; init; } = 20;

    /// <summary>Seconds a WebSocket without a credential has to send a valid <c>connect</c> before it is closed (1008).</summary>
    public int ConnectTimeoutSeconds { get; init; } = 10;

    /// <summary>Seconds between WebSocket pings.</summary>
    public int PingIntervalSeconds { get; init; } = 15;

    /// <summary>Seconds without a pong before a WebSocket is closed.</summary>
    public int PongTimeoutSeconds { get; init; } = 30;

    /// <summary>Messages one WebSocket may have waiting to be sent; a client that falls further behind is disconnected.</summary>
    public int SendQueueMessages { get; init; } = 1024;

    /// <summary>Bytes one WebSocket may have waiting to be sent; a client that falls further behind is disconnected.</summary>
    public int SendQueueBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Requests one WebSocket may have running at once; further frames wait to be read.</summary>
    public int MaxConcurrentRequestsPerSocket { get; init; } = 64;

    /// <summary>Seconds a stopping gateway waits for requests in flight before it closes connections.</summary>
    public int ShutdownTimeoutSeconds { get; init; } = 10;

    /// <summary>Agent runs of different sessions at once; further runs wait in order.</summary>
    public int MaxConcurrentRuns { get; init; } = 4;
}

/// <summary>The wire format a provider speaks.</summary>
public enum ProviderType
{
    /// <summary><c>"anthropic"</c>: the Anthropic Messages API.</summary>
    Anthropic,

    /// <summary><c>"openai"</c>: the OpenAI API.</summary>
    OpenAI,

    /// <summary><c>"openai-compatible"</c>: any server speaking the OpenAI chat API (Ollama, vLLM, …); needs a base URL.</summary>
    OpenAICompatible,
}

/// <summary><c>providers.&lt;name&gt;</c>: one model provider.</summary>
public sealed record ProviderOptions
{
    /// <summary>The provider's name (its key in <c>providers</c>), used in agent models as <c>&lt;name&gt;/&lt;model&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The wire format.</summary>
    public ProviderType Type { get; init; }

    /// <summary>The API key; when the file names none, the credential named after the provider.</summary>
    public required SecretReference ApiKey { get; init; }

    /// <summary>The API base URL; defaults by type (none for <c>openai-compatible</c>, where it is required).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>A subscription login used instead of the API key, or <see langword="null"/>.</summary>
    public OAuthOptions? OAuth { get; init; }

    /// <summary>Retries of a request that failed before anything streamed; 2 unless set.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>How long to wait for the provider.</summary>
    public ProviderTimeoutOptions Timeouts { get; init; } = new();

    /// <summary>The default base URL of a provider type, or <see langword="null"/> when the type has none.</summary>
    public static string? DefaultBaseUrl(ProviderType type) => type switch
    {
        ProviderType.Anthropic => "https://api.anthropic.com",
        ProviderType.OpenAI => "https://api.openai.com/v1",
        _ => null,
    };

    /// <summary>The providers that exist without any configuration: <c>anthropic</c> and <c>openai</c>.</summary>
    public static IReadOnlyDictionary<string, ProviderOptions> BuiltIns() => new Dictionary<string, ProviderOptions>(StringComparer.Ordinal)
    {
        ["anthropic"] = new() { Name = "anthropic", Type = ProviderType.Anthropic, ApiKey = SecretReference.ImplicitCredential("anthropic"), BaseUrl = DefaultBaseUrl(ProviderType.Anthropic) },
        ["openai"] = new() { Name = "openai", Type = ProviderType.OpenAI, ApiKey = SecretReference.ImplicitCredential("openai"), BaseUrl = DefaultBaseUrl(ProviderType.OpenAI) },
    };
}

/// <summary><c>providers.&lt;name&gt;.timeouts</c>: how long to wait for a provider.</summary>
public sealed record ProviderTimeoutOptions
{
    /// <summary>Seconds to open a connection (TCP and TLS); 10 unless set.</summary>
    public int ConnectSeconds { get; init; } = 10;

    /// <summary>Seconds from sending a request to the response's headers, and to the model's first answer event; 60 unless set.</summary>
    public int FirstByteSeconds { get; init; } = 60;

    /// <summary>Seconds a started response may send nothing before it counts as stalled; 90 unless set.</summary>
    public int StallSeconds { get; init; } = 90;
}

/// <summary><c>providers.&lt;name&gt;.oauth</c>: a subscription login whose tokens live in the credential store.</summary>
public sealed record OAuthOptions
{
    /// <summary>The credential holding the OAuth tokens; defaults to <c>&lt;provider&gt;-oauth</c>.</summary>
    public required string Credential { get; init; }

    /// <summary>The token endpoint.</summary>
    public string TokenUrl { get; init; } = "";

    /// <summary>The OAuth client id.</summary>
    public string ClientId { get; init; } = "";
}

/// <summary>When a tool call needs the user's approval.</summary>
public enum ToolApproval
{
    /// <summary><c>"never"</c>.</summary>
    Never,

    /// <summary><c>"dangerous"</c>: only tools marked dangerous.</summary>
    Dangerous,

    /// <summary><c>"always"</c>.</summary>
    Always,
}

/// <summary>How strictly tool processes are isolated.</summary>
public enum SandboxLevel
{
    /// <summary><c>"none"</c>: no isolation.</summary>
    None,

    /// <summary><c>"relaxed"</c>: isolated, network allowed.</summary>
    Relaxed,

    /// <summary><c>"strict"</c>: isolated, no network.</summary>
    Strict,
}

/// <summary><c>agents.&lt;id&gt;</c>: one agent.</summary>
public sealed record AgentOptions
{
    /// <summary>The id of the agent that answers whatever no routing rule matches.</summary>
    public const string DefaultId = "default";

    /// <summary>The agent's id (its key in <c>agents</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The primary model, <c>&lt;provider&gt;/&lt;model&gt;</c>.</summary>
    public string Model { get; init; } = "anthropic/claude-sonnet-4-5";

    /// <summary>Models tried in order when the primary fails before streaming starts.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>The system prompt.</summary>
    public string SystemPrompt { get; init; } = "You are a helpful personal assistant.";

    /// <summary>The most tokens one model response may have.</summary>
    public int MaxTokens { get; init; } = 4096;

    /// <summary>Sampling temperature, 0 to 2.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>The most model calls in one turn.</summary>
    public int MaxTurns { get; init; } = 20;

    /// <summary>How long one turn may take, in seconds.</summary>
    public int TurnTimeoutSeconds { get; init; } = 600;

    /// <summary>The model's context window in tokens; the history is cut down to fit under it.</summary>
    public int ContextTokens { get; init; } = 200_000;

    /// <summary>The agent's working directory (absolute; relative paths in the file are resolved against the state directory).</summary>
    public required string Workspace { get; init; }

    /// <summary>Which tools the agent may use.</summary>
    public ToolsOptions Tools { get; init; } = new();

    /// <summary>How tool processes are sandboxed.</summary>
    public SandboxOptions Sandbox { get; init; } = new();

    /// <summary>The provider part of <see cref="Model"/>.</summary>
    public string ProviderName => ModelReference.Parse(Model).Provider;

    /// <summary>An agent with every default: agent <c>default</c> works in <c>&lt;state dir&gt;/workspace</c>, others in <c>&lt;state dir&gt;/workspace-&lt;id&gt;</c>.</summary>
    public static AgentOptions CreateDefault(string id, StatePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var workspace = id == DefaultId ? paths.WorkspaceDirectory : paths.WorkspaceDirectory + "-" + id;
        return new AgentOptions { Id = id, Workspace = workspace };
    }
}

/// <summary>A parsed <c>&lt;provider&gt;/&lt;model&gt;</c> reference.</summary>
/// <param name="Provider">The provider name (before the first slash).</param>
/// <param name="Model">The provider's model name (after the first slash; may itself contain slashes).</param>
public readonly record struct ModelReference(string Provider, string Model)
{
    /// <summary>Splits at the first slash; a value without one gives an empty <see cref="Model"/>.</summary>
    public static ModelReference Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ModelReference(value, "") : new ModelReference(value[..slash], value[(slash + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Provider}/{Model}";
}

/// <summary><c>agents.&lt;id&gt;.tools</c>.</summary>
public sealed record ToolsOptions
{
    /// <summary>Tool names (or <c>*</c> patterns) the agent may use.</summary>
    public IReadOnlyList<string> Allow { get; init; } = ["*"];

    /// <summary>Tool names (or <c>*</c> patterns) the agent may not use; deny wins over allow.</summary>
    public IReadOnlyList<string> Deny { get; init; } = [];

    /// <summary>When a tool call needs approval.</summary>
    public ToolApproval Approval { get; init; } = ToolApproval.Dangerous;

    /// <summary>Seconds a tool call waits for a decision before it is denied.</summary>
    public int ApprovalTimeoutSeconds { get; init; } = 300;

    /// <summary>The web_fetch tool.</summary>
    public WebFetchOptions WebFetch { get; init; } = new();
}

/// <summary><c>agents.&lt;id&gt;.tools.webFetch</c>.</summary>
public sealed record WebFetchOptions
{
    /// <summary>Whether the agent may fetch web pages at all (off by default).</summary>
    public bool Enabled { get; init; }

    /// <summary>Whether loopback, private and link-local addresses may be fetched.</summary>
    public bool AllowPrivateNetwork { get; init; }

    /// <summary>The largest response body kept, in bytes.</summary>
    public int MaxBytes { get; init; } = 2_097_152;

    /// <summary>How long one fetch may take, in seconds.</summary>
    public int TimeoutSeconds { get; init; } = 30;
}

/// <summary><c>agents.&lt;id&gt;.sandbox</c>.</summary>
public sealed record SandboxOptions
{
    /// <summary>The isolation level.</summary>
    public SandboxLevel Level { get; init; } = SandboxLevel.Strict;

    /// <summary>Wall-clock limit of one tool process, in seconds.</summary>
    public int TimeoutSeconds { get; init; } = 120;

    /// <summary>Memory limit in MiB.</summary>
    public int MemoryMb { get; init; } = 1024;

    /// <summary>CPU-time limit of one tool process, in seconds.</summary>
    public int CpuSeconds { get; init; } = 120;

    /// <summary>The most processes a tool may run at once.</summary>
    public int MaxProcesses { get; init; } = 256;

    /// <summary>The most output kept from one tool process, in bytes.</summary>
    public int MaxOutputBytes { get; init; } = 1_048_576;
}

/// <summary><c>channels</c>.</summary>
public sealed record ChannelsOptions
{
    /// <summary>The Telegram bot.</summary>
    public TelegramOptions Telegram { get; init; } = new();
}

/// <summary>How Telegram updates arrive.</summary>
public enum TelegramMode
{
    /// <summary><c>"polling"</c>: long polling of getUpdates.</summary>
    Polling,

    /// <summary><c>"webhook"</c>: Telegram posts to <see cref="TelegramOptions.WebhookUrl"/>.</summary>
    Webhook,
}

/// <summary>Who may talk to the bot in direct messages.</summary>
public enum DmPolicy
{
    /// <summary><c>"pairing"</c>: unknown senders get a pairing code to approve.</summary>
    Pairing,

    /// <summary><c>"allowlist"</c>: only ids in <c>allowFrom</c>.</summary>
    Allowlist,

    /// <summary><c>"open"</c>: anyone (needs <c>"*"</c> in <c>allowFrom</c>).</summary>
    Open,

    /// <summary><c>"disabled"</c>: direct messages are ignored.</summary>
    Disabled,
}

/// <summary>Whether the bot answers in groups.</summary>
public enum GroupPolicy
{
    /// <summary><c>"disabled"</c>: group messages are ignored.</summary>
    Disabled,

    /// <summary><c>"allowlist"</c>: only senders in <c>groups.allowFrom</c>.</summary>
    Allowlist,

    /// <summary><c>"open"</c>: any group member.</summary>
    Open,
}

/// <summary><c>channels.telegram</c>.</summary>
public sealed record TelegramOptions
{
    /// <summary>Whether the gateway runs the bot.</summary>
    public bool Enabled { get; init; }

    /// <summary>The bot token; <c>cred:telegram</c> unless the file names another.</summary>
    public SecretReference BotToken { get; init; } = SecretReference.ImplicitCredential("telegram");

    /// <summary>The Bot API base URL.</summary>
    public string ApiBaseUrl { get; init; } = "https://api.telegram.org";

    /// <summary>Polling or webhook.</summary>
    public TelegramMode Mode { get; init; } = TelegramMode.Polling;

    /// <summary>The public HTTPS URL Telegram posts to (required in webhook mode).</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The secret Telegram sends with each webhook call; <c>cred:telegram-webhook</c> unless the file names another.</summary>
    public SecretReference WebhookSecret { get; init; } = SecretReference.ImplicitCredential("telegram-webhook");

    /// <summary>Who may send direct messages.</summary>
    public DmPolicy DmPolicy { get; init; } = DmPolicy.Pairing;

    /// <summary>Telegram user ids (as strings), or <c>"*"</c> with <see cref="DmPolicy.Open"/>.</summary>
    public IReadOnlyList<string> AllowFrom { get; init; } = [];

    /// <summary>Group chat behaviour.</summary>
    public TelegramGroupsOptions Groups { get; init; } = new();
}

/// <summary><c>channels.telegram.groups</c>.</summary>
public sealed record TelegramGroupsOptions
{
    /// <summary>Whether and for whom the bot answers in groups.</summary>
    public GroupPolicy Policy { get; init; } = GroupPolicy.Disabled;

    /// <summary>Telegram user ids (as strings) answered in groups with <see cref="GroupPolicy.Allowlist"/>.</summary>
    public IReadOnlyList<string> AllowFrom { get; init; } = [];

    /// <summary>Whether the bot answers in a group only when mentioned.</summary>
    public bool RequireMention { get; init; } = true;
}

/// <summary>One <c>routing</c> rule: a conversation that matches goes to <see cref="Agent"/>.</summary>
public sealed record RouteOptions
{
    /// <summary>The channel id (e.g. <c>telegram</c>).</summary>
    public string Channel { get; init; } = "";

    /// <summary>The peer (sender) id, or <see langword="null"/> for any.</summary>
    public string? Peer { get; init; }

    /// <summary>The group id, or <see langword="null"/> for any.</summary>
    public string? Group { get; init; }

    /// <summary>The agent id.</summary>
    public string Agent { get; init; } = "";
}

/// <summary><c>plugins</c>.</summary>
public sealed record PluginsOptions
{
    /// <summary>Installed plugin ids to load.</summary>
    public IReadOnlyList<string> Enabled { get; init; } = [];

    /// <summary>Paths of WebAssembly plugin modules to load (relative paths are resolved against the state directory).</summary>
    public IReadOnlyList<string> Wasm { get; init; } = [];
}

/// <summary>The log output format.</summary>
public enum LogFormat
{
    /// <summary><c>"text"</c>: one human-readable line per entry.</summary>
    Text,

    /// <summary><c>"json"</c>: one JSON object per line.</summary>
    Json,
}

/// <summary><c>logging</c>.</summary>
public sealed record LoggingOptions
{
    /// <summary>The minimum level logged: trace, debug, info, warn, error, critical or none.</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>Text or JSON lines.</summary>
    public LogFormat Format { get; init; } = LogFormat.Text;
}
