using System.Globalization;

namespace OpenClaw.Channels.Telegram;

/// <summary>Turns a Telegram update into the one <see cref="InboundMessage"/> shape, or skips it.</summary>
internal static class TelegramUpdateNormalizer
{
    /// <summary>
    /// The normalised message, or <see langword="null"/> for an update the gateway does not take: anything but a new
    /// message (edits, callbacks, channel posts), channel chats, and service messages with neither text nor media.
    /// </summary>
    /// <param name="update">The update (untrusted).</param>
    /// <param name="botUsername">The bot's username without the @, when known (mentions of it address the bot).</param>
    /// <param name="botId">The bot's user id, when known (replies to it and text mentions of it address the bot).</param>
    public static InboundMessage? Normalize(TelegramUpdate update, string? botUsername, long? botId)
    {
        var message = update.Message;
        if (message?.From is not { } from)
        {
            return null;
        }

        var kind = message.Chat.Type switch
        {
            "private" => PeerKind.Direct,
            "group" or "supergroup" => PeerKind.Group,
            _ => (PeerKind?)null,
        };
        if (kind is null)
        {
            return null;
        }

        var text = message.Text ?? message.Caption ?? "";
        var entities = message.Text is not null ? message.Entities : message.CaptionEntities;
        var attachments = Attachments(message);
        if (text.Length == 0 && attachments.Count == 0)
        {
            return null;
        }

        var mentions = new List<string>();
        var mentionsBot = botId is { } id && message.ReplyToMessage?.From?.Id == id;
        foreach (var entity in entities ?? [])
        {
            if (entity.Offset < 0 || entity.Length <= 0 || entity.Offset + entity.Length > text.Length)
            {
                continue;
            }

            var value = text.Substring(entity.Offset, entity.Length);
            switch (entity.Type)
            {
                case "mention" when value.Length > 1:
                    var username = value[1..];
                    mentions.Add(username);
                    mentionsBot |= IsBot(username, botUsername);
                    break;
                case "text_mention" when entity.User is { } user:
                    mentionsBot |= botId is { } bid && user.Id == bid;
                    break;
                case "bot_command" when value.IndexOf('@', StringComparison.Ordinal) is var at && at > 0:
                    mentionsBot |= IsBot(value[(at + 1)..], botUsername);
                    break;
            }
        }

        return new InboundMessage
        {
            Channel = TelegramChannel.ChannelIdValue,
            Account = botUsername,
            ChatId = message.Chat.Id.ToString(CultureInfo.InvariantCulture),
            PeerKind = kind.Value,
            SenderId = from.Id.ToString(CultureInfo.InvariantCulture),
            SenderName = string.Join(' ', new[] { from.FirstName, from.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : null,
            Text = text,
            Attachments = attachments,
            MessageId = message.MessageId.ToString(CultureInfo.InvariantCulture),
            ReplyToMessageId = message.ReplyToMessage?.MessageId.ToString(CultureInfo.InvariantCulture),
            MentionsBot = mentionsBot,
            Mentions = mentions,
            UpdateId = update.UpdateId,
        };
    }

    private static bool IsBot(string username, string? botUsername) =>
        botUsername is not null && string.Equals(username, botUsername, StringComparison.OrdinalIgnoreCase);

    private static List<InboundAttachment> Attachments(TelegramMessage message)
    {
        var attachments = new List<InboundAttachment>();
        if (message.Photo is { Length: > 0 } sizes)
        {
            // Telegram lists every size it made; the largest is the original (or the closest to it).
            var largest = sizes.MaxBy(p => ((long)p.Width * p.Height, p.FileSize ?? 0))!;
            attachments.Add(new InboundAttachment
            {
                FileId = largest.FileId,
                MimeType = "image/jpeg",
                SizeBytes = largest.FileSize,
            });
        }

        if (message.Document is { } document)
        {
            attachments.Add(new InboundAttachment
            {
                FileId = document.FileId,
                FileName = document.FileName,
                MimeType = document.MimeType,
                SizeBytes = document.FileSize,
            });
        }

        return attachments;
    }
}
