using System.Globalization;
using System.Text;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Config;

/// <summary>
/// Lists the key paths whose values differ between two configs (e.g. <c>gateway.port</c>, <c>agents.default.model</c>),
/// for reload logs and restart decisions. Lists, routing rules and workflow definitions count as one value each.
/// </summary>
/// <remarks>Only paths are returned, never values: a changed literal secret shows as its key path alone.</remarks>
public static class ConfigDiff
{
    /// <summary>The key paths that differ between <paramref name="previous"/> and <paramref name="current"/>, in ordinal order; empty when they are the same.</summary>
    public static IReadOnlyList<string> Compare(OpenClawConfig previous, OpenClawConfig current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        if (ReferenceEquals(previous, current))
        {
            return [];
        }

        var before = Flatten(previous);
        var after = Flatten(current);
        var changed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, value) in before)
        {
            if (!after.TryGetValue(path, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                changed.Add(path);
            }
        }

        foreach (var path in after.Keys)
        {
            if (!before.ContainsKey(path))
            {
                changed.Add(path);
            }
        }

        return [.. changed];
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="key"/> itself or lies under it (<c>plugins</c> covers <c>plugins.wasm</c>).</summary>
    public static bool IsUnder(string path, string key)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(key);
        return path.StartsWith(key, StringComparison.Ordinal)
            && (path.Length == key.Length || path[key.Length] is '.' or '[');
    }

    // Every leaf as path -> canonical text. Secrets are kept as written (in memory only) so a changed literal is seen;
    // nothing here is ever logged but the paths.
    internal static Dictionary<string, string> Flatten(OpenClawConfig config)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        var gateway = config.Gateway;
        leaves["gateway.bind"] = gateway.Bind;
        leaves["gateway.port"] = Number(gateway.Port);
        leaves["gateway.cors.allowedOrigins"] = List(gateway.Cors.AllowedOrigins);
        var limits = gateway.Limits;
        leaves["gateway.limits.maxMessageBytes"] = Number(limits.MaxMessageBytes);
        leaves["gateway.limits.maxBatch"] = Number(limits.MaxBatch);
        leaves["gateway.limits.maxJsonDepth"] = Number(limits.MaxJsonDepth);
        leaves["gateway.limits.maxAttachmentBytes"] = Number(limits.MaxAttachmentBytes);
        leaves["gateway.limits.requestsPerMinute"] = Number(limits.RequestsPerMinute);
        leaves["gateway.limits.authFailuresPerMinute"] = Number(limits.AuthFailuresPerMinute);
        leaves["gateway.limits.connectTimeoutSeconds"] = Number(limits.ConnectTimeoutSeconds);
        leaves["gateway.limits.pingIntervalSeconds"] = Number(limits.PingIntervalSeconds);
        leaves["gateway.limits.pongTimeoutSeconds"] = Number(limits.PongTimeoutSeconds);
        leaves["gateway.limits.sendQueueMessages"] = Number(limits.SendQueueMessages);
        leaves["gateway.limits.sendQueueBytes"] = Number(limits.SendQueueBytes);
        leaves["gateway.limits.maxConcurrentRequestsPerSocket"] = Number(limits.MaxConcurrentRequestsPerSocket);
        leaves["gateway.limits.shutdownTimeoutSeconds"] = Number(limits.ShutdownTimeoutSeconds);

        foreach (var (name, provider) in config.Providers)
        {
            var path = ConfigPath.Append("providers", name);
            leaves[ConfigPath.Append(path, "type")] = provider.Type.ToString();
            leaves[ConfigPath.Append(path, "apiKey")] = Secret(provider.ApiKey);
            leaves[ConfigPath.Append(path, "baseUrl")] = provider.BaseUrl ?? "\0null";
            if (provider.OAuth is { } oauth)
            {
                var oauthPath = ConfigPath.Append(path, "oauth");
                leaves[ConfigPath.Append(oauthPath, "credential")] = oauth.Credential;
                leaves[ConfigPath.Append(oauthPath, "tokenUrl")] = oauth.TokenUrl;
                leaves[ConfigPath.Append(oauthPath, "clientId")] = oauth.ClientId;
            }
        }

        foreach (var (id, agent) in config.Agents)
        {
            var path = ConfigPath.Append("agents", id);
            leaves[ConfigPath.Append(path, "model")] = agent.Model;
            leaves[ConfigPath.Append(path, "fallbacks")] = List(agent.Fallbacks);
            leaves[ConfigPath.Append(path, "systemPrompt")] = agent.SystemPrompt;
            leaves[ConfigPath.Append(path, "maxTokens")] = Number(agent.MaxTokens);
            leaves[ConfigPath.Append(path, "temperature")] = agent.Temperature.ToString("R", CultureInfo.InvariantCulture);
            leaves[ConfigPath.Append(path, "maxTurns")] = Number(agent.MaxTurns);
            leaves[ConfigPath.Append(path, "turnTimeoutSeconds")] = Number(agent.TurnTimeoutSeconds);
            leaves[ConfigPath.Append(path, "workspace")] = agent.Workspace;
            var tools = ConfigPath.Append(path, "tools");
            leaves[ConfigPath.Append(tools, "allow")] = List(agent.Tools.Allow);
            leaves[ConfigPath.Append(tools, "deny")] = List(agent.Tools.Deny);
            leaves[ConfigPath.Append(tools, "approval")] = agent.Tools.Approval.ToString();
            var sandbox = ConfigPath.Append(path, "sandbox");
            leaves[ConfigPath.Append(sandbox, "level")] = agent.Sandbox.Level.ToString();
            leaves[ConfigPath.Append(sandbox, "timeoutSeconds")] = Number(agent.Sandbox.TimeoutSeconds);
            leaves[ConfigPath.Append(sandbox, "memoryMb")] = Number(agent.Sandbox.MemoryMb);
            leaves[ConfigPath.Append(sandbox, "maxProcesses")] = Number(agent.Sandbox.MaxProcesses);
            leaves[ConfigPath.Append(sandbox, "maxOutputBytes")] = Number(agent.Sandbox.MaxOutputBytes);
        }

        var telegram = config.Channels.Telegram;
        leaves["channels.telegram.enabled"] = telegram.Enabled ? "true" : "false";
        leaves["channels.telegram.botToken"] = Secret(telegram.BotToken);
        leaves["channels.telegram.apiBaseUrl"] = telegram.ApiBaseUrl;
        leaves["channels.telegram.mode"] = telegram.Mode.ToString();
        leaves["channels.telegram.webhookUrl"] = telegram.WebhookUrl ?? "\0null";
        leaves["channels.telegram.webhookSecret"] = Secret(telegram.WebhookSecret);
        leaves["channels.telegram.dmPolicy"] = telegram.DmPolicy.ToString();
        leaves["channels.telegram.allowFrom"] = List(telegram.AllowFrom);
        leaves["channels.telegram.groups.policy"] = telegram.Groups.Policy.ToString();
        leaves["channels.telegram.groups.allowFrom"] = List(telegram.Groups.AllowFrom);
        leaves["channels.telegram.groups.requireMention"] = telegram.Groups.RequireMention ? "true" : "false";

        leaves["routing"] = string.Join('\u001E', config.Routing.Select(r =>
            string.Join('\u001F', r.Channel, r.Peer ?? "\0null", r.Group ?? "\0null", r.Agent)));

        foreach (var (id, workflow) in config.Workflows)
        {
            var text = new StringBuilder();
            Write(workflow, text);
            leaves[ConfigPath.Append("workflows", id)] = text.ToString();
        }

        leaves["plugins.enabled"] = List(config.Plugins.Enabled);
        leaves["plugins.wasm"] = List(config.Plugins.Wasm);
        leaves["logging.level"] = config.Logging.Level.ToString();
        leaves["logging.format"] = config.Logging.Format.ToString();
        return leaves;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string List(IReadOnlyList<string> items) => string.Join('\u001F', items) + "\u001E" + Number(items.Count);

    private static string Secret(SecretReference secret) =>
        secret.Source.ToString() + (secret.IsImplicit ? ":implicit:" : ":") + secret.Text;

    // A canonical rendering of a JSON5 value: layout and comments do not count, key order does.
    private static void Write(Json5Node node, StringBuilder text)
    {
        switch (node)
        {
            case Json5Object obj:
                text.Append('{');
                foreach (var property in obj.Properties)
                {
                    text.Append(Json5Writer.FormatString(property.Name)).Append(':');
                    Write(property.Value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case Json5Array array:
                text.Append('[');
                foreach (var item in array.Items)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case Json5String s:
                text.Append(Json5Writer.FormatString(s.Value));
                break;
            case Json5Number n:
                text.Append(n.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case Json5Boolean b:
                text.Append(b.Value ? "true" : "false");
                break;
            default:
                text.Append("null");
                break;
        }
    }
}
