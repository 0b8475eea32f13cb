using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Config;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary>
/// <c>config.get</c>, <c>config.validate</c> and <c>config.set</c> (docs/protocol.md, "Sessions, events and config methods").
/// </summary>
/// <remarks>
/// Every secret-bearing field is shown as <c>"***"</c>, whatever its form (literal, <c>${ENV}</c>, <c>cred:NAME</c>).
/// <c>config.set</c> edits the file through <see cref="ConfigEditor"/> (comments kept, validated before writing) and
/// then has <see cref="LiveConfig"/> reload it at once, so the change is in force when it answers.
/// </remarks>
internal sealed class ConfigMethods(LiveConfig live, ConfigLoader loader) : IRpcMethodGroup, IDisposable
{
    /// <summary>What a secret-bearing field shows.</summary>
    public const string Mask = "***";

    // The secret-bearing fields ("*" is any key); kept in step with OpenClawConfig.EnumerateSecrets, which is also
    // applied, so a field it adds later is masked even before this list learns it.
    private static readonly string[][] s_secretFields =
    [
        ["providers", "*", "apiKey"],
        ["channels", "telegram", "botToken"],
        ["channels", "telegram", "webhookSecret"],
    ];

    // ConfigEditor is not safe against two writers at once; config.set calls take turns.
    private readonly SemaphoreSlim _writing = new(1, 1);

    public void Register(RpcMethodTable table)
    {
        table.Add("config.get", MethodRoles.For("config.get"), GatewayJsonContext.Default.ConfigGetParams,
            GatewayJsonContext.Default.ConfigGetResult, (p, _, _) => ValueTask.FromResult(new ConfigGetResult(Get(live.Current, p.Path))));
        table.Add("config.validate", MethodRoles.For("config.validate"), GatewayJsonContext.Default.ConfigValidateParams,
            GatewayJsonContext.Default.ConfigValidateResult, (p, _, _) => ValueTask.FromResult(Validate(p.Config)));
        table.Add("config.set", MethodRoles.For("config.set"), GatewayJsonContext.Default.ConfigSetParams,
            GatewayJsonContext.Default.ConfigSetResult, SetAsync);
    }

    public void Dispose() => _writing.Dispose();

    /// <summary>The effective config as JSON with every secret-bearing field masked.</summary>
    internal static JsonNode Masked(OpenClawConfig config)
    {
        var root = JsonNode.Parse(ConfigSchema.ToJson(config))!;
        foreach (var pattern in s_secretFields)
        {
            MaskPattern(root, pattern, 0);
        }

        foreach (var (path, _) in config.EnumerateSecrets())
        {
            MaskPattern(root, [.. ConfigPath.Parse(path).Segments.Select(s => s.Name ?? "*")], 0);
        }

        return root;
    }

    private static JsonNode? Get(OpenClawConfig config, string? path)
    {
        var root = Masked(config);
        if (path is null)
        {
            return root;
        }

        JsonNode? node = root;
        foreach (var segment in ParsePath(path).Segments)
        {
            node = segment.IsIndex
                ? node is JsonArray array && segment.Index < array.Count ? array[segment.Index] : null
                : node is JsonObject obj && obj.TryGetPropertyValue(segment.Name!, out var child) ? child : null;
            if (node is null)
            {
                throw RpcException.NotFound($"Config path '{path}' is not set and has no default (see `openclaw config schema` for the keys).");
            }
        }

        // Detach, so the result does not carry the rest of the tree.
        return node.DeepClone();
    }

    private ConfigValidateResult Validate(JsonElement config)
    {
        var validation = loader.Validate(config.GetRawText());
        return new ConfigValidateResult(validation.IsValid, [.. validation.Errors.Select(e => new ConfigValidationError(e.Path, e.Message))]);
    }

    private async ValueTask<ConfigSetResult> SetAsync(ConfigSetParams p, RpcContext context, CancellationToken cancellationToken)
    {
        var path = ParsePath(p.Path);
        RefuseLiteralSecrets(path, p.Value);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            ConfigEditResult edit;
            try
            {
                edit = await new ConfigEditor(loader).SetAsync(p.Path, p.Value.GetRawText(), cancellationToken);
            }
            catch (ConfigException ex) when (ex.Errors.Count > 0)
            {
                var errors = new JsonArray();
                foreach (var e in ex.Errors)
                {
                    errors.Add((JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message });
                }

                var count = ex.Errors.Count == 1 ? "1 error" : $"{ex.Errors.Count} errors";
                var first = ex.Errors[0];
                throw new RpcException(
                    RpcErrorCodes.InvalidParams,
                    $"Invalid params: nothing written; with this edit the config would have {count}, first: {(first.Path.Length > 0 ? first.Path + ": " : "")}{first.Message}",
                    new JsonObject { ["field"] = "value", ["errors"] = errors });
            }

            // In force before answering: the monitor applies the file now rather than after the watcher's debounce
            // (the watcher then finds nothing new). The listen address stays the one the gateway bound (LiveConfig).
            var reload = await live.ReloadAsync(cancellationToken);
            if (reload.Status is ConfigReloadStatus.Invalid or ConfigReloadStatus.Missing)
            {
                // Someone changed or removed the file between our write and the reload; the last good config stays.
                throw RpcException.Conflict(
                    "The config file changed under this edit and is not valid now; the previous config stays in force. " +
                    (reload.Problem ?? (reload.Errors.Count > 0 ? reload.Errors[0].ToString() : "")));
            }

            var updated = live.Current;
            return new ConfigSetResult(edit.Changed, Get(updated, p.Path));
        }
        finally
        {
            _writing.Release();
        }
    }

    private static ConfigPath ParsePath(string path)
    {
        try
        {
            var parsed = ConfigPath.Parse(path);
            return parsed.Segments.Count > 0 ? parsed : throw RpcException.InvalidParams("Invalid params: path must name a key, e.g. gateway.port.", "path");
        }
        catch (ConfigException ex)
        {
            throw RpcException.InvalidParams("Invalid params: path: " + ex.Message, "path");
        }
    }

    // A secret typed into a browser and sent over RPC would sit in the file in clear: only references are taken.
    private static void RefuseLiteralSecrets(ConfigPath path, JsonElement value)
    {
        var segments = path.Segments;
        foreach (var pattern in s_secretFields)
        {
            if (segments.Count > pattern.Length || !Matches(segments, pattern))
            {
                continue;
            }

            foreach (var leaf in Leaves(value, pattern, segments.Count))
            {
                if (leaf.ValueKind == JsonValueKind.String && IsLiteralSecret(leaf.GetString()!))
                {
                    throw RpcException.InvalidParams(
                        "Invalid params: config.set does not take a secret itself; store it with `openclaw credentials set NAME` " +
                        "and set this field to \"cred:NAME\" (or \"${ENV_NAME}\").",
                        "value");
                }
            }
        }
    }

    private static bool Matches(IReadOnlyList<ConfigPathSegment> segments, string[] pattern)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].IsIndex || (pattern[i] != "*" && pattern[i] != segments[i].Name))
            {
                return false;
            }
        }

        return true;
    }

    // The values under the pattern's remaining keys, starting at the value set at depth `from`.
    private static IEnumerable<JsonElement> Leaves(JsonElement node, string[] pattern, int from)
    {
        if (from == pattern.Length)
        {
            yield return node;
            yield break;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var member in node.EnumerateObject())
        {
            if (pattern[from] == "*" || member.NameEquals(pattern[from]))
            {
                foreach (var leaf in Leaves(member.Value, pattern, from + 1))
                {
                    yield return leaf;
                }
            }
        }
    }

    // The loader's rule: "cred:NAME" names a credential, text with ${…} reads the environment, anything else is the secret.
    private static bool IsLiteralSecret(string text) =>
        !text.StartsWith("cred:", StringComparison.Ordinal) && !text.Contains("${", StringComparison.Ordinal);

    private static void MaskPattern(JsonNode? node, string[] pattern, int depth)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        var key = pattern[depth];
        var names = key == "*" ? [.. obj.Select(kv => kv.Key)] : obj.ContainsKey(key) ? new[] { key } : [];
        foreach (var name in names)
        {
            if (depth == pattern.Length - 1)
            {
                if (obj[name] is JsonValue)
                {
                    obj[name] = Mask;
                }
            }
            else
            {
                MaskPattern(obj[name], pattern, depth + 1);
            }
        }
    }
}

/// <summary>The params of <c>config.get</c>: a key path such as <c>gateway.port</c>, or none for the whole config.</summary>
internal sealed record ConfigGetParams(string? Path = null);

/// <summary>The result of <c>config.get</c> (secrets masked).</summary>
internal sealed record ConfigGetResult(JsonNode? Value);

/// <summary>The params of <c>config.validate</c>: a whole config object.</summary>
internal sealed record ConfigValidateParams(JsonElement Config);

/// <summary>One problem <c>config.validate</c> found.</summary>
internal sealed record ConfigValidationError(string Path, string Message);

/// <summary>The result of <c>config.validate</c>.</summary>
internal sealed record ConfigValidateResult(bool Valid, IReadOnlyList<ConfigValidationError> Errors);

/// <summary>The params of <c>config.set</c>: a key path and its new value as JSON.</summary>
internal sealed record ConfigSetParams(string Path, JsonElement Value);

/// <summary>The result of <c>config.set</c>: whether the file changed, and the value now in force (secrets masked).</summary>
internal sealed record ConfigSetResult(bool Changed, JsonNode? Value);
