using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary><c>list_dir</c>: the entries of one workspace directory, with kinds and sizes.</summary>
internal sealed class ListDirTool : AgentTool
{
    public const int MaxEntries = 1000;

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "path": { "type": "string", "maxLength": 4096, "description": "Directory relative to the workspace. Default: the workspace root." }
          },
          "additionalProperties": false
        }
        """;

    public ListDirTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "list_dir";

    public override string Description =>
        $"Lists a workspace directory: each entry's name, kind (file, directory, symlink) and size in bytes for files. At most {MaxEntries} entries, sorted by name.";

    protected override ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        using var files = WorkspaceFiles.Open(context.Workspace);
        var relative = files.Normalize(ToolJson.GetString(parameters, "path"));
        using var directory = files.OpenDirectory(relative);
        var entries = new List<DirectoryEntry>();
        var truncated = false;
        foreach (var entry in DirectoryEntry.Enumerate(directory.EnumerationPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entries.Count == MaxEntries * 10)
            {
                truncated = true;
                break;
            }

            entries.Add(entry);
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (entries.Count > MaxEntries)
        {
            truncated = true;
            entries.RemoveRange(MaxEntries, entries.Count - MaxEntries);
        }

        var display = WorkspaceFiles.Display(relative);
        return ValueTask.FromResult(ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteString("path", display);
            w.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                w.WriteStartObject();
                w.WriteString("name", entry.Name);
                w.WriteString("kind", entry.Kind);
                if (entry.Size is { } size)
                {
                    w.WriteNumber("size", size);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("truncated", truncated);
        })));
    }
}

/// <summary>One entry of a directory, without following a symlink entry (its target may lie outside).</summary>
internal readonly record struct DirectoryEntry(string Name, string Kind, long? Size)
{
    private static readonly EnumerationOptions s_options = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    public bool IsDirectory => Kind == "directory";

    public bool IsSymlink => Kind == "symlink";

    public bool IsFile => Kind == "file";

    public static IEnumerable<DirectoryEntry> Enumerate(string path) =>
        new System.IO.Enumeration.FileSystemEnumerable<DirectoryEntry>(
            path,
            (ref System.IO.Enumeration.FileSystemEntry entry) =>
                (entry.Attributes & FileAttributes.ReparsePoint) != 0
                    ? new DirectoryEntry(entry.FileName.ToString(), "symlink", null)
                    : entry.IsDirectory
                        ? new DirectoryEntry(entry.FileName.ToString(), "directory", null)
                        : new DirectoryEntry(entry.FileName.ToString(), "file", entry.Length),
            s_options);
}
