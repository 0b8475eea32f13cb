using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Testing.Providers;

/// <summary>
/// One line that describes a model answer the way a user would compare two providers: its text, the tool call with its
/// parsed arguments, the finish reason and the token counts. Shared (as a linked file) by the conformance test and the
/// NativeAOT check, so both hold every provider to the same transcript.
/// </summary>
internal static class ChatTranscript
{
    public static string Describe(ChatResponse response, FunctionCallContent? call)
    {
        var text = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextContent>().Select(t => t.Text));
        var parts = new List<string> { $"text=[{text}]" };
        if (call is not null)
        {
            var args = string.Join(",", (call.Arguments ?? new Dictionary<string, object?>())
                .OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Value(a.Value)}"));
            parts.Add($"call={call.Name}#{call.CallId}{{{args}}}");
        }

        parts.Add($"finish={response.FinishReason?.Value}");
        parts.Add($"usage={response.Usage?.InputTokenCount}/{response.Usage?.OutputTokenCount}");
        return string.Join(" ", parts);
    }

    private static string? Value(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement e => e.GetRawText(),
        _ => value?.ToString(),
    };
}
