using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace OpenClaw.Agents.Tools;

/// <summary><c>grep</c>: lines of workspace text files that match a regular expression.</summary>
internal sealed class GrepTool : AgentTool
{
    public const int DefaultMaxResults = 200;
    public const int MaxResultsLimit = 1000;
    public const int MaxLineChars = 500;

    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "pattern": { "type": "string", "minLength": 1, "maxLength": 1000, "description": ".NET regular expression matched against each line." },
            "path": { "type": "string", "maxLength": 4096, "description": "File or directory to search, relative to the workspace. Default: the workspace root." },
            "glob": { "type": "string", "minLength": 1, "maxLength": 1000, "description": "Only files matching this glob (by name, or by path when it contains '/'), e.g. *.cs." },
            "ignore_case": { "type": "boolean", "description": "Case-insensitive matching. Default false." },
            "max_results": { "type": "integer", "minimum": 1, "maximum": 1000, "description": "Most matching lines returned. Default 200." }
          },
          "required": ["pattern"],
          "additionalProperties": false
        }
        """;

    public GrepTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "grep";

    public override string Description =>
        "Searches workspace text files for lines matching a regular expression and returns file, line number and text. "
        + "Binary files, files over 10 MiB, symlinked directories and .git are skipped; results are capped by max_results.";

    protected override ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var pattern = ToolJson.GetString(parameters, "pattern");
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ToolFailureException("pattern must not be empty.");
        }

        var regex = Compile(pattern, ToolJson.GetBoolean(parameters, "ignore_case"));
        var globText = ToolJson.GetString(parameters, "glob");
        var filter = string.IsNullOrEmpty(globText) ? null : GlobPattern.Parse(globText);
        var maxResults = (int)(ToolJson.GetInteger(parameters, "max_results", 1, MaxResultsLimit) ?? DefaultMaxResults);
        using var files = WorkspaceFiles.Open(context.Workspace);
        var start = files.Normalize(ToolJson.GetString(parameters, "path"));
        var matches = new List<(string Path, long Line, string Text)>();
        var filesSearched = 0;
        var truncated = false;
        try
        {
            if (IsFile(files, start))
            {
                using var handle = files.OpenFile(start, write: false);
                filesSearched = 1;
                truncated = !Search(handle, WorkspaceFiles.Display(start), regex, matches, maxResults, cancellationToken);
            }
            else
            {
                var complete = WorkspaceWalker.Walk(
                    files,
                    start,
                    (directory, entry, relative) =>
                    {
                        if (filter is not null && !filter.IsFilterMatch(relative, entry.Name))
                        {
                            return true;
                        }

                        using var handle = files.TryOpenChildFile(directory, entry.Name);
                        if (handle is null)
                        {
                            return true;
                        }

                        filesSearched++;
                        return Search(handle, WorkspaceFiles.Join(start, relative), regex, matches, maxResults, cancellationToken);
                    },
                    cancellationToken);
                truncated = !complete;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ToolFailureException($"The pattern took longer than {s_matchTimeout.TotalSeconds:0} s on one line; simplify it.");
        }

        var searched = filesSearched;
        return ValueTask.FromResult(ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteStartArray("matches");
            foreach (var (path, line, text) in matches)
            {
                w.WriteStartObject();
                w.WriteString("path", path);
                w.WriteNumber("line", line);
                w.WriteString("text", text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("filesSearched", searched);
            w.WriteBoolean("truncated", truncated);
        })));
    }

    private static Regex Compile(string pattern, bool ignoreCase)
    {
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            // Linear-time matching when the pattern allows it; backreferences and lookarounds fall back to the
            // backtracking engine, bounded by the match timeout.
            return new Regex(pattern, options | RegexOptions.NonBacktracking, s_matchTimeout);
        }
        catch (NotSupportedException)
        {
        }
        catch (ArgumentException ex)
        {
            throw new ToolFailureException("The pattern is not a valid regular expression: " + ex.Message);
        }

        try
        {
            return new Regex(pattern, options, s_matchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ToolFailureException("The pattern is not a valid regular expression: " + ex.Message);
        }
    }

    private static bool IsFile(WorkspaceFiles files, string relative)
    {
        if (relative.Length == 0)
        {
            return false;
        }

        try
        {
            files.OpenDirectory(relative).Dispose();
            return false;
        }
        catch (ToolFailureException)
        {
            // Not a directory (or not there): searched as a file, whose open reports what is wrong.
            return true;
        }
    }

    /// <summary>Adds the file's matching lines; false once <paramref name="maxResults"/> is reached with more to come.</summary>
    private static bool Search(
        SafeFileHandle handle,
        string path,
        Regex regex,
        List<(string Path, long Line, string Text)> matches,
        int maxResults,
        CancellationToken cancellationToken)
    {
        using var stream = new FileStream(handle, FileAccess.Read, 0);
        if (stream.Length > FileText.MaxTextFileBytes)
        {
            return true;
        }

        var head = new byte[FileText.BinaryProbeBytes];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (FileText.LooksBinary(head.AsSpan(0, read)))
        {
            return true;
        }

        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if ((number & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (!regex.IsMatch(line))
            {
                continue;
            }

            if (matches.Count == maxResults)
            {
                return false;
            }

            matches.Add((path, number, Cut(line)));
        }

        return true;
    }

    /// <summary>Cuts a long line at <see cref="MaxLineChars"/>, never between the halves of a surrogate pair.</summary>
    internal static string Cut(string line)
    {
        if (line.Length <= MaxLineChars)
        {
            return line;
        }

        var length = char.IsHighSurrogate(line[MaxLineChars - 1]) ? MaxLineChars - 1 : MaxLineChars;
        return string.Concat(line.AsSpan(0, length), "…");
    }
}
