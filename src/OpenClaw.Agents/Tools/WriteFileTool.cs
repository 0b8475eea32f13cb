using System.Text;
using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary><c>write_file</c>: creates or replaces a text file of the workspace, creating parent directories inside it.</summary>
internal sealed class WriteFileTool : AgentTool
{
    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "path": { "type": "string", "minLength": 1, "maxLength": 4096, "description": "File path relative to the workspace." },
            "content": { "type": "string", "maxLength": 10000000, "description": "The whole new content (UTF-8)." }
          },
          "required": ["path", "content"],
          "additionalProperties": false
        }
        """;

    public WriteFileTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "write_file";

    public override string Description =>
        "Writes a UTF-8 text file in the workspace, replacing it if it exists and creating missing parent directories. "
        + "Use edit_file to change part of an existing file.";

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        using var files = WorkspaceFiles.Open(context.Workspace);
        var relative = files.Normalize(ToolJson.GetString(parameters, "path"));
        var content = ToolJson.GetString(parameters, "content") ?? "";
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);

        // Opened without truncation; only now that the real path is known to lie inside is the file cut and rewritten.
        var handle = files.OpenForWrite(relative, out var created);
        var stream = new FileStream(handle, FileAccess.Write, 0);
        await using (stream.ConfigureAwait(false))
        {
            stream.SetLength(0);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var display = WorkspaceFiles.Display(relative);
        return ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteString("path", display);
            w.WriteNumber("bytes", bytes.Length);
            w.WriteBoolean("created", created);
        }));
    }
}
