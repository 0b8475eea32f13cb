using System.Globalization;
using System.Text;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config.Json5;

/// <summary>
/// Runs npm json5 (tests/oracle) over a whole corpus in one node process and returns one verdict per document,
/// in the canonical form <see cref="Canonical(Json5Node)"/> also produces for our reader.
/// </summary>
internal static class NodeJson5Oracle
{
    /// <summary>Each document's verdict from json5: "ok &lt;canonical value&gt;" or "reject &lt;line&gt;:&lt;column&gt; &lt;message&gt;".</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<string> documents, CancellationToken cancellationToken) =>
        await NodeOracle.RunAsync("json5-oracle.mjs", "json5", [.. documents.Select(QuoteAscii)], cancellationToken);

    /// <summary>
    /// Our verdict for <paramref name="text"/>, in the oracle's form, with duplicate keys resolved as json5 does;
    /// <paramref name="errorOffset"/> is where a rejection points (-1 when accepted).
    /// </summary>
    public static string Verdict(string text, out bool duplicateKey, out int errorOffset)
    {
        duplicateKey = false;
        errorOffset = -1;
        try
        {
            return "ok " + Canonical(Json5Reader.Parse(text));
        }
        catch (Json5Exception ex) when (ex.Reason.StartsWith("duplicate key", StringComparison.Ordinal))
        {
            // Rejecting duplicates is our deliberate difference; with it switched off, json5's last-wins must match.
            duplicateKey = true;
            try
            {
                return "ok " + Canonical(Json5Reader.Parse(text, new Json5ReaderOptions { AllowDuplicateKeys = true }));
            }
            catch (Json5Exception inner)
            {
                errorOffset = inner.Position.Offset;
                return $"reject {inner.Line}:{inner.Column} {inner.Reason}";
            }
        }
        catch (Json5Exception ex)
        {
            errorOffset = ex.Position.Offset;
            return $"reject {ex.Line}:{ex.Column} {ex.Reason}";
        }
    }

    /// <summary>A value's canonical text: sorted keys (last duplicate wins), exact number bits, ASCII-only strings.</summary>
    public static string Canonical(Json5Node node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Json5Node node)
    {
        switch (node)
        {
            case Json5Null:
                sb.Append("null");
                break;
            case Json5Boolean b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case Json5Number n:
                sb.Append(double.IsNaN(n.Value)
                    ? "NaN"
                    : "n" + BitConverter.DoubleToInt64Bits(n.Value).ToString("x16", CultureInfo.InvariantCulture));
                break;
            case Json5String s:
                sb.Append(QuoteAscii(s.Value));
                break;
            case Json5Array a:
                sb.Append('[');
                for (var i = 0; i < a.Items.Count; i++)
                {
                    sb.Append(i > 0 ? "," : "");
                    Append(sb, a.Items[i]);
                }

                sb.Append(']');
                break;
            case Json5Object o:
                var members = new Dictionary<string, Json5Node>(StringComparer.Ordinal);
                foreach (var p in o.Properties)
                {
                    members[p.Name] = p.Value;
                }

                sb.Append('{');
                var first = true;
                foreach (var key in members.Keys.Order(StringComparer.Ordinal))
                {
                    sb.Append(first ? "" : ",").Append(QuoteAscii(key)).Append(':');
                    Append(sb, members[key]);
                    first = false;
                }

                sb.Append('}');
                break;
            default:
                throw new InvalidOperationException($"unknown node {node.GetType()}");
        }
    }

    /// <summary>A JSON string literal using only printable ASCII: every other UTF-16 unit becomes \uXXXX (lowercase).</summary>
    public static string QuoteAscii(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }
}
