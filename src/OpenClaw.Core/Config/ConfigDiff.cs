using System.Text.Json.Nodes;

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

    // Every leaf as path -> canonical text, derived from the schema's own rendering of the config (so a key added to the
    // schema is compared without being listed here), with each secret-bearing value as written: the rendering masks
    // literal secrets, and a changed literal must still count. Nothing here is ever logged but the paths. Lists and
    // each workflow definition are one value.
    internal static Dictionary<string, string> Flatten(OpenClawConfig config)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonNode.Parse(ConfigSchema.ToJson(config)), string.Empty, leaves);
        foreach (var (path, secret) in config.EnumerateSecrets())
        {
            leaves[path] = Secret(secret);
        }

        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        // A workflow definition (workflows.<id>) is one value; every other object is walked.
        if (node is JsonObject obj && !(path != "workflows" && IsUnder(path, "workflows")))
        {
            foreach (var (key, child) in obj)
            {
                Walk(child, ConfigPath.Append(path, key), leaves);
            }

            return;
        }

        leaves[path] = node?.ToJsonString() ?? "null";
    }

    private static string Secret(SecretReference secret) =>
        secret.Source.ToString() + (secret.IsImplicit ? ":implicit:" : ":") + secret.Text;
}
