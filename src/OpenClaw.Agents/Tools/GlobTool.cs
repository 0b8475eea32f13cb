using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary><c>glob</c>: workspace files whose paths match a glob pattern.</summary>
internal sealed class GlobTool : AgentTool
{
    public const int MaxMatches = 1000;

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "pattern": { "type": "string", "minLength": 1, "maxLength": 1000, "description": "Glob relative to path, e.g. **/*.cs or src/*.{js,ts}." },
            "path": { "type": "string", "maxLength": 4096, "description": "Directory to search from, relative to the workspace. Default: the workspace root." }
          },
          "required": ["pattern"],
          "additionalProperties": false
        }
        """;

    public GlobTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "glob";

    public override string Description =>
        "Finds files in the workspace whose path (relative to path) matches a glob: * within a name, ** across "
        + $"directories, ?, [abc], {{a,b}}. Returns workspace-relative paths, sorted, at most {MaxMatches}. Symlinked "
        + "directories and .git are not searched.";

    protected override ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var pattern = GlobPattern.Parse(ToolJson.GetString(parameters, "pattern") ?? "");
        using var files = WorkspaceFiles.Open(context.Workspace);
        var start = files.Normalize(ToolJson.GetString(parameters, "path"));
        var matches = new List<string>();
        var truncated = false;
        try
        {
            var complete = WorkspaceWalker.Walk(
                files,
                start,
                (_, _, relative) =>
                {
                    if (pattern.IsMatch(relative))
                    {
                        if (matches.Count == MaxMatches)
                        {
                            truncated = true;
                            return false;
                        }

                        matches.Add(WorkspaceFiles.Join(start, relative));
                    }

                    return true;
                },
                cancellationToken);
            truncated |= !complete;
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw new ToolFailureException("The glob pattern took too long to match; simplify it.");
        }

        matches.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult(ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteStartArray("matches");
            foreach (var match in matches)
            {
                w.WriteStringValue(match);
            }

            w.WriteEndArray();
            w.WriteBoolean("truncated", truncated);
        })));
    }
}
