using System.Text;
using System.Text.RegularExpressions;

namespace OpenClaw.Agents.Tools;

/// <summary>
/// A glob over '/'-separated relative paths: <c>*</c> (within a segment), <c>**</c> (any depth), <c>?</c>,
/// <c>[abc]</c>/<c>[!abc]</c> and <c>{a,b}</c>; compiled to a regular expression with a match timeout.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;

    private GlobPattern(Regex regex, bool hasSlash)
    {
        _regex = regex;
        HasSlash = hasSlash;
    }

    /// <summary>Whether the pattern names directories (contains '/'); a pattern without one can match a file name alone.</summary>
    public bool HasSlash { get; }

    /// <summary>Compiles a pattern, or fails with a message the model can act on.</summary>
    public static GlobPattern Parse(string pattern)
    {
        var normalized = pattern.Replace('\\', '/').TrimStart('/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        if (normalized.Length == 0)
        {
            throw new ToolFailureException("The glob pattern is empty.");
        }

        var regex = new StringBuilder("^");
        var braces = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            switch (c)
            {
                case '*' when i + 1 < normalized.Length && normalized[i + 1] == '*':
                    var atSegmentStart = i == 0 || normalized[i - 1] == '/';
                    i++;
                    if (atSegmentStart && i + 1 < normalized.Length && normalized[i + 1] == '/')
                    {
                        regex.Append("(?:[^/]*/)*");
                        i++;
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = normalized.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var body = normalized[(i + 1)..close];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate)
                    {
                        body = body[1..];
                    }

                    regex.Append(negate ? "[^/" : "[").Append(body.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '{':
                    braces++;
                    regex.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    regex.Append(')');
                    break;
                case ',' when braces > 0:
                    regex.Append('|');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (braces > 0)
        {
            throw new ToolFailureException("The glob pattern has an unclosed '{'.");
        }

        regex.Append('$');
        try
        {
            return new GlobPattern(
                new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1)),
                normalized.Contains('/', StringComparison.Ordinal));
        }
        catch (ArgumentException)
        {
            throw new ToolFailureException($"'{pattern}' is not a valid glob pattern.");
        }
    }

    /// <summary>Whether a '/'-separated relative path matches.</summary>
    public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath);

    /// <summary>Whether a file matches as a filter: patterns with '/' against the relative path, others against the name.</summary>
    public bool IsFilterMatch(string relativePath, string name) => IsMatch(HasSlash ? relativePath : name);
}
