using System.Text;
using System.Text.Json;

namespace OpenClaw.Agents.Tools;

/// <summary><c>edit_file</c>: replaces an exact string in a text file, refusing when it is missing or ambiguous.</summary>
internal sealed class EditFileTool : AgentTool
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "path": { "type": "string", "minLength": 1, "maxLength": 4096, "description": "File path relative to the workspace." },
            "old_string": { "type": "string", "minLength": 1, "maxLength": 1000000, "description": "The exact text to replace (whitespace and line breaks included)." },
            "new_string": { "type": "string", "maxLength": 1000000, "description": "The text to put in its place." },
            "replace_all": { "type": "boolean", "description": "Replace every occurrence instead of requiring exactly one. Default false." }
          },
          "required": ["path", "old_string", "new_string"],
          "additionalProperties": false
        }
        """;

    public EditFileTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "edit_file";

    public override string Description =>
        "Replaces old_string with new_string in a UTF-8 text file of the workspace. old_string must match exactly and, "
        + "unless replace_all is true, occur exactly once: include enough surrounding lines to make it unique.";

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        using var files = WorkspaceFiles.Open(context.Workspace);
        var relative = files.Normalize(ToolJson.GetString(parameters, "path"));
        var display = WorkspaceFiles.Display(relative);
        var oldString = ToolJson.GetString(parameters, "old_string") ?? "";
        var newString = ToolJson.GetString(parameters, "new_string") ?? "";
        var replaceAll = ToolJson.GetBoolean(parameters, "replace_all");
        if (oldString.Length == 0)
        {
            throw new ToolFailureException("old_string must not be empty.");
        }

        if (string.Equals(oldString, newString, StringComparison.Ordinal))
        {
            throw new ToolFailureException("old_string and new_string are the same; nothing would change.");
        }

        var stream = new FileStream(files.OpenFile(relative, write: true), FileAccess.ReadWrite, 0);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > FileText.MaxTextFileBytes)
            {
                throw new ToolFailureException($"'{display}' is larger than {FileText.MaxTextFileBytes} bytes; edit_file does not rewrite files that large.");
            }

            var bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            if (FileText.LooksBinary(bytes))
            {
                throw new ToolFailureException($"'{display}' is a binary file; edit_file edits text only.");
            }

            var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
            string text;
            try
            {
                text = s_strictUtf8.GetString(bytes, bom, bytes.Length - bom);
            }
            catch (DecoderFallbackException)
            {
                throw new ToolFailureException($"'{display}' is not valid UTF-8 text; edit_file would corrupt it.");
            }

            var count = CountOccurrences(text, oldString);
            if (count == 0)
            {
                throw new ToolFailureException($"old_string was not found in '{display}'. It must match the file exactly, including whitespace.");
            }

            if (count > 1 && !replaceAll)
            {
                throw new ToolFailureException(
                    $"old_string occurs {count} times in '{display}'. Include more surrounding text so it matches once, or set replace_all to true.");
            }

            var updated = replaceAll ? text.Replace(oldString, newString, StringComparison.Ordinal) : ReplaceFirst(text, oldString, newString);
            var output = new byte[bom + s_strictUtf8.GetByteCount(updated)];
            bytes.AsSpan(0, bom).CopyTo(output);
            s_strictUtf8.GetBytes(updated, output.AsSpan(bom));
            stream.Position = 0;
            await stream.WriteAsync(output, cancellationToken).ConfigureAwait(false);
            stream.SetLength(output.Length);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            var replacements = replaceAll ? count : 1;
            return ToolOutcome.Ok(ToolJson.Object(w =>
            {
                w.WriteString("path", display);
                w.WriteNumber("replacements", replacements);
            }));
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string ReplaceFirst(string text, string oldString, string newString)
    {
        var index = text.IndexOf(oldString, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), newString, text.AsSpan(index + oldString.Length));
    }
}
