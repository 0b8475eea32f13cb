using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Config;
using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Config;

public sealed class ConfigSchemaTests
{
    [Fact]
    public void Bind_EmptyObject_GivesEveryDocumentedDefault()
    {
        var config = TestConfig.Valid("{}");

        Assert.Equal("127.0.0.1", config.Gateway.Bind);
        Assert.Equal(18789, config.Gateway.Port);
        Assert.Empty(config.Gateway.Cors.AllowedOrigins);
        Assert.Equal(1_048_576, config.Gateway.Limits.MaxMessageBytes);
        Assert.Equal(100, config.Gateway.Limits.MaxBatch);
        Assert.Equal(64, config.Gateway.Limits.MaxJsonDepth);
        Assert.Equal(20_971_520, config.Gateway.Limits.MaxAttachmentBytes);
        Assert.Equal(6000, config.Gateway.Limits.RequestsPerMinute);
        Assert.Equal(20, config.Gateway.Limits.AuthFailuresPerMinute);

        Assert.Equal(["anthropic", "openai"], config.Providers.Keys.Order());
        var anthropic = config.Providers["anthropic"];
        Assert.Equal(ProviderType.Anthropic, anthropic.Type);
        Assert.Equal("https://api.anthropic.com", anthropic.BaseUrl);
        Assert.Equal("cred:anthropic", anthropic.ApiKey.ToString());
        Assert.Equal("https://api.openai.com/v1", config.Providers["openai"].BaseUrl);
        Assert.Equal(ProviderType.OpenAI, config.Providers["openai"].Type);

        var agent = Assert.Single(config.Agents).Value;
        Assert.Equal("default", agent.Id);
        Assert.Equal("anthropic/claude-sonnet-4-5", agent.Model);
        Assert.Empty(agent.Fallbacks);
        Assert.Equal("You are a helpful personal assistant.", agent.SystemPrompt);
        Assert.Equal(4096, agent.MaxTokens);
        Assert.Equal(0.7, agent.Temperature);
        Assert.Equal(20, agent.MaxTurns);
        Assert.Equal(600, agent.TurnTimeoutSeconds);
        Assert.Equal(TestConfig.Paths.WorkspaceDirectory, agent.Workspace);
        Assert.Equal(["*"], agent.Tools.Allow);
        Assert.Empty(agent.Tools.Deny);
        Assert.Equal(ToolApproval.Dangerous, agent.Tools.Approval);
        Assert.Equal(new SandboxOptions { Level = SandboxLevel.Strict, TimeoutSeconds = 120, MemoryMb = 1024, MaxProcesses = 256, MaxOutputBytes = 1_048_576 }, agent.Sandbox);

        var telegram = config.Channels.Telegram;
        Assert.False(telegram.Enabled);
        Assert.Equal("cred:telegram", telegram.BotToken.ToString());
        Assert.True(telegram.BotToken.IsImplicit);
        Assert.Equal("https://api.telegram.org", telegram.ApiBaseUrl);
        Assert.Equal(TelegramMode.Polling, telegram.Mode);
        Assert.Equal(DmPolicy.Pairing, telegram.DmPolicy);
        Assert.Empty(telegram.AllowFrom);
        Assert.Equal(GroupPolicy.Disabled, telegram.Groups.Policy);
        Assert.True(telegram.Groups.RequireMention);

        Assert.Empty(config.Routing);
        Assert.Empty(config.Workflows);
        Assert.Empty(config.Plugins.Enabled);
        Assert.Empty(config.Plugins.Wasm);
        Assert.Equal(LogLevel.Information, config.Logging.Level);
        Assert.Equal(LogFormat.Text, config.Logging.Format);
    }

    [Fact]
    public void Bind_EveryDocumentedKey_IsRead()
    {
        var config = TestConfig.Valid("""
            // every section, with non-default values
            {
              gateway: {
                bind: "0.0.0.0", port: 8080,
                cors: { allowedOrigins: ["https://claw.example.com", "http://localhost:5173"] },
                limits: { maxMessageBytes: 2048, maxBatch: 5, maxJsonDepth: 8, maxAttachmentBytes: 4096,
                          requestsPerMinute: 1000000, authFailuresPerMinute: 3 },
              },
              providers: {
                anthropic: { oauth: { tokenUrl: "https://auth.example.com/token", clientId: "abc" } },
                ollama: { type: "openai-compatible", baseUrl: "http://127.0.0.1:11434/v1" },
                work: { type: 'openai', apiKey: "${WORK_KEY}", baseUrl: "https://proxy.example.com/v1" },
              },
              agents: {
                default: { model: "ollama/llama3.1", fallbacks: ["anthropic/claude-haiku", "work/gpt-4o"], temperature: 0,
                           maxTokens: 100, maxTurns: 3, turnTimeoutSeconds: 30, systemPrompt: "Be brief.",
                           tools: { allow: ["read", "web.*"], deny: ["exec"], approval: "always" },
                           sandbox: { level: "relaxed", timeoutSeconds: 5, memoryMb: 64, maxProcesses: 4, maxOutputBytes: 2048 } },
                coder: { model: "work/gpt-4o", workspace: "code" },
              },
              channels: { telegram: {
                enabled: true, botToken: "cred:my-bot", apiBaseUrl: "http://127.0.0.1:9000", mode: "webhook",
                webhookUrl: "https://claw.example.com/telegram", webhookSecret: "${HOOK_SECRET}",
                dmPolicy: "allowlist", allowFrom: [12345, "67890"],
                groups: { policy: "allowlist", allowFrom: ["-100123"], requireMention: false },
              } },
              routing: [ { channel: "telegram", peer: "12345", agent: "coder" }, { channel: "telegram", group: "-100123", agent: "default" } ],
              workflows: { nightly: { steps: [1, 2], when: "02:00" } },
              plugins: { enabled: ["weather"], wasm: ["plugins/echo.wasm"] },
              logging: { level: "debug", format: "json" },
            }
            """);

        Assert.Equal("0.0.0.0", config.Gateway.Bind);
        Assert.Equal(8080, config.Gateway.Port);
        Assert.Equal(["https://claw.example.com", "http://localhost:5173"], config.Gateway.Cors.AllowedOrigins);
        Assert.Equal(new GatewayLimitsOptions { MaxMessageBytes = 2048, MaxBatch = 5, MaxJsonDepth = 8, MaxAttachmentBytes = 4096, RequestsPerMinute = 1_000_000, AuthFailuresPerMinute = 3 }, config.Gateway.Limits);

        Assert.Equal(["anthropic", "ollama", "openai", "work"], config.Providers.Keys.Order());
        Assert.Equal(new OAuthOptions { Credential = "anthropic-oauth", TokenUrl = "https://auth.example.com/token", ClientId = "abc" }, config.Providers["anthropic"].OAuth);
        Assert.Equal("https://api.anthropic.com", config.Providers["anthropic"].BaseUrl);
        Assert.Equal(ProviderType.OpenAICompatible, config.Providers["ollama"].Type);
        Assert.Equal("http://127.0.0.1:11434/v1", config.Providers["ollama"].BaseUrl);
        Assert.Equal("cred:ollama", config.Providers["ollama"].ApiKey.ToString());
        Assert.True(config.Providers["ollama"].ApiKey.IsImplicit);
        Assert.Equal(SecretSource.Environment, config.Providers["work"].ApiKey.Source);
        Assert.Equal("WORK_KEY", config.Providers["work"].ApiKey.Name);

        var main = config.Agents["default"];
        Assert.Equal("ollama/llama3.1", main.Model);
        Assert.Equal("ollama", main.ProviderName);
        Assert.Equal(["anthropic/claude-haiku", "work/gpt-4o"], main.Fallbacks);
        Assert.Equal(0, main.Temperature);
        Assert.Equal((100, 3, 30, "Be brief."), (main.MaxTokens, main.MaxTurns, main.TurnTimeoutSeconds, main.SystemPrompt));
        Assert.Equal(["read", "web.*"], main.Tools.Allow);
        Assert.Equal(["exec"], main.Tools.Deny);
        Assert.Equal(ToolApproval.Always, main.Tools.Approval);
        Assert.Equal(new SandboxOptions { Level = SandboxLevel.Relaxed, TimeoutSeconds = 5, MemoryMb = 64, MaxProcesses = 4, MaxOutputBytes = 2048 }, main.Sandbox);
        var coder = config.Agents["coder"];
        Assert.Equal(Path.Combine(TestConfig.Paths.Root, "code"), coder.Workspace);
        Assert.Equal(4096, coder.MaxTokens);

        var telegram = config.Channels.Telegram;
        Assert.True(telegram.Enabled);
        Assert.Equal("cred:my-bot", telegram.BotToken.ToString());
        Assert.False(telegram.BotToken.IsImplicit);
        Assert.Equal("http://127.0.0.1:9000", telegram.ApiBaseUrl);
        Assert.Equal(TelegramMode.Webhook, telegram.Mode);
        Assert.Equal("https://claw.example.com/telegram", telegram.WebhookUrl);
        Assert.Equal("HOOK_SECRET", telegram.WebhookSecret.Name);
        Assert.Equal(DmPolicy.Allowlist, telegram.DmPolicy);
        Assert.Equal(["12345", "67890"], telegram.AllowFrom);
        Assert.Equal(new TelegramGroupsOptions { Policy = GroupPolicy.Allowlist, AllowFrom = telegram.Groups.AllowFrom, RequireMention = false }, telegram.Groups);
        Assert.Equal(["-100123"], telegram.Groups.AllowFrom);

        Assert.Equal([new RouteOptions { Channel = "telegram", Peer = "12345", Agent = "coder" }, new RouteOptions { Channel = "telegram", Group = "-100123", Agent = "default" }], config.Routing);
        var nightly = config.Workflows["nightly"];
        Assert.Equal(["steps", "when"], nightly.Properties.Select(p => p.Name));
        Assert.Equal(["weather"], config.Plugins.Enabled);
        Assert.Equal(["plugins/echo.wasm"], config.Plugins.Wasm);
        Assert.Equal(LogLevel.Debug, config.Logging.Level);
        Assert.Equal(LogFormat.Json, config.Logging.Format);
    }

    [Fact]
    public void Bind_NewAgent_GetsDefaultsAndItsOwnWorkspace()
    {
        var config = TestConfig.Valid("{ agents: { helper: { maxTurns: 2 } } }");

        Assert.Equal(["default", "helper"], config.Agents.Keys.Order());
        var helper = config.Agents["helper"];
        Assert.Equal(2, helper.MaxTurns);
        Assert.Equal("anthropic/claude-sonnet-4-5", helper.Model);
        Assert.Equal(TestConfig.Paths.WorkspaceDirectory + "-helper", helper.Workspace);
        Assert.Equal(TestConfig.Paths.WorkspaceDirectory, config.Agents["default"].Workspace);
    }

    [Fact]
    public void Bind_UnknownKey_SuggestsTheNearestSibling()
    {
        const string text = "{\n  gateway: { prot: 80 },\n  agnets: {},\n}";

        var errors = TestConfig.Errors(text);

        Assert.Equal(2, errors.Count);
        Assert.Equal(new ConfigError("gateway.prot", 2, 14, "unknown key 'prot' in gateway; did you mean 'port'?"), errors[0]);
        Assert.Equal(new ConfigError("agnets", 3, 3, "unknown key 'agnets' at the top level; did you mean 'agents'?"), errors[1]);
    }

    [Fact]
    public void Bind_UnknownKeyWithNoNearSibling_ListsTheKnownKeys()
    {
        var error = TestConfig.Single("{ logging: { colour: true } }");

        Assert.Equal("logging.colour", error.Path);
        Assert.Equal("unknown key 'colour' in logging; expected one of: level, format", error.Message);
    }

    [Fact]
    public void Bind_WrongCaseKey_SuggestsTheRightCase()
    {
        var error = TestConfig.Single("{ channels: { telegram: { BotToken: 'cred:x' } } }");

        Assert.Contains("did you mean 'botToken'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ManyProblems_ReportsEveryOneWithPathLineAndColumn()
    {
        const string text = """
            {
              gateway: { port: 70000, bind: "my-host" },
              agents: {
                default: { sandbox: { level: "paranoid" }, temperature: 3, maxTokens: 1.5 },
                "bad id": {},
              },
              channels: { telegram: { enabled: "yes", mode: "webhook" } },
              logging: { level: 3 },
            }
            """;

        var errors = TestConfig.Errors(text);

        Assert.Equal(
            [
                "2:20: gateway.port: expected an integer from 0 to 65535, found 70000",
                "2:33: gateway.bind: expected an IP address (e.g. \"127.0.0.1\", \"0.0.0.0\", \"::\") or \"localhost\", found \"my-host\"",
                "4:34: agents.default.sandbox.level: expected one of \"none\", \"relaxed\", \"strict\", found \"paranoid\"",
                "4:61: agents.default.temperature: expected a number from 0 to 2, found 3",
                "4:75: agents.default.maxTokens: expected an integer from 1 to 1000000, found 1.5",
                "5:5: agents[\"bad id\"]: agent id 'bad id' contains the character U+0020 at position 4; only letters A-Z a-z, digits and . _ - @ + are allowed.",
                "7:36: channels.telegram.enabled: expected true or false, found the string \"yes\"",
                "7:49: channels.telegram.webhookUrl: mode \"webhook\" needs webhookUrl (the public https URL Telegram posts to) and webhookSecret (default \"cred:telegram-webhook\")",
                "8:21: logging.level: expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\", \"critical\", \"none\", found the number 3",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Bind_EnumTypo_SuggestsTheNearestValue()
    {
        var error = TestConfig.Single("{ agents: { default: { tools: { approval: 'dangerus' } } } }");

        Assert.EndsWith("found \"dangerus\"; did you mean \"dangerous\"?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TopLevelArray_IsAnError()
    {
        var error = TestConfig.Single("[1, 2]");

        Assert.Equal(new ConfigError("", 1, 1, "expected an object at the top level, found an array"), error);
    }

    [Fact]
    public void Bind_SyntaxError_ReportsLineAndColumn()
    {
        var error = TestConfig.Single("{\n  gateway: { port: 1 }\n  logging: {}\n}");

        Assert.Equal("", error.Path);
        Assert.Equal(3, error.Line);
        Assert.Equal(3, error.Column);
    }

    [Fact]
    public void Bind_ModelWithUnknownProvider_NamesTheProvider()
    {
        var errors = TestConfig.Errors("{ agents: { default: { model: 'antropic/claude', fallbacks: ['openai/gpt-4o', 'nope/x'] } } }");

        Assert.Equal(2, errors.Count);
        Assert.Equal("agents.default.model", errors[0].Path);
        Assert.Equal("model \"antropic/claude\" names provider 'antropic', which is not configured under providers; did you mean 'anthropic'?", errors[0].Message);
        Assert.Equal((1, 31), (errors[0].Line, errors[0].Column));
        Assert.Equal("agents.default.fallbacks[1]", errors[1].Path);
        Assert.Contains("(configured: anthropic, openai)", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ModelWithoutSlash_IsAnError()
    {
        var error = TestConfig.Single("{ agents: { default: { model: 'claude' } } }");

        Assert.Equal("agents.default.model", error.Path);
        Assert.StartsWith("expected \"<provider>/<model>\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_NonLoopbackBindWithoutOrigins_IsAnError()
    {
        var error = TestConfig.Single("{ gateway: { bind: '0.0.0.0' } }");

        Assert.Equal("gateway.bind", error.Path);
        Assert.Contains("needs gateway.cors.allowedOrigins", error.Message, StringComparison.Ordinal);
        Assert.Equal("::1", TestConfig.Valid("{ gateway: { bind: '::1' } }").Gateway.Bind);
        Assert.Equal("localhost", TestConfig.Valid("{ gateway: { bind: 'localhost' } }").Gateway.Bind);
    }

    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("https://example.com/app")]
    [InlineData("example.com")]
    [InlineData("*")]
    public void Bind_BadCorsOrigin_IsAnError(string origin)
    {
        var error = TestConfig.Single($"{{ gateway: {{ cors: {{ allowedOrigins: ['{origin}'] }} }} }}");

        Assert.Equal("gateway.cors.allowedOrigins[0]", error.Path);
    }

    [Fact]
    public void Bind_OpenDmPolicyWithoutStar_IsAnError()
    {
        var error = TestConfig.Single("{ channels: { telegram: { dmPolicy: 'open', allowFrom: ['1'] } } }");

        Assert.Equal("channels.telegram.allowFrom", error.Path);
        Assert.Contains("must contain \"*\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(["*"], TestConfig.Valid("{ channels: { telegram: { dmPolicy: 'open', allowFrom: ['*'] } } }").Channels.Telegram.AllowFrom);
    }

    [Fact]
    public void Bind_StarWithoutOpenDmPolicy_IsAnError()
    {
        var error = TestConfig.Single("{ channels: { telegram: { allowFrom: ['*'] } } }");

        Assert.Contains("set dmPolicy \"open\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadTelegramIds_AreErrors()
    {
        var errors = TestConfig.Errors("{ channels: { telegram: { allowFrom: ['@alice', 1.5, true] } } }");

        Assert.Equal(["channels.telegram.allowFrom[0]", "channels.telegram.allowFrom[1]", "channels.telegram.allowFrom[2]"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Bind_WebhookUrlNotHttps_IsAnError()
    {
        var error = TestConfig.Single("{ channels: { telegram: { mode: 'webhook', webhookUrl: 'http://claw.example.com/hook' } } }");

        Assert.Equal("channels.telegram.webhookUrl", error.Path);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("''")]
    public void Bind_WebhookModeWithoutUsableUrl_IsAnError(string url)
    {
        var error = TestConfig.Single($"{{ channels: {{ telegram: {{ mode: 'webhook', webhookUrl: {url} }} }} }}");

        Assert.Equal("channels.telegram.webhookUrl", error.Path);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RouteIdsAsNumbers_AreAcceptedLikeAllowFrom()
    {
        var config = TestConfig.Valid("{ routing: [ { channel: 'telegram', peer: 12345, agent: 'default' }, { channel: 'telegram', group: -100123, agent: 'default' } ] }");

        Assert.Equal("12345", config.Routing[0].Peer);
        Assert.Equal("-100123", config.Routing[1].Group);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("true")]
    public void Bind_RouteIdNotAnInteger_IsAnError(string value)
    {
        var error = TestConfig.Single($"{{ routing: [ {{ channel: 'telegram', peer: {value}, agent: 'default' }} ] }}");

        Assert.Equal("routing[0].peer", error.Path);
    }

    [Fact]
    public void Bind_ProviderWithoutType_IsAnError()
    {
        var error = TestConfig.Single("{ providers: { groq: { baseUrl: 'https://api.groq.com/openai/v1' } } }");

        Assert.Equal("providers.groq", error.Path);
        Assert.StartsWith("missing required key 'type'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_OpenAiCompatibleWithoutBaseUrl_IsAnError()
    {
        var error = TestConfig.Single("{ providers: { local: { type: 'openai-compatible' } } }");

        Assert.StartsWith("missing required key 'baseUrl'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ApiKeyAndOAuth_IsAnError()
    {
        var error = TestConfig.Single("{ providers: { anthropic: { apiKey: 'cred:a', oauth: { tokenUrl: 'https://x.example/t', clientId: 'c' } } } }");

        Assert.Equal("providers.anthropic.oauth", error.Path);
        Assert.Equal("set either apiKey or oauth, not both", error.Message);
    }

    [Fact]
    public void Bind_OAuthWithoutRequiredKeys_NamesEachMissingKey()
    {
        var errors = TestConfig.Errors("{ providers: { anthropic: { oauth: {} } } }");

        Assert.Equal(["missing required key 'tokenUrl' (The token endpoint)", "missing required key 'clientId' (The OAuth client id)"], errors.Select(e => e.Message));
        Assert.All(errors, e => Assert.Equal("providers.anthropic.oauth", e.Path));
    }

    [Fact]
    public void Bind_InvalidProviderName_IsAnError()
    {
        var error = TestConfig.Single("{ providers: { 'my/provider': { type: 'openai', baseUrl: 'https://x.example' } } }");

        Assert.Equal("providers[\"my/provider\"]", error.Path);
        Assert.Contains("provider name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RouteToUnknownAgent_IsAnError()
    {
        var error = TestConfig.Single("{ agents: { coder: {} }, routing: [ { channel: 'telegram', peer: '1', agent: 'codr' } ] }");

        Assert.Equal("routing[0].agent", error.Path);
        Assert.Equal("agent 'codr' is not configured under agents; did you mean 'coder'?", error.Message);
    }

    [Fact]
    public void Bind_RouteWithoutAgent_NamesTheMissingKey()
    {
        var error = TestConfig.Single("{ routing: [ { channel: 'telegram' } ] }");

        Assert.Equal("routing[0]", error.Path);
        Assert.StartsWith("missing required key 'agent'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_WorkflowThatIsNotAnObject_IsAnError()
    {
        var error = TestConfig.Single("{ workflows: { nightly: 'run at 2' } }");

        Assert.Equal("workflows.nightly", error.Path);
        Assert.StartsWith("expected an object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_EnvironmentVariables_AreSubstitutedInAnyString()
    {
        var environment = new Dictionary<string, string> { ["PROMPT_NAME"] = "Claw", ["PORT"] = "9000", ["TG_ON"] = "true" };

        var config = TestConfig.Valid(
            "{ gateway: { port: '${PORT}' }, agents: { default: { systemPrompt: 'You are ${PROMPT_NAME}; cost: $${HOME}' } }, channels: { telegram: { enabled: '${TG_ON}' } } }",
            environment);

        Assert.Equal("You are Claw; cost: ${HOME}", config.Agents["default"].SystemPrompt);
        Assert.Equal(9000, config.Gateway.Port);
        Assert.True(config.Channels.Telegram.Enabled);
    }

    [Fact]
    public void Bind_MissingVariableInPlainField_NamesVariableAndPath()
    {
        var error = TestConfig.Single("{\n  agents: { default: { systemPrompt: 'Hi ${USER_NAME}' } } }");

        Assert.Equal(new ConfigError("agents.default.systemPrompt", 2, 38, "environment variable USER_NAME is not set (set it, or write '$${' for a literal '${')"), error);
    }

    [Fact]
    public void Bind_MalformedVariable_IsAnError()
    {
        var errors = TestConfig.Errors("{ agents: { default: { systemPrompt: 'a ${unclosed' } }, logging: { level: '${1BAD}' } }");

        Assert.Equal(2, errors.Count);
        Assert.Contains("has no closing '}'", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("not a valid environment variable name", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_MissingVariableInSecretField_IsNotAnError()
    {
        var config = TestConfig.Valid("{ providers: { openai: { apiKey: '${OPENAI_API_KEY}' } } }");

        Assert.Equal(SecretSource.Environment, config.Providers["openai"].ApiKey.Source);
    }

    [Fact]
    public void Bind_LiteralSecret_IsFlaggedAndRedacted()
    {
        var config = TestConfig.Valid("{ channels: { telegram: { botToken: '123:abc' } } }");

        var token = config.Channels.Telegram.BotToken;
        Assert.True(token.IsLiteral);
        Assert.Equal("***", token.ToString());
        Assert.DoesNotContain("123:abc", ConfigSchema.ToJson(config), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cred:")]
    [InlineData("cred:bad name")]
    [InlineData("")]
    public void Bind_MalformedSecret_IsAnError(string value)
    {
        var error = TestConfig.Single($"{{ providers: {{ openai: {{ apiKey: '{value}' }} }} }}");

        Assert.Equal("providers.openai.apiKey", error.Path);
    }

    [Theory]
    [InlineData("1234567890123", "a number")]
    [InlineData("[\"1234567890\"]", "an array")]
    [InlineData("{ k: \"1234567890\" }", "an object")]
    public void Bind_SecretFieldNotAString_ReportsTheKindButNotTheValue(string value, string kind)
    {
        var error = TestConfig.Single($"{{ channels: {{ telegram: {{ botToken: {value} }} }} }}");

        Assert.Equal("channels.telegram.botToken", error.Path);
        Assert.Equal($"expected \"${{ENV_NAME}}\", \"cred:NAME\" or the secret itself, found {kind}", error.Message);
    }

    [Theory]
    [InlineData("abc${sk-live-1234567890}xyz")]
    [InlineData("${sk_live 1234567890}")]
    public void Bind_SecretFieldBadVariableName_DoesNotEchoTheText(string value)
    {
        var error = TestConfig.Single($"{{ providers: {{ openai: {{ apiKey: '{value}' }} }} }}");

        Assert.Equal("providers.openai.apiKey", error.Path);
        Assert.Contains("not a valid environment variable name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234567890", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnquotedSecret_ErrorClipsTheWord()
    {
        var error = TestConfig.Single("{ channels: { telegram: { botToken: sk_live_ABCDEFGHIJKLMNOPQRSTUV } } }");

        Assert.Contains("unexpected word \"sk_l…\" (30 characters)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCDEF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonSchema_AcceptsTheEffectiveDefaultsAndRejectsUnknownKeys()
    {
        var schema = ToolParameterSchema.Parse(ConfigSchema.ToJsonSchema());
        var defaults = JsonDocument.Parse(ConfigSchema.ToJson(TestConfig.Valid("{}"))).RootElement;
        var typo = JsonDocument.Parse("""{ "gateway": { "prot": 1 } }""").RootElement;
        var badEnum = JsonDocument.Parse("""{ "logging": { "level": "loud" } }""").RootElement;

        var result = schema.Validate(defaults);
        Assert.True(result.IsValid, result.ToString());
        Assert.False(schema.Validate(typo).IsValid);
        Assert.False(schema.Validate(badEnum).IsValid);
    }

    [Fact]
    public void ToJsonSchema_ShowsDefaultsAndRanges()
    {
        using var schema = JsonDocument.Parse(ConfigSchema.ToJsonSchema());
        var port = schema.RootElement.GetProperty("properties").GetProperty("gateway").GetProperty("properties").GetProperty("port");

        Assert.Equal(18789, port.GetProperty("default").GetInt32());
        Assert.Equal(65535, port.GetProperty("maximum").GetInt32());
        Assert.Equal("integer", port.GetProperty("type").GetString());
    }
}
