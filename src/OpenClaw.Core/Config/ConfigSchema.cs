using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.State;

namespace OpenClaw.Core.Config;

/// <summary>
/// The one declarative description of <c>openclaw.json</c>: it drives binding, unknown-key detection, the JSON Schema
/// export and the JSON form of the effective config. No reflection, so it is NativeAOT-safe.
/// </summary>
public static class ConfigSchema
{
    private const int MaxPort = 65535;
    private const int OneGiB = 1 << 30;

    // A fixed state directory for the defaults shown in the JSON Schema (paths that depend on it are not shown).
    private static readonly StatePaths s_schemaPaths = new(Path.Combine(Path.GetTempPath(), "openclaw-schema"));

    private static readonly StringType s_text = new();
    private static readonly StringType s_nonEmpty = new("a non-empty string", allowEmpty: false);
    private static readonly StringType s_url = new("an http(s) URL", allowEmpty: false, check: CheckUrl, format: "uri");
    private static readonly StringType s_optionalHttpsUrl = new("an https URL", nullable: true, check: CheckHttpsUrl, format: "uri");
    private static readonly StringType s_origin = new("a browser origin such as \"https://example.com\"", allowEmpty: false, check: CheckOrigin);
    private static readonly StringType s_bind = new("an IP address (e.g. \"127.0.0.1\", \"0.0.0.0\", \"::\") or \"localhost\"", allowEmpty: false, check: CheckBind);
    private static readonly StringType s_model = new("\"<provider>/<model>\"", allowEmpty: false, check: CheckModel, pattern: "^[^/]+/.+$");
    private static readonly StringType s_id = new("an id (1-128 of A-Z a-z 0-9 . _ - @ +)", allowEmpty: false, check: v => CheckId("id", v), pattern: "^[A-Za-z0-9._@+-]{1,128}$");
    private static readonly StringType s_optionalId = new("an id (1-128 of A-Z a-z 0-9 . _ - @ +; digits may be a number)", nullable: true, check: v => CheckId("id", v), pattern: "^[A-Za-z0-9._@+-]{1,128}$", allowInteger: true);
    private static readonly StringType s_credentialName = new("a credential name (1-128 of A-Z a-z 0-9 . _ - @ +)", allowEmpty: false, check: v => CheckId("credential name", v));
    private static readonly StringType s_path = new("a path", allowEmpty: false);
    private static readonly ListType<string?> s_textList = new(s_nonEmpty);
    private static readonly ListType<string?> s_telegramIds = new(TelegramIdType.Instance);

    private static readonly ObjectType<CorsOptions> s_cors = new(
        "Browser origins allowed besides the gateway's own.", _ => new CorsOptions(), new CorsOptions(),
        [
            new Field<CorsOptions, IReadOnlyList<string?>>("allowedOrigins", "Extra browser origins, e.g. \"https://claw.example.com\".",
                new ListType<string?>(s_origin), o => o.AllowedOrigins, (o, v) => o with { AllowedOrigins = NonNull(v) }),
        ]);

    private static readonly ObjectType<GatewayLimitsOptions> s_limits = new(
        "What one client may send.", _ => new GatewayLimitsOptions(), new GatewayLimitsOptions(),
        [
            Int<GatewayLimitsOptions>("maxMessageBytes", "The largest JSON-RPC message in bytes.", 1024, OneGiB, o => o.MaxMessageBytes, (o, v) => o with { MaxMessageBytes = v }),
            Int<GatewayLimitsOptions>("maxBatch", "The most requests in one JSON-RPC batch.", 1, 100_000, o => o.MaxBatch, (o, v) => o with { MaxBatch = v }),
            Int<GatewayLimitsOptions>("maxJsonDepth", "The deepest JSON nesting accepted.", 2, 1024, o => o.MaxJsonDepth, (o, v) => o with { MaxJsonDepth = v }),
            Int<GatewayLimitsOptions>("maxAttachmentBytes", "The largest attachment in bytes.", 1024, int.MaxValue, o => o.MaxAttachmentBytes, (o, v) => o with { MaxAttachmentBytes = v }),
            Int<GatewayLimitsOptions>("requestsPerMinute", "Requests per minute per principal.", 1, 100_000_000, o => o.RequestsPerMinute, (o, v) => o with { RequestsPerMinute = v }),
            Int<GatewayLimitsOptions>("authFailuresPerMinute", "Failed authentications per minute per remote address.", 1, 1_000_000, o => o.AuthFailuresPerMinute, (o, v) => o with { AuthFailuresPerMinute = v }),
            Int<GatewayLimitsOptions>("connectTimeoutSeconds", "Seconds a WebSocket without a credential has to send connect.", 1, 3600, o => o.ConnectTimeoutSeconds, (o, v) => o with { ConnectTimeoutSeconds = v }),
            Int<GatewayLimitsOptions>("pingIntervalSeconds", "Seconds between WebSocket pings.", 1, 3600, o => o.PingIntervalSeconds, (o, v) => o with { PingIntervalSeconds = v }),
            Int<GatewayLimitsOptions>("pongTimeoutSeconds", "Seconds without a pong before a WebSocket is closed.", 1, 3600, o => o.PongTimeoutSeconds, (o, v) => o with { PongTimeoutSeconds = v }),
            Int<GatewayLimitsOptions>("sendQueueMessages", "Messages waiting to be sent on one WebSocket before the client counts as too slow.", 1, 1_000_000, o => o.SendQueueMessages, (o, v) => o with { SendQueueMessages = v }),
            Int<GatewayLimitsOptions>("sendQueueBytes", "Bytes waiting to be sent on one WebSocket before the client counts as too slow.", 65536, OneGiB, o => o.SendQueueBytes, (o, v) => o with { SendQueueBytes = v }),
            Int<GatewayLimitsOptions>("maxConcurrentRequestsPerSocket", "Requests one WebSocket may have running at once.", 1, 100_000, o => o.MaxConcurrentRequestsPerSocket, (o, v) => o with { MaxConcurrentRequestsPerSocket = v }),
            Int<GatewayLimitsOptions>("maxConcurrentRuns", "Agent runs (of different sessions) at once; more wait in order.", 1, 1024, o => o.MaxConcurrentRuns, (o, v) => o with { MaxConcurrentRuns = v }),
            Int<GatewayLimitsOptions>("shutdownTimeoutSeconds", "Seconds a stopping gateway waits for requests in flight.", 0, 3600, o => o.ShutdownTimeoutSeconds, (o, v) => o with { ShutdownTimeoutSeconds = v }),
        ]);

    private static readonly ObjectType<GatewayOptions> s_gateway = new(
        "Where and how the gateway listens.", _ => new GatewayOptions(), new GatewayOptions(),
        [
            new Field<GatewayOptions, string?>("bind", "The address to listen on; a non-loopback address needs cors.allowedOrigins.", s_bind, o => o.Bind, (o, v) => o with { Bind = v! }),
            Int<GatewayOptions>("port", "The TCP port (0 picks a free one).", 0, MaxPort, o => o.Port, (o, v) => o with { Port = v }),
            new Field<GatewayOptions, CorsOptions>("cors", "Browser origins.", s_cors, o => o.Cors, (o, v) => o with { Cors = v }),
            new Field<GatewayOptions, GatewayLimitsOptions>("limits", "Size and rate limits.", s_limits, o => o.Limits, (o, v) => o with { Limits = v }),
        ],
        AfterGateway);

    private static readonly ObjectType<OAuthOptions> s_oauth = new(
        "A subscription login used instead of apiKey.", _ => new OAuthOptions { Credential = "" }, null,
        [
            new Field<OAuthOptions, string?>("credential", "The credential holding the tokens (default: \"<provider>-oauth\").", s_credentialName, o => o.Credential, (o, v) => o with { Credential = v! }),
            new Field<OAuthOptions, string?>("tokenUrl", "The token endpoint.", s_url, o => o.TokenUrl, (o, v) => o with { TokenUrl = v! }, required: true),
            new Field<OAuthOptions, string?>("clientId", "The OAuth client id.", s_nonEmpty, o => o.ClientId, (o, v) => o with { ClientId = v! }, required: true),
        ]);

    private static readonly ObjectType<ProviderTimeoutOptions> s_providerTimeouts = new(
        "How long to wait for a provider.", _ => new ProviderTimeoutOptions(), new ProviderTimeoutOptions(),
        [
            Int<ProviderTimeoutOptions>("connectSeconds", "Seconds to open a connection.", 1, 600, o => o.ConnectSeconds, (o, v) => o with { ConnectSeconds = v }),
            Int<ProviderTimeoutOptions>("firstByteSeconds", "Seconds from sending a request to the response's headers, and to the model's first answer (text, reasoning or a tool call starting).", 1, 3600, o => o.FirstByteSeconds, (o, v) => o with { FirstByteSeconds = v }),
            Int<ProviderTimeoutOptions>("stallSeconds", "Seconds a started response may send nothing before it counts as stalled.", 1, 3600, o => o.StallSeconds, (o, v) => o with { StallSeconds = v }),
        ]);

    private static readonly ObjectType<ProviderOptions> s_provider = new(
        "One model provider.", _ => NewProvider(""), null,
        [
            new Field<ProviderOptions, ProviderType>("type", "The wire format (required except for the built-in anthropic and openai).",
                new EnumType<ProviderType>(("anthropic", ProviderType.Anthropic), ("openai", ProviderType.OpenAI), ("openai-compatible", ProviderType.OpenAICompatible)),
                o => o.Type, (o, v) => o with { Type = v }, writeDefault: false),
            new Field<ProviderOptions, SecretReference>("apiKey", "The API key: \"${ENV_NAME}\", \"cred:NAME\" or a literal (default: \"cred:<provider>\").",
                SecretType.Instance, o => o.ApiKey, (o, v) => o with { ApiKey = v }, writeDefault: false),
            new Field<ProviderOptions, string?>("baseUrl", "The API base URL (default by type; required for openai-compatible).", s_url, o => o.BaseUrl, (o, v) => o with { BaseUrl = v }, writeDefault: false),
            new Field<ProviderOptions, OAuthOptions>("oauth", "A subscription login instead of apiKey.", s_oauth, o => o.OAuth!, (o, v) => o with { OAuth = v }, writeDefault: false),
            Int<ProviderOptions>("maxRetries", "Retries of a request that failed before anything streamed (429, 5xx, 529, connection failures).", 0, 10, o => o.MaxRetries, (o, v) => o with { MaxRetries = v }),
            new Field<ProviderOptions, ProviderTimeoutOptions>("timeouts", "How long to wait for the provider.", s_providerTimeouts, o => o.Timeouts, (o, v) => o with { Timeouts = v }),
        ],
        AfterProvider);

    private static readonly ObjectType<WebFetchOptions> s_webFetch = new(
        "The web_fetch tool.", _ => new WebFetchOptions(), new WebFetchOptions(),
        [
            new Field<WebFetchOptions, bool>("enabled", "Whether the agent may fetch web pages at all.", BoolType.Instance, o => o.Enabled, (o, v) => o with { Enabled = v }),
            new Field<WebFetchOptions, bool>("allowPrivateNetwork", "Whether loopback, private and link-local addresses may be fetched.", BoolType.Instance, o => o.AllowPrivateNetwork, (o, v) => o with { AllowPrivateNetwork = v }),
            Int<WebFetchOptions>("maxBytes", "The largest response body kept, in bytes.", 1024, OneGiB, o => o.MaxBytes, (o, v) => o with { MaxBytes = v }),
            Int<WebFetchOptions>("timeoutSeconds", "How long one fetch may take, in seconds.", 1, 3600, o => o.TimeoutSeconds, (o, v) => o with { TimeoutSeconds = v }),
        ]);

    private static readonly ObjectType<ToolsOptions> s_tools = new(
        "Which tools the agent may use.", _ => new ToolsOptions(), new ToolsOptions(),
        [
            new Field<ToolsOptions, IReadOnlyList<string?>>("allow", "Tool names or * patterns the agent may use.", s_textList, o => o.Allow, (o, v) => o with { Allow = NonNull(v) }),
            new Field<ToolsOptions, IReadOnlyList<string?>>("deny", "Tool names or * patterns the agent may not use (deny wins).", s_textList, o => o.Deny, (o, v) => o with { Deny = NonNull(v) }),
            new Field<ToolsOptions, ToolApproval>("approval", "When a tool call needs approval.",
                new EnumType<ToolApproval>(("never", ToolApproval.Never), ("dangerous", ToolApproval.Dangerous), ("always", ToolApproval.Always)),
                o => o.Approval, (o, v) => o with { Approval = v }),
            Int<ToolsOptions>("approvalTimeoutSeconds", "Seconds a tool call waits for approvals.resolve before it is denied.", 1, 86_400, o => o.ApprovalTimeoutSeconds, (o, v) => o with { ApprovalTimeoutSeconds = v }),
            new Field<ToolsOptions, WebFetchOptions>("webFetch", "The web_fetch tool (off unless enabled).", s_webFetch, o => o.WebFetch, (o, v) => o with { WebFetch = v }),
        ]);

    private static readonly ObjectType<SandboxOptions> s_sandbox = new(
        "How tool processes are isolated.", _ => new SandboxOptions(), new SandboxOptions(),
        [
            new Field<SandboxOptions, SandboxLevel>("level", "\"none\", \"relaxed\" (network allowed) or \"strict\" (no network).",
                new EnumType<SandboxLevel>(("none", SandboxLevel.None), ("relaxed", SandboxLevel.Relaxed), ("strict", SandboxLevel.Strict)),
                o => o.Level, (o, v) => o with { Level = v }),
            Int<SandboxOptions>("timeoutSeconds", "Wall-clock limit of one tool process in seconds.", 1, 86_400, o => o.TimeoutSeconds, (o, v) => o with { TimeoutSeconds = v }),
            Int<SandboxOptions>("memoryMb", "Memory limit in MiB.", 16, 1_048_576, o => o.MemoryMb, (o, v) => o with { MemoryMb = v }),
            Int<SandboxOptions>("maxProcesses", "The most processes at once.", 1, 65_536, o => o.MaxProcesses, (o, v) => o with { MaxProcesses = v }),
            Int<SandboxOptions>("cpuSeconds", "CPU-time limit of one tool process in seconds.", 1, 86_400, o => o.CpuSeconds, (o, v) => o with { CpuSeconds = v }),
            Int<SandboxOptions>("maxOutputBytes", "The most output kept from one process, in bytes.", 1024, OneGiB, o => o.MaxOutputBytes, (o, v) => o with { MaxOutputBytes = v }),
        ]);

    private static readonly ObjectType<AgentOptions> s_agent = new(
        "One agent.", ctx => AgentOptions.CreateDefault("agent", ctx.Paths), AgentOptions.CreateDefault(AgentOptions.DefaultId, s_schemaPaths),
        [
            new Field<AgentOptions, string?>("model", "The primary model, \"<provider>/<model>\".", s_model, o => o.Model, (o, v) => o with { Model = v! }),
            new Field<AgentOptions, IReadOnlyList<string?>>("fallbacks", "Models tried in order when the primary fails before streaming starts.",
                new ListType<string?>(s_model), o => o.Fallbacks, (o, v) => o with { Fallbacks = NonNull(v) }),
            new Field<AgentOptions, string?>("systemPrompt", "The system prompt.", s_text, o => o.SystemPrompt, (o, v) => o with { SystemPrompt = v! }),
            Int<AgentOptions>("maxTokens", "The most tokens in one model response.", 1, 1_000_000, o => o.MaxTokens, (o, v) => o with { MaxTokens = v }),
            new Field<AgentOptions, double>("temperature", "Sampling temperature.", new NumberType(0, 2), o => o.Temperature, (o, v) => o with { Temperature = v }),
            Int<AgentOptions>("maxTurns", "The most model calls in one turn.", 1, 1000, o => o.MaxTurns, (o, v) => o with { MaxTurns = v }),
            Int<AgentOptions>("contextTokens", "The model's context window in tokens; older turns are summarised or dropped to stay under it.", 1024, 100_000_000, o => o.ContextTokens, (o, v) => o with { ContextTokens = v }),
            Int<AgentOptions>("turnTimeoutSeconds", "How long one turn may take, in seconds.", 1, 86_400, o => o.TurnTimeoutSeconds, (o, v) => o with { TurnTimeoutSeconds = v }),
            new Field<AgentOptions, string?>("workspace", "The working directory (default \"<state dir>/workspace\", or \"<state dir>/workspace-<id>\" for other agents; relative paths are under the state dir).",
                s_path, o => o.Workspace, (o, v) => o with { Workspace = v! }, writeDefault: false),
            new Field<AgentOptions, ToolsOptions>("tools", "Which tools the agent may use.", s_tools, o => o.Tools, (o, v) => o with { Tools = v }),
            new Field<AgentOptions, SandboxOptions>("sandbox", "How tool processes are isolated.", s_sandbox, o => o.Sandbox, (o, v) => o with { Sandbox = v }),
        ],
        AfterAgent);

    private static readonly ObjectType<TelegramGroupsOptions> s_groups = new(
        "Group chats.", _ => new TelegramGroupsOptions(), new TelegramGroupsOptions(),
        [
            new Field<TelegramGroupsOptions, GroupPolicy>("policy", "\"disabled\", \"allowlist\" (senders in allowFrom) or \"open\".",
                new EnumType<GroupPolicy>(("disabled", GroupPolicy.Disabled), ("allowlist", GroupPolicy.Allowlist), ("open", GroupPolicy.Open)),
                o => o.Policy, (o, v) => o with { Policy = v }),
            new Field<TelegramGroupsOptions, IReadOnlyList<string?>>("allowFrom", "Telegram user ids answered in groups with policy \"allowlist\".",
                s_telegramIds, o => o.AllowFrom, (o, v) => o with { AllowFrom = NonNull(v) }),
            new Field<TelegramGroupsOptions, bool>("requireMention", "Answer in a group only when mentioned.", BoolType.Instance, o => o.RequireMention, (o, v) => o with { RequireMention = v }),
        ]);

    private static readonly ObjectType<TelegramOptions> s_telegram = new(
        "The Telegram bot.", _ => new TelegramOptions(), new TelegramOptions(),
        [
            new Field<TelegramOptions, bool>("enabled", "Whether the gateway runs the bot.", BoolType.Instance, o => o.Enabled, (o, v) => o with { Enabled = v }),
            new Field<TelegramOptions, SecretReference>("botToken", "The bot token: \"${ENV_NAME}\", \"cred:NAME\" or a literal.", SecretType.Instance, o => o.BotToken, (o, v) => o with { BotToken = v }),
            new Field<TelegramOptions, string?>("apiBaseUrl", "The Bot API base URL.", s_url, o => o.ApiBaseUrl, (o, v) => o with { ApiBaseUrl = v! }),
            new Field<TelegramOptions, TelegramMode>("mode", "\"polling\" or \"webhook\" (then webhookUrl is required).",
                new EnumType<TelegramMode>(("polling", TelegramMode.Polling), ("webhook", TelegramMode.Webhook)), o => o.Mode, (o, v) => o with { Mode = v }),
            new Field<TelegramOptions, string?>("webhookUrl", "The public https URL Telegram posts updates to.", s_optionalHttpsUrl, o => o.WebhookUrl, (o, v) => o with { WebhookUrl = v }),
            new Field<TelegramOptions, SecretReference>("webhookSecret", "The secret Telegram sends with each webhook call.", SecretType.Instance, o => o.WebhookSecret, (o, v) => o with { WebhookSecret = v }),
            new Field<TelegramOptions, DmPolicy>("dmPolicy", "Who may send direct messages.",
                new EnumType<DmPolicy>(("pairing", DmPolicy.Pairing), ("allowlist", DmPolicy.Allowlist), ("open", DmPolicy.Open), ("disabled", DmPolicy.Disabled)),
                o => o.DmPolicy, (o, v) => o with { DmPolicy = v }),
            new Field<TelegramOptions, IReadOnlyList<string?>>("allowFrom", "Telegram user ids, or \"*\" with dmPolicy \"open\".", s_telegramIds, o => o.AllowFrom, (o, v) => o with { AllowFrom = NonNull(v) }),
            new Field<TelegramOptions, TelegramGroupsOptions>("groups", "Group chats.", s_groups, o => o.Groups, (o, v) => o with { Groups = v }),
        ],
        AfterTelegram);

    private static readonly ObjectType<ChannelsOptions> s_channels = new(
        "Messaging channels.", _ => new ChannelsOptions(), new ChannelsOptions(),
        [
            new Field<ChannelsOptions, TelegramOptions>("telegram", "The Telegram bot.", s_telegram, o => o.Telegram, (o, v) => o with { Telegram = v }),
        ]);

    private static readonly ObjectType<RouteOptions> s_route = new(
        "A routing rule.", _ => new RouteOptions(), null,
        [
            new Field<RouteOptions, string?>("channel", "The channel id, e.g. \"telegram\".", s_id, o => o.Channel, (o, v) => o with { Channel = v! }, required: true),
            new Field<RouteOptions, string?>("peer", "The sender id to match (any when absent).", s_optionalId, o => o.Peer, (o, v) => o with { Peer = v }),
            new Field<RouteOptions, string?>("group", "The group id to match (any when absent).", s_optionalId, o => o.Group, (o, v) => o with { Group = v }),
            new Field<RouteOptions, string?>("agent", "The agent that answers.", s_id, o => o.Agent, (o, v) => o with { Agent = v! }, required: true),
        ]);

    private static readonly ObjectType<PluginsOptions> s_plugins = new(
        "Plugins to load.", _ => new PluginsOptions(), new PluginsOptions(),
        [
            new Field<PluginsOptions, IReadOnlyList<string?>>("enabled", "Installed plugin ids to load.", new ListType<string?>(s_id), o => o.Enabled, (o, v) => o with { Enabled = NonNull(v) }),
            new Field<PluginsOptions, IReadOnlyList<string?>>("wasm", "WebAssembly modules to load (relative paths are under the state dir).", new ListType<string?>(s_path), o => o.Wasm, (o, v) => o with { Wasm = NonNull(v) }),
        ]);

    private static readonly ObjectType<LoggingOptions> s_logging = new(
        "Logging.", _ => new LoggingOptions(), new LoggingOptions(),
        [
            new Field<LoggingOptions, LogLevel>("level", "The minimum level logged.",
                new EnumType<LogLevel>(("trace", LogLevel.Trace), ("debug", LogLevel.Debug), ("info", LogLevel.Information), ("warn", LogLevel.Warning),
                    ("error", LogLevel.Error), ("critical", LogLevel.Critical), ("none", LogLevel.None)),
                o => o.Level, (o, v) => o with { Level = v }),
            new Field<LoggingOptions, LogFormat>("format", "\"text\" or \"json\" lines.", new EnumType<LogFormat>(("text", LogFormat.Text), ("json", LogFormat.Json)), o => o.Format, (o, v) => o with { Format = v }),
        ]);

    private static readonly ObjectType<OpenClawConfig> s_root = new(
        "OpenClaw.NET configuration (openclaw.json, JSON5).", ctx => OpenClawConfig.CreateDefault(ctx.Paths), OpenClawConfig.CreateDefault(s_schemaPaths),
        [
            new Field<OpenClawConfig, GatewayOptions>("gateway", "Where and how the gateway listens.", s_gateway, o => o.Gateway, (o, v) => o with { Gateway = v }, writeDefault: false),
            new Field<OpenClawConfig, IReadOnlyDictionary<string, ProviderOptions>>("providers", "Model providers by name (anthropic and openai always exist).",
                new MapType<ProviderOptions>("provider name", s_provider, (name, _) => NewProvider(name)), o => o.Providers, (o, v) => o with { Providers = v }, writeDefault: false),
            new Field<OpenClawConfig, IReadOnlyDictionary<string, AgentOptions>>("agents", "Agents by id (agent \"default\" always exists).",
                new MapType<AgentOptions>("agent id", s_agent, (id, ctx) => AgentOptions.CreateDefault(id, ctx.Paths)), o => o.Agents, (o, v) => o with { Agents = v }, writeDefault: false),
            new Field<OpenClawConfig, ChannelsOptions>("channels", "Messaging channels.", s_channels, o => o.Channels, (o, v) => o with { Channels = v }, writeDefault: false),
            new Field<OpenClawConfig, IReadOnlyList<RouteOptions>>("routing", "Routing rules; the first match wins, else agent \"default\".",
                new ListType<RouteOptions>(s_route, () => new RouteOptions()), o => o.Routing, (o, v) => o with { Routing = v }),
            new Field<OpenClawConfig, IReadOnlyDictionary<string, Json5Object>>("workflows", "Workflow definitions by id (objects; read by the workflow feature).",
                new RawObjectMapType(), o => o.Workflows, (o, v) => o with { Workflows = v }),
            new Field<OpenClawConfig, PluginsOptions>("plugins", "Plugins to load.", s_plugins, o => o.Plugins, (o, v) => o with { Plugins = v }, writeDefault: false),
            new Field<OpenClawConfig, LoggingOptions>("logging", "Logging.", s_logging, o => o.Logging, (o, v) => o with { Logging = v }, writeDefault: false),
        ]);

    /// <summary>The JSON Schema (draft 2020-12) of <c>openclaw.json</c>, for editors and <c>openclaw config schema</c>.</summary>
    public static string ToJsonSchema()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            writer.WriteString("title", "openclaw.json");
            s_root.WriteSchema(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The effective configuration (defaults filled in) as indented JSON; literal secrets show as <c>***</c>.</summary>
    public static string ToJson(OpenClawConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            s_root.WriteValue(writer, config);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Binds a parsed document; every problem is added to <paramref name="ctx"/>.</summary>
    internal static OpenClawConfig? Bind(Json5Node root, BindContext ctx)
    {
        if (root is not Json5Object rootObject)
        {
            ctx.Error("", root, $"expected an object at the top level, found {ValueType<int>.Describe(root)}");
            return null;
        }

        if (!s_root.TryBind(rootObject, ctx, "", null, out var config))
        {
            return null;
        }

        CheckReferences(config, rootObject, ctx);
        return config;
    }

    private static Field<T, int> Int<T>(string name, string description, int min, int max, Func<T, int> get, Func<T, int, T> set) =>
        new(name, description, new IntType(min, max), get, set);

    private static string[] NonNull(IReadOnlyList<string?> values) => values.Select(v => v!).ToArray();

    private static bool IsBuiltInProvider(string name) => name is "anthropic" or "openai";

    private static ProviderOptions NewProvider(string name) =>
        ProviderOptions.BuiltIns().TryGetValue(name, out var builtIn)
            ? builtIn
            : new ProviderOptions { Name = name, Type = ProviderType.OpenAICompatible, ApiKey = SecretReference.ImplicitCredential(name) };

    private static GatewayOptions AfterGateway(GatewayOptions options, Json5Object node, BindContext ctx, string path)
    {
        if (CheckBind(options.Bind) is null && CheckBindExposure(options.Bind, options.Cors.AllowedOrigins) is { } problem)
        {
            var at = (Json5Node?)node.Find("bind")?.Value ?? node;
            ctx.Error(ConfigPath.Append(path, "bind"), at, problem);
        }

        return options;
    }

    private static ProviderOptions AfterProvider(ProviderOptions options, Json5Object node, BindContext ctx, string path)
    {
        if (node.Find("type") is null && !IsBuiltInProvider(options.Name))
        {
            ctx.Error(path, node, "missing required key 'type' (\"anthropic\", \"openai\" or \"openai-compatible\")");
        }

        if (node.Find("apiKey") is not null && node.Find("oauth") is { } oauth)
        {
            ctx.Error(ConfigPath.Append(path, "oauth"), oauth.NameSpan.Start, "set either apiKey or oauth, not both");
        }

        if (options.OAuth is { Credential.Length: 0 } login)
        {
            options = options with { OAuth = login with { Credential = options.Name + "-oauth" } };
        }

        if (node.Find("baseUrl") is null)
        {
            var byType = ProviderOptions.DefaultBaseUrl(options.Type);
            if (byType is null && node.Find("type") is not null)
            {
                ctx.Error(path, node, "missing required key 'baseUrl' (a provider of type \"openai-compatible\" needs the server's URL, e.g. \"http://127.0.0.1:11434/v1\")");
            }

            options = options with { BaseUrl = byType };
        }

        return options;
    }

    private static AgentOptions AfterAgent(AgentOptions options, Json5Object node, BindContext ctx, string path)
    {
        var workspace = options.Workspace;
        if (node.Find("workspace") is not null)
        {
            if (workspace.StartsWith("~/", StringComparison.Ordinal))
            {
                workspace = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), workspace[2..]);
            }

            workspace = Path.GetFullPath(Path.Combine(ctx.Paths.Root, workspace));
        }

        return options with { Workspace = workspace };
    }

    private static TelegramOptions AfterTelegram(TelegramOptions options, Json5Object node, BindContext ctx, string path)
    {
        var webhookUrlPath = ConfigPath.Append(path, "webhookUrl");
        if (options.Mode == TelegramMode.Webhook && string.IsNullOrEmpty(options.WebhookUrl)
            && !ctx.Errors.Any(e => e.Path == webhookUrlPath))
        {
            // Absent or null: one error; a value that was already refused (e.g. "" or http://) is not reported twice.
            var at = (Json5Node?)node.Find("webhookUrl")?.Value ?? node.Find("mode")?.Value ?? node;
            ctx.Error(webhookUrlPath, at,
                "mode \"webhook\" needs webhookUrl (the public https URL Telegram posts to) and webhookSecret (default \"cred:telegram-webhook\")");
        }

        var allowFrom = node.Find("allowFrom")?.Value;
        var hasStar = options.AllowFrom.Contains("*");
        if (options.DmPolicy == DmPolicy.Open && !hasStar)
        {
            ctx.Error(ConfigPath.Append(path, "allowFrom"), allowFrom ?? node.Find("dmPolicy")?.Value ?? node,
                "dmPolicy \"open\" lets anyone message the bot, so allowFrom must contain \"*\" to confirm it");
        }
        else if (options.DmPolicy != DmPolicy.Open && hasStar)
        {
            ctx.Error(ConfigPath.Append(path, "allowFrom"), allowFrom ?? node,
                "\"*\" in allowFrom means anyone; set dmPolicy \"open\" for that, or list user ids");
        }

        if (options.Groups.AllowFrom.Contains("*"))
        {
            var at = (node.Find("groups")?.Value as Json5Object)?.Find("allowFrom")?.Value ?? node;
            ctx.Error(ConfigPath.Append(ConfigPath.Append(path, "groups"), "allowFrom"), at,
                "\"*\" is not allowed in groups.allowFrom; set groups.policy \"open\" to answer everyone");
        }

        return options;
    }

    // Checks that span sections: models name configured providers, routes name configured agents.
    private static void CheckReferences(OpenClawConfig config, Json5Object root, BindContext ctx)
    {
        // One dictionary, not a search per agent: validation stays linear in the number of agents.
        var agentNodes = new Dictionary<string, Json5Object>(StringComparer.Ordinal);
        foreach (var property in (root.Find("agents")?.Value as Json5Object)?.Properties ?? [])
        {
            if (property.Value is Json5Object agentObject)
            {
                agentNodes.TryAdd(property.Name, agentObject);
            }
        }

        foreach (var (id, agent) in config.Agents)
        {
            var agentNode = agentNodes.GetValueOrDefault(id);
            var agentPath = ConfigPath.Append("agents", id);
            CheckProvider(config, agent.Model, agentNode?.Find("model")?.Value ?? agentNode ?? (Json5Node)root, ConfigPath.Append(agentPath, "model"), ctx);
            var fallbacksNode = agentNode?.Find("fallbacks")?.Value as Json5Array;
            for (var i = 0; i < agent.Fallbacks.Count; i++)
            {
                var at = fallbacksNode is not null && i < fallbacksNode.Items.Count ? fallbacksNode.Items[i] : root;
                CheckProvider(config, agent.Fallbacks[i], at, ConfigPath.Append(ConfigPath.Append(agentPath, "fallbacks"), i), ctx);
            }
        }

        var routingNode = root.Find("routing")?.Value as Json5Array;
        for (var i = 0; i < config.Routing.Count; i++)
        {
            var route = config.Routing[i];
            if (route.Agent.Length > 0 && !config.Agents.ContainsKey(route.Agent))
            {
                var at = (routingNode?.Items[i] as Json5Object)?.Find("agent")?.Value ?? root;
                var suggestion = Suggestions.Nearest(route.Agent, config.Agents.Keys);
                ctx.Error(ConfigPath.Append(ConfigPath.Append("routing", i), "agent"), at,
                    $"agent '{Suggestions.Clip(route.Agent)}' is not configured under agents" +
                    (suggestion is null ? $" (configured: {Suggestions.List(config.Agents.Keys)})" : $"; did you mean '{suggestion}'?"));
            }
        }
    }

    private static void CheckProvider(OpenClawConfig config, string model, Json5Node at, string path, BindContext ctx)
    {
        var provider = ModelReference.Parse(model).Provider;
        if (provider.Length == 0 || config.Providers.ContainsKey(provider))
        {
            return;
        }

        var suggestion = Suggestions.Nearest(provider, config.Providers.Keys);
        ctx.Error(path, at, $"model \"{model}\" names provider '{provider}', which is not configured under providers" +
            (suggestion is null ? $" (configured: {Suggestions.List(config.Providers.Keys)})" : $"; did you mean '{suggestion}'?"));
    }

    /// <summary>
    /// Checks a bind address the way <c>gateway.bind</c> is checked in the file (an IP address or "localhost"; a
    /// non-loopback one needs <paramref name="allowedOrigins"/>), for values that come from elsewhere such as
    /// <c>gateway run --bind</c>. Returns the problem, prefixed with <paramref name="name"/>, or <see langword="null"/>.
    /// </summary>
    public static string? CheckGatewayBind(string bind, IReadOnlyList<string> allowedOrigins, string name)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        ArgumentNullException.ThrowIfNull(name);
        var problem = CheckBind(bind) ?? CheckBindExposure(bind, allowedOrigins);
        return problem is null ? null : $"{name}: {problem}";
    }

    private static string? CheckBindExposure(string bind, IReadOnlyList<string> allowedOrigins) =>
        IsLoopback(bind) || allowedOrigins.Count > 0
            ? null
            : $"binding to {ValueType<int>.Quote(bind)}, which is not loopback, needs gateway.cors.allowedOrigins set to the browser origins you use " +
                "(e.g. [\"https://claw.example.com\"]); or bind \"127.0.0.1\"";

    private static bool IsLoopback(string bind) =>
        bind == "localhost" || (IPAddress.TryParse(bind, out var address) && IPAddress.IsLoopback(address));

    private static string? CheckBind(string value) =>
        value == "localhost" || IPAddress.TryParse(value, out _) ? null
            : $"expected an IP address (e.g. \"127.0.0.1\", \"0.0.0.0\", \"::\") or \"localhost\", found {ValueType<int>.Quote(value)}";

    private static string? CheckUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : $"expected an absolute http or https URL, found {ValueType<int>.Quote(value)}";

    private static string? CheckHttpsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? null
            : $"expected an absolute https URL (Telegram only posts to https), found {ValueType<int>.Quote(value)}";

    private static string? CheckOrigin(string value)
    {
        if (value == "*")
        {
            return "\"*\" is not allowed: list each browser origin, e.g. \"https://claw.example.com\"";
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.AbsolutePath == "/" && !value.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : $"expected an origin (scheme://host[:port], no path or trailing slash), found {ValueType<int>.Quote(value)}";
    }

    private static string? CheckModel(string value)
    {
        var reference = ModelReference.Parse(value);
        if (reference.Model.Length == 0 || reference.Provider.Length == 0)
        {
            return $"expected \"<provider>/<model>\" (e.g. \"anthropic/claude-sonnet-4-5\"), found {ValueType<int>.Quote(value)}";
        }

        return Identifiers.IdFormat.TryValidate("provider name", reference.Provider, out var problem) ? null : problem;
    }

    private static string? CheckId(string kind, string value) =>
        Identifiers.IdFormat.TryValidate(kind, value, out var problem) ? null : problem;
}
