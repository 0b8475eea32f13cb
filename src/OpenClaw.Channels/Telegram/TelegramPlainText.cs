using System.Net;
using System.Text;

namespace OpenClaw.Channels.Telegram;

/// <summary>The text a user would see of Telegram HTML, for resending a chunk Telegram could not parse.</summary>
internal static class TelegramPlainText
{
    /// <summary>Removes tags and decodes entities.</summary>
    public static string FromHtml(string html)
    {
        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            if (html[i] == '<' && html.IndexOf('>', i) is var close && close > i)
            {
                i = close + 1;
                continue;
            }

            text.Append(html[i]);
            i++;
        }

        var plain = WebUtility.HtmlDecode(text.ToString());
        return plain.Trim().Length == 0 ? html : plain;
    }
}
