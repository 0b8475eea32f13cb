using Microsoft.Extensions.AI;

namespace OpenClaw.Providers.Resilience;

/// <summary>Decides when a streamed answer has shown the user something, after which it is neither retried nor failed over.</summary>
internal static class StreamedContent
{
    /// <summary>
    /// Whether <paramref name="update"/> carries something the user sees or the caller acts on: non-empty text, reasoning
    /// (text or protected data), a tool call, data; not an empty text (OpenAI's first <c>{"role":"assistant","content":""}</c>
    /// chunk) nor usage alone.
    /// </summary>
    public static bool IsVisible(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var content in update.Contents)
        {
            var visible = content switch
            {
                TextContent text => !string.IsNullOrEmpty(text.Text),
                TextReasoningContent reasoning => !string.IsNullOrEmpty(reasoning.Text) || !string.IsNullOrEmpty(reasoning.ProtectedData),
                UsageContent => false,
                _ => true,
            };
            if (visible)
            {
                return true;
            }
        }

        return false;
    }
}
