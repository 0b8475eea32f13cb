using System.Text;
using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary><c>read_file</c>: a text file of the workspace, by lines, with a cap on how much comes back.</summary>
internal sealed class ReadFileTool : AgentTool
{
    /// <summary>The most UTF-8 bytes of content one call returns; past it the result is cut and <c>truncated</c> is set.</summary>
    public const int MaxContentBytes = 256 * 1024;

    public const int DefaultLineLimit = 2000;

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "path": { "type": "string", "minLength": 1, "maxLength": 4096, "description": "File path relative to the workspace." },
            "offset": { "type": "integer", "minimum": 1, "maximum": 100000000, "description": "First line to return (1-based). Default 1." },
            "limit": { "type": "integer", "minimum": 1, "maximum": 100000, "description": "Most lines to return. Default 2000." }
          },
          "required": ["path"],
          "additionalProperties": false
        }
        """;

    public ReadFileTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "read_file";

    public override string Description =>
        "Reads a UTF-8 text file from the workspace and returns its lines (offset is the first line, 1-based; limit the "
        + $"number of lines, default {DefaultLineLimit}). At most {MaxContentBytes / 1024} KiB of text come back; when the "
        + "result says truncated, call again with offset set to nextOffset. Binary files are refused.";

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        using var files = WorkspaceFiles.Open(context.Workspace);
        var relative = files.Normalize(ToolJson.GetString(parameters, "path"));
        var display = WorkspaceFiles.Display(relative);
        var firstLine = ToolJson.GetInteger(parameters, "offset", 1, int.MaxValue) ?? 1;
        var lineLimit = ToolJson.GetInteger(parameters, "limit", 1, 100_000) ?? DefaultLineLimit;
        var lastLine = firstLine + lineLimit - 1;

        var stream = new FileStream(files.OpenFile(relative, write: false), FileAccess.Read, 0);
        await using (stream.ConfigureAwait(false))
        {
            if (await FileText.StartsBinaryAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                throw new ToolFailureException($"'{display}' is a binary file; read_file returns text only.");
            }

            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16384, leaveOpen: true);
            var content = new StringBuilder();
            var contentBytes = 0;
            var buffer = new char[16384];
            long line = 1;
            long lastAppendedLine = firstLine - 1;
            var sawAny = false;
            var lastWasNewline = false;
            var truncated = false;
            long nextOffset = 0;
            int read;
            while (!truncated && (read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    var cost = Utf8Length(buffer[i]);
                    if (line > lastLine || (line >= firstLine && contentBytes + cost > MaxContentBytes))
                    {
                        truncated = true;
                        nextOffset = line;
                        break;
                    }

                    sawAny = true;
                    lastWasNewline = buffer[i] == '\n';
                    if (line >= firstLine)
                    {
                        content.Append(buffer[i]);
                        contentBytes += cost;
                        lastAppendedLine = line;
                    }

                    if (lastWasNewline)
                    {
                        line++;
                    }
                }
            }

            var totalLines = !sawAny ? 0 : lastWasNewline ? line - 1 : line;
            if (!truncated && firstLine > 1 && firstLine > totalLines)
            {
                throw new ToolFailureException($"offset {firstLine} is past the end of '{display}', which has {totalLines} lines.");
            }

            var text = content.ToString();
            return ToolOutcome.Ok(ToolJson.Object(w =>
            {
                w.WriteString("path", display);
                w.WriteNumber("startLine", firstLine);
                w.WriteNumber("endLine", lastAppendedLine);
                w.WriteString("content", text);
                w.WriteBoolean("truncated", truncated);
                if (truncated)
                {
                    w.WriteNumber("nextOffset", nextOffset);
                }
            }));
        }
    }

    /// <summary>UTF-8 bytes of one UTF-16 unit: a surrogate pair counts 4 on its high half, so a pair is never split.</summary>
    private static int Utf8Length(char c) => c switch
    {
        < (char)0x80 => 1,
        < (char)0x800 => 2,
        _ when char.IsHighSurrogate(c) => 4,
        _ when char.IsLowSurrogate(c) => 0,
        _ => 3,
    };
}
